/**
 * The conversation: start, open, resume after a reload, long-poll, send, chatbot answers, end.
 *
 * Where the chat stands is one state machine (state.js); every path that ends or resets the chat goes
 * through ``teardown``; what the server's bus sends is dispatched by kind through SERVER_EVENTS. The
 * session token lives in localStorage (per server and channel): the conversation survives page
 * navigation and reloads; after a network error or a server restart the widget reconnects with backoff
 * and fetches what it missed; when the server says to slow down (HTTP 429 with Retry-After), it waits
 * what the server says before it tries again. Loaded when the chat opens (boot.js, the ``core``: the
 * server's init answer, the host with the button, the page's API and its listeners).
 */
import {MessageLog, STATES, StateMachine, capsFrom, clientIdFor, dispatch, randomToken, storage} from "./state.js";
import {backoffDelay, call, retrying, sleep} from "./api.js";
import {STORE} from "./boot.js";
import {View} from "./view.js";
import {afterChatPanel} from "./after_chat.js";
import {offlineFormPanel, offlineOnly} from "./offline.js";
import {Liveliness} from "./typing.js";
import {FileSender, attachmentList} from "./files.js";
import {backAtText} from "./hours.js";
import {queuePanel} from "./queue.js";

/** What each kind of event of the server's bus does (the one event protocol of the visitor's side).
 * ``attachment`` is part of the protocol; this widget does not show it yet. */
export const SERVER_EVENTS = Object.freeze({
    message: (widget, event) => widget.addMessage(event.message, true),
    closed: (widget, event) => widget.ended(event.closed),
    chatbot: (widget, event) => widget.setChatbot(event.chatbot),
    operator: (widget, event) => widget.setOperator(event.operator && event.operator.operator_name),
    typing: (widget, event) => widget.live.showTyping(event.typing),
    seen: (widget, event) => widget.live.seen(event.seen && event.seen.message_id),
    queue: (widget, event) => widget.queueChanged(event.queue),
    attachment: () => {},
});

export class LivechatWidget {
    constructor(core) {
        this.core = core;
        this.channelId = core.channelId;
        this.server = core.server;
        this.fullPage = core.fullPage;
        this.key = core.key;
        this.api = core.api;
        this.config = core.config;
        this.texts = this.config.texts;
        this.caps = capsFrom(this.config.limits);
        this.view = new View({host: core.host, fullPage: this.fullPage, server: this.server, lang: this.config.lang});
        this.machine = new StateMachine(STATES.BOOT);
        this.log = new MessageLog();  // the messages shown, by id
        // {token, operatorName, visitorName, cursor, lastId, open}: kept in localStorage
        this.session = storage.get("localStorage", this.key);
        this.windowOpen = false;  // the window is shown (not minimized)
        this.focusWanted = false;  // the visitor opened the window himself: the input takes the focus
        this.run = 0;  // bumped by teardown: whatever was in flight for what came before stops
        this.pollingRun = null;  // the run whose long-poll loop is going
        this.pollAbort = null;
        this.failures = 0;  // reconnection attempts in a row
        this.needCatchUp = false;  // a poll failed: fetch the history missed before polling again
        this.answering = false;  // a chatbot answer is on its way
        this.draft = null;  // {body, clientId}: the message whose answer did not come, back in the input
        this.live = new Liveliness(this);  // typing, seen, unread count
        this.queue = null;  // {panel, update}: the place in line, while waiting
    }

    go(next) {
        return this.machine.go(next);
    }

    save() {
        if (this.session) {
            storage.set("localStorage", this.key, this.session);
        } else {
            storage.remove("localStorage", this.key);
        }
    }

    visitorUid() {
        const key = `${STORE}:${this.server}:uid`;
        let uid = storage.get("localStorage", key);
        if (!uid) {
            uid = randomToken();
            storage.set("localStorage", key, uid);
        }
        return uid;
    }

    // ---------------------------------------------------------------- start
    /** Just loaded: the stored conversation goes on, the full page opens its window, else nothing yet. */
    async begin() {
        if (this.session && this.session.token) {
            await this.resume();
        } else if (this.fullPage) {
            this.openWindow();
        } else {
            this.go(STATES.IDLE);
        }
    }

    // ---------------------------------------------------------------- button and window
    showLauncher() {
        this.core.showLauncher();
    }

    /** The window shown or not: the page's listeners are told (open, close); shown, nothing is unread. */
    setWindowOpen(open) {
        const changed = open !== this.windowOpen;
        this.windowOpen = open;
        this.view.setWindowVisible(open);
        if (open) {
            this.live.clearUnread();
        }
        if (changed) {
            this.core.emit(open ? "open" : "close");
        }
    }

    buildWindow() {
        this.view.buildWindow({
            texts: this.texts,
            // a chatbot greets the visitor itself: the channel's welcome is for conversations with an operator
            welcome: this.config.chatbot ? "" : this.texts.welcome,
            title: (this.session && this.session.operatorName) || this.config.channel_name,
            caps: this.caps,
            on: {
                minimize: () => this.minimize(), close: () => this.requestClose(), send: () => this.send(),
                input: (text) => this.live.input(text),
            },
        });
        this.files = new FileSender(this);
        this.view.setWindowVisible(this.windowOpen);
    }

    openWindow({passive = false} = {}) {
        const fresh = this.machine.is(STATES.BOOT, STATES.IDLE);
        if (fresh) {
            this.buildWindow();
        }
        this.setWindowOpen(true);
        this.core.host.hideLauncher();
        this.focusWanted = !passive;
        if (this.session) {
            this.session.open = true;
            this.save();
            this.live.read();
        } else if (fresh && offlineOnly(this.config)) {
            this.showOfflineForm();
        } else if (fresh || this.machine.is(STATES.UNAVAILABLE)) {
            this.openSession();
        }
        if (!passive && this.machine.is(STATES.CHATTING)) {
            this.view.focusInput();
        }
    }

    minimize() {
        storage.set("sessionStorage", `${this.key}:dismissed`, true);
        this.setWindowOpen(false);
        if (this.session) {
            this.session.open = false;
            this.save();
        }
        this.showLauncher();
        this.core.host.focusLauncher();
    }

    setNotice(text) {
        this.view.setNotice(text);
    }

    setOperator(name) {
        if (name) {
            this.view.setTitle(name);
            if (this.session && this.session.operatorName !== name) {
                this.session.operatorName = name;
                this.save();
            }
        }
    }

    /** Another operator answers now (a transfer): his name in the header, here and after a reload. */
    /** "We're back Monday at 9:00." outside the channel's business hours, else "". */
    backAt() {
        return backAtText(this.config.hours, this.config.lang);
    }

    // ---------------------------------------------------------------- session
    async openSession() {
        this.go(STATES.OPENING);
        const run = this.run;
        this.view.setEnabled(false);
        this.setNotice(this.texts.connecting);
        try {
            // rate limited: say so politely, then try again when the server says
            const result = await retrying(() => this.api("session/open", {
                channel_id: this.channelId, url: location.href, visitor_uid: this.visitorUid(),
                visitor: this.core.visitor,
            }), (error) => run === this.run && this.setNotice(error.message || this.texts.connecting));
            if (run !== this.run) {
                // closed while it waited: the conversation that opened meanwhile ends at once
                if (result.token) {
                    this.api("session/leave", {token: result.token}).catch(() => {});
                }
                return;
            }
            if (!result.available) {
                if (!this.showOfflineForm()) {
                    this.go(STATES.UNAVAILABLE);
                    this.setNotice(this.backAt() || result.message || this.texts.no_operator);
                }
                return;
            }
            this.session = {
                token: result.token, operatorName: result.operator_name, visitorName: result.visitor_name,
                cursor: result.cursor, lastId: 0, open: this.windowOpen, waiting: result.state === "waiting",
            };
            this.save();
            this.go(this.session.waiting ? STATES.WAITING : STATES.CHATTING);
            this.live.start(this.session);
            this.showQueue(result.queue);
            this.core.emit("conversation:start", {operatorName: result.operator_name || ""});
            this.setOperator(result.operator_name);
            this.setNotice("");
            this.view.setEnabled(true);
            if (this.focusWanted && this.windowOpen) {
                this.view.focusInput();
            }
            if (result.chatbot) {
                this.view.removeWelcome();  // a bot forced by a test link: it greets itself
            }
            (result.messages || []).forEach((message) => this.addMessage(message));
            this.setChatbot(result.chatbot);
            if (result.state === "closed") {
                // the bot said all it had to, and nobody can take over
                this.ended(result.chatbot && result.chatbot.closed);
                return;
            }
            this.poll();
        } catch (error) {
            if (run === this.run) {
                this.go(STATES.UNAVAILABLE);
                this.setNotice(error.message && error.status ? error.message : this.texts.no_operator);
            }
        }
    }

    /** After a reload or on another page: the conversation of the stored session, where it was. */
    async resume() {
        this.go(this.session.waiting ? STATES.WAITING : STATES.CHATTING);
        this.buildWindow();
        this.setWindowOpen(Boolean(this.session.open) || this.fullPage);
        if (!this.windowOpen) {
            this.showLauncher();
        }
        this.live.start(this.session);
        const run = this.run;
        try {
            await this.catchUp(0);
        } catch (error) {
            if (error.status === 403) {
                // the server does not know this conversation any more: start afresh
                if (this.teardown(STATES.IDLE) && this.fullPage) {
                    this.openWindow();
                }
                return;
            }
            this.needCatchUp = true;
        }
        if (this.session && run === this.run) {
            // the operator sees the pages the visitor visited since the chat started
            this.api("session/page", {token: this.session.token, url: location.href}).catch(() => {});
            this.poll();
        }
    }

    /** Fetch the messages after the last one shown, and a fresh bus cursor. */
    async catchUp(afterId) {
        const session = this.session;
        const result = await this.api("session/history", {token: session.token, after_id: afterId});
        if (session !== this.session) {
            return;
        }
        session.cursor = result.cursor;
        this.setOperator(result.operator_name);
        this.save();
        result.messages.forEach((message) => this.addMessage(message));
        this.live.seen(result.seen);
        this.live.read();
        this.setChatbot(result.chatbot);
        if (result.state === "closed") {
            this.ended(result.chatbot && result.chatbot.closed);
        } else if (result.state === "waiting") {
            this.showQueue(result.queue);
        } else if (this.machine.is(STATES.WAITING)) {
            this.queueChanged({state: "open", operator_name: result.operator_name});
        }
    }

    /** The long-poll loop of the current run: it stops when the run ends (teardown). */
    async poll() {
        const run = this.run;
        if (this.pollingRun === run) {
            return;
        }
        this.pollingRun = run;
        const live = () => run === this.run && Boolean(this.session);
        while (live()) {
            try {
                if (this.needCatchUp) {
                    await this.catchUp(this.session.lastId || 0);
                    if (!live()) {
                        break;
                    }
                    this.needCatchUp = false;
                    this.failures = 0;
                    this.setNotice("");
                }
                this.pollAbort = new AbortController();
                const body = {token: this.session.token, last: this.session.cursor || 0};
                const seen = this.live.unreportedSeen();
                if (seen) {
                    body.seen = seen;  // what the visitor just read, told on the way
                }
                const result = await call(this.config.poll_url, body, {signal: this.pollAbort.signal});
                if (!live()) {
                    break;
                }
                this.session.cursor = result.cursor;
                this.save();
                for (const event of result.events) {
                    if (live()) {
                        dispatch(SERVER_EVENTS, event, this);
                    }
                }
            } catch (error) {
                if (!live() || error.name === "AbortError") {
                    break;
                }
                this.live.seenLost();
                if (error.status === 403) {
                    this.ended();
                    break;
                }
                if (error.retryAfter) {
                    // rate limited: wait what the server says, then go on from the same cursor
                    await sleep(error.retryAfter);
                    continue;
                }
                // server restarting, network down: back off, then fetch what was missed
                this.failures += 1;
                this.needCatchUp = true;
                this.setNotice(this.texts.reconnecting);
                await sleep(backoffDelay(this.failures));
            }
        }
        if (this.pollingRun === run) {
            this.pollingRun = null;
        }
    }

    async send() {
        if (!this.machine.is(STATES.CHATTING, STATES.WAITING)) {
            return;
        }
        const body = this.view.takeInput();
        if (!body) {
            return;
        }
        this.live.sent();
        const session = this.session;
        // sent again unchanged after a lost answer: the same client id (the server stores it once)
        const clientId = clientIdFor(this.draft, body);
        this.draft = null;
        const pending = this.view.addMessage({id: null, body, is_visitor: true, pending: true});
        try {
            const result = await this.api("session/post", {token: session.token, body, client_id: clientId});
            if (session === this.session) {
                this.addMessage(result.message);  // shown once: the bus may have brought it already
                this.setNotice("");
            }
        } catch (error) {
            if (session === this.session) {
                this.draft = {body, clientId};
                this.view.restoreInput(body);
                this.setNotice(error.status ? error.message || this.texts.error : this.texts.error);
                if (error.code === "session_closed" || error.code === "invalid_token") {
                    this.ended();
                }
            }
        } finally {
            this.view.removePending(pending);
        }
    }

    /** Show a message once (by id), in id order; ``fresh``: it arrives now (not with the history). */
    addMessage(message, fresh = false) {
        if (!message) {
            return;
        }
        let placed = null;
        if (typeof message.id === "number") {
            placed = this.log.add(message.id);
            if (!placed) {
                return;  // shown already
            }
            if (this.session && message.id > (this.session.lastId || 0)) {
                this.session.lastId = message.id;
                this.save();
            }
            if (message.welcome) {
                this.view.removeWelcome();  // the server's copy of the welcome, stored in the operator's name
            } else if (this.session && !message.is_visitor && !message.is_bot && message.kind === "comment") {
                this.session.operatorAnswered = true;  // the transcript is offered then only (as the server rules)
            }
        }
        const item = this.view.addMessage(message, placed ? placed.before : null);
        const files = attachmentList(message.attachments, this.server, this.texts);
        if (files) {
            item.append(files);
        }
        if (placed) {
            this.live.message(message, fresh);
            this.core.emit("message", message);
        }
    }

    // ---------------------------------------------------------------- chatbot
    /** What the bot waits for: answer buttons for a question, the right keyboard for an e-mail or a phone. */
    setChatbot(info) {
        if (!info || !this.session) {
            return;
        }
        const t = this.texts;
        const placeholders = {choice: t.chatbot_choose, email: t.chatbot_email, phone: t.chatbot_phone, text: t.chatbot_text};
        this.view.removeAnswers();
        this.answering = false;
        this.view.setInputMode(placeholders[info.input] || t.placeholder, {email: "email", phone: "tel"}[info.input] || "text");
        this.setOperator(info.operator_name);
        if (info.input === "choice" && info.answers && info.answers.length) {
            this.view.showAnswers(info.answers, t.chatbot_choose, (answer) => this.chooseAnswer(answer));
        }
    }

    async chooseAnswer(answer) {
        const session = this.session;
        if (!session || this.answering) {
            return;
        }
        this.answering = true;
        this.view.setAnswersEnabled(false);
        try {
            const result = await this.api("chatbot/answer", {token: session.token, answer_id: answer.id});
            if (session === this.session) {
                this.setNotice("");
                this.setChatbot(result.chatbot);
            }
        } catch (error) {
            if (session === this.session) {
                this.answering = false;
                this.view.setAnswersEnabled(true);
                this.setNotice(error.status ? error.message || this.texts.error : this.texts.error);
            }
        }
    }

    // ---------------------------------------------------------------- waiting in line
    /** While waiting: the place in line and the estimated wait (``queue``: the server's), under the messages. */
    showQueue(queue) {
        if (!queue || !this.machine.is(STATES.WAITING)) {
            return;
        }
        if (!this.queue) {
            this.queue = queuePanel({texts: this.texts, onLeave: () => this.leaveQueue()});
            this.view.list.after(this.queue.panel);
        }
        this.queue.update(queue);
    }

    removeQueue() {
        if (this.queue) {
            this.queue.panel.remove();
            this.queue = null;
        }
    }

    /** The ``queue`` event: a new place in line, the operator who takes the visitor, or the end of the wait. */
    queueChanged(queue) {
        if (!queue || !this.session) {
            return;
        }
        if (queue.state === "waiting") {
            this.showQueue(queue);
        } else if (queue.state === "open" && this.machine.is(STATES.WAITING) && this.go(STATES.CHATTING)) {
            this.removeQueue();
            this.session.waiting = false;
            this.session.operatorName = queue.operator_name;
            this.save();
            this.setOperator(queue.operator_name);
        } else if (queue.state === "timeout") {
            if (queue.offline && this.config.offline_form) {
                if (this.teardown(STATES.OFFLINE)) {
                    this.showOfflineForm();
                }
            } else if (this.teardown(STATES.UNAVAILABLE)) {
                this.view.setEnabled(false);
                this.setNotice(this.texts.queue_timeout);
            }
        }
    }

    /** "Leave a message instead": the visitor leaves the line (his place goes to the next) for the offline form. */
    leaveQueue() {
        const session = this.session;
        if (!session || !this.teardown(STATES.OFFLINE)) {
            return;
        }
        this.removeQueue();
        this.api("session/leave", {token: session.token}, {keepalive: true}).catch(() => {});
        this.showOfflineForm();
    }

    // ---------------------------------------------------------------- offline form, after the chat
    /** The offline form instead of the chat; false when the channel has none. */
    showOfflineForm() {
        const form = this.config.offline_form;
        if (!form || !(this.machine.is(STATES.OFFLINE) || this.go(STATES.OFFLINE))) {
            return false;
        }
        this.setNotice("");
        this.view.removeRestart();
        this.view.setTitle(form.title || this.config.channel_name);
        const {panel, focus} = offlineFormPanel({
            form, caps: this.caps, errorText: this.texts.error, backAt: this.backAt(),
            send: (values) => this.api("offline/send", {
                channel_id: this.channelId, url: location.href, visitor_uid: this.visitorUid(), ...values,
            }),
        });
        this.view.showPanel(panel, true);
        focus.focus();
        return true;
    }

    /** The rating and transcript panel for the conversation of ``session``, in place of the input; the
     * transcript form only once an operator answered (the server refuses it before). */
    showAfterChat(session) {
        const {panel, focus} = afterChatPanel({
            texts: this.texts, caps: this.caps, api: this.api, token: session.token,
            transcript: Boolean(session.operatorAnswered), onFinish: () => this.finishAfterChat(),
        });
        this.view.showPanel(panel);
        focus.focus();
    }

    finishAfterChat() {
        this.view.removePanel();
        this.close();
    }

    // ---------------------------------------------------------------- end
    /** The one way a conversation ends or the chat resets: what was in flight stops (long-poll, opening,
     * sending), the session is forgotten here and in the storage, and the widget moves to ``next``
     * (IDLE also removes the window and shows the button). Returns ``{session}`` (the one that ended,
     * or null), or null when the move is refused. */
    teardown(next) {
        if (!this.go(next)) {
            return null;
        }
        const session = this.session;
        if (session) {
            this.core.emit("conversation:end", {});
        }
        this.run += 1;
        if (this.pollAbort) {
            this.pollAbort.abort();
            this.pollAbort = null;
        }
        this.session = null;
        this.save();
        this.live.stop();
        this.failures = 0;
        this.needCatchUp = false;
        this.answering = false;
        this.draft = null;
        this.removeQueue();
        if (next === STATES.IDLE) {
            this.setWindowOpen(false);
            this.view.removeWindow();
            this.log.clear();
            this.showLauncher();
        }
        return {session};
    }

    /** A conversation worth rating: the visitor or the operator wrote in it (not a wait in line). */
    ratable(session) {
        return Boolean(session && session.lastId && !session.waiting && this.texts.rating_question);
    }

    /** The server ended the conversation (or the visitor closed the full-page chat). ``info``: the
     * payload of the ``closed`` event: when the chatbot ended it with nobody to take over, the visitor is
     * offered the offline form (the channel has one) or to start again, not the rating. */
    ended(info) {
        const done = this.teardown(STATES.ENDED);
        if (!done) {
            return;
        }
        this.view.setEnabled(false);
        this.view.removeAnswers();
        this.view.removeConfirm();  // "End the conversation?" has no object any more
        this.setNotice(this.texts.closed);
        if (info && info.reason === "no_operator") {
            if (info.offline_form && this.config.offline_form) {
                this.view.showRestart(this.texts.leave_message, () => this.showOfflineForm());
            } else {
                this.view.showRestart(this.texts.restart, () => this.restart());
            }
            return;
        }
        this.view.showRestart(this.texts.restart, () => this.restart());
        if (this.ratable(done.session) && this.go(STATES.AFTER_CHAT)) {
            this.showAfterChat(done.session);
        }
    }

    restart() {
        if (this.teardown(STATES.IDLE)) {
            this.openWindow();
        }
    }

    /** The ×: during a conversation, "End the conversation?" is asked first (once, in the window). */
    requestClose() {
        if (this.machine.is(STATES.CHATTING) && this.session) {
            this.view.confirmClose(this.texts, () => this.close());
        } else {
            this.close();
        }
    }

    /** The visitor closes the window: the conversation ends (the operator is told). */
    close() {
        storage.set("sessionStorage", `${this.key}:dismissed`, true);
        const session = this.session;
        if (session) {
            this.api("session/leave", {token: session.token}, {keepalive: true}).catch(() => {});
        }
        if (this.ratable(session)) {
            this.teardown(STATES.AFTER_CHAT);
            this.showAfterChat(session);
        } else if (this.fullPage) {
            this.ended();
        } else if (this.teardown(STATES.IDLE)) {
            this.core.host.focusLauncher();
        }
    }
}
