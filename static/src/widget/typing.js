/**
 * Signs of life in a conversation: "Alex is typing...", "Seen", and, while the window is minimized or the
 * page in the background, the unread count (badge, blinking title, a soft sound, screen readers told).
 * The throttle and the counter are pure (timers, clock and storage given): unit-tested with node.
 */
import {storage} from "./state.js";

/** Says "typing" at once, then again every ``interval`` ms while the visitor types, and "stopped" when the
 * input empties or after ``idle`` ms without a keystroke; a message sent says nothing more (the operator's
 * side forgets the typing when the message arrives). ``send(typing)`` does the talking. */
export class TypingNotifier {
    constructor(send, {interval = 3000, idle = 5000, now = () => Date.now(), timers = globalThis} = {}) {
        Object.assign(this, {send, interval, idle, now, timers});
        this.active = false;
        this.sentAt = -Infinity;
        this.timer = null;
    }

    /** The input now holds ``text``. */
    input(text) {
        if (!String(text || "").trim()) {
            this.stop();
            return;
        }
        const now = this.now();
        if (!this.active || now - this.sentAt >= this.interval) {
            this.active = true;
            this.sentAt = now;
            this.send(true);
        }
        this.timers.clearTimeout(this.timer);
        this.timer = this.timers.setTimeout(() => this.stop(), this.idle);
    }

    /** The message was sent: typing ended without a word (the message tells it). */
    sent() {
        this.timers.clearTimeout(this.timer);
        this.timer = null;
        this.active = false;
        this.sentAt = -Infinity;
    }

    /** Stopped (input emptied, idle): one "stopped", if "typing" was said. */
    stop() {
        this.timers.clearTimeout(this.timer);
        this.timer = null;
        if (this.active) {
            this.active = false;
            this.sentAt = -Infinity;
            this.send(false);
        }
    }
}

/** The operator's messages the visitor has not seen, counted in sessionStorage under ``key`` (a reload
 * keeps the count, a new conversation starts from 0). */
export class UnreadCounter {
    constructor(key, store = storage) {
        this.key = key;
        this.store = store;
        const count = store.get("sessionStorage", key);
        this.count = Number.isInteger(count) && count > 0 ? count : 0;
    }

    add() {
        this.count += 1;
        this.store.set("sessionStorage", this.key, this.count);
        return this.count;
    }

    clear() {
        this.count = 0;
        this.store.remove("sessionStorage", this.key);
    }
}

/** ``template`` ("(%s) New message") with ``value`` in place of %s. */
export function fill(template, value) {
    return String(template || "").replace("%s", value);
}

/** A short, soft "ding" made with WebAudio (no file to download); silent where audio is not allowed. */
export function softSound() {
    try {
        const Context = window.AudioContext || window.webkitAudioContext;
        const audio = softSound.context || (softSound.context = new Context());
        audio.resume();
        const start = audio.currentTime + 0.01, oscillator = audio.createOscillator(), gain = audio.createGain();
        oscillator.frequency.setValueAtTime(880, start);
        oscillator.frequency.exponentialRampToValueAtTime(660, start + 0.25);
        gain.gain.setValueAtTime(0.0001, start);
        gain.gain.exponentialRampToValueAtTime(0.06, start + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.3);
        oscillator.connect(gain).connect(audio.destination);
        oscillator.start(start);
        oscillator.stop(start + 0.32);
    } catch (e) { /* no audio here */ }
}

/** The typing indicator, "Seen" and the unread count of one widget (chat.js calls it at each step). */
export class Liveliness {
    constructor(widget) {
        this.widget = widget;
        this.unread = new UnreadCounter(`${widget.key}:unread`);
        this.reportedSeen = 0;
        this.seenId = 0;
        this.blink = null;
        this.title = "";
        this.typingTimer = null;
        document.addEventListener("visibilitychange", () => this.visible() && this.read());
    }

    /** Seconds the server's ``limits`` give for ``name`` (``typing_interval``...), in ms. */
    ms(name, fallback) {
        const value = (this.widget.config.limits || {})[name];
        return (Number.isInteger(value) ? value : fallback) * 1000;
    }

    /** A conversation is going on (``session``): the visitor's typing is told, the count shown. */
    start(session) {
        this.quiet();
        this.notifier = new TypingNotifier((typing) => session === this.widget.session
            && this.widget.api("session/typing", {token: session.token, typing}).catch(() => {}),
        {interval: this.ms("typing_interval", 3), idle: this.ms("typing_idle", 5)});
        this.showCount();
    }

    quiet() {
        if (this.notifier) {
            this.notifier.timers.clearTimeout(this.notifier.timer);
            this.notifier = null;
        }
    }

    /** The conversation ended or reset: nothing more is told, the count is forgotten. */
    stop() {
        this.quiet();
        this.reportedSeen = this.seenId = 0;
        this.showTyping(null);
        this.clearUnread();
    }

    input(text) {
        if (this.notifier) {
            this.notifier.input(text);
        }
    }

    sent() {
        if (this.notifier) {
            this.notifier.sent();
        }
    }

    /** The window is shown and the page visible: the visitor sees what arrives. */
    visible() {
        return this.widget.windowOpen && document.visibilityState !== "hidden";
    }

    /** A message shown for the first time (``fresh``: it arrived now, not with the history). */
    message(message, fresh) {
        if (message.is_visitor) {
            this.markSeen();
            return;
        }
        this.showTyping(null);
        if (message.kind !== "comment" || message.welcome) {
            return;  // the channel's welcome, stored when the conversation starts, is no reply
        }
        if (this.visible()) {
            this.reportSeen();
        } else if (fresh) {
            this.unread.add();
            this.showCount();
            if (this.widget.config.sound) {
                softSound();
            }
        }
    }

    /** The visitor sees the conversation (window opened, page visible again): all read. */
    read() {
        if (this.widget.session && this.visible()) {
            this.clearUnread();
            this.reportSeen();
        }
    }

    /** Tells the server the last message shown, once per message (those shown together: once). */
    reportSeen() {
        if (!this.seenTimer) {
            this.seenTimer = setTimeout(() => {
                this.seenTimer = null;
                this.sendSeen();
            }, 300);
        }
    }

    /** The last message shown that was not told yet (0: none), from now on counted as told: the caller
     * tells it, with the next long-poll (no request of its own: the widget polls again as soon as a
     * message arrived) or with ``sendSeen``. */
    unreportedSeen() {
        const session = this.widget.session, lastId = session && this.visible() && session.lastId;
        if (!lastId || lastId <= this.reportedSeen) {
            return 0;
        }
        this.reportedSeen = lastId;
        return lastId;
    }

    /** The request that told ``unreportedSeen`` failed: told again with the next message shown. */
    seenLost() {
        this.reportedSeen = 0;
    }

    sendSeen() {
        const lastId = this.unreportedSeen();
        if (lastId) {
            this.widget.api("session/seen", {token: this.widget.session.token, message_id: lastId})
                .catch(() => this.seenLost());
        }
    }

    // ---------------------------------------------------------------- typing
    /** ``{typing, name}`` from the server (or null): shown until stopped, a message, or it expires. */
    showTyping(event) {
        clearTimeout(this.typingTimer);
        const view = this.widget.view, on = Boolean(event && event.typing);
        if (on) {
            this.typingTimer = setTimeout(() => this.showTyping(null), this.ms("typing_expire", 8));
        }
        if (view.window) {
            view.setTyping(on ? fill(this.widget.texts.typing, event.name || "") : "");
        }
    }

    // ---------------------------------------------------------------- seen
    /** The operator read up to ``messageId``: "Seen" under the visitor's last message up to it. */
    seen(messageId) {
        if (Number.isInteger(messageId) && messageId > this.seenId) {
            this.seenId = messageId;
        }
        this.markSeen();
    }

    markSeen() {
        const log = this.widget.log, view = this.widget.view;
        if (!view.window) {
            return;
        }
        for (let index = log.indexOf(this.seenId + 1) - 1; index >= 0; index -= 1) {
            if (view.isVisitorMessage(log.ids[index])) {
                view.markSeen(log.ids[index], this.widget.texts.seen);
                return;
            }
        }
    }

    // ---------------------------------------------------------------- unread
    showCount() {
        const count = this.unread.count, texts = this.widget.texts;
        this.widget.core.setUnread(count, fill(texts.unread_label, count));
        if (this.blink) {
            clearInterval(this.blink);
            this.blink = null;
            document.title = this.title;
        }
        if (count) {
            const alert = fill(texts.unread_title, count);
            this.title = document.title;
            this.blink = setInterval(() => {
                document.title = document.title === alert ? this.title : alert;
            }, 1000);
            document.title = alert;
        }
    }

    clearUnread() {
        if (this.unread.count || this.blink) {
            this.unread.clear();
            this.showCount();
        }
    }
}
