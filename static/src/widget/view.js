/**
 * The chat window, drawn in the host's Shadow DOM (host.js): the messages, the input, the chatbot's
 * answers, the panels. The view draws what it is told and reports clicks through callbacks; it holds no
 * state of the chat (the widget never reads its state back from the DOM). Everything people write is
 * shown with textContent, never as HTML. On a phone the open window fills the screen: the page behind it
 * does not scroll, and the window follows the visual viewport (the on-screen keyboard never hides the input).
 */
import {dayKey, dayStarts, formatDay, formatTime, linkParts, localeOf, parseDate} from "./format.js";
import {el} from "./host.js";

export const PHONE = "(max-width: 480px)";

export class View {
    constructor({host, fullPage, server, lang}) {
        this.host = host;
        this.ui = host.ui;
        this.fullPage = fullPage;
        this.server = server;
        this.locale = localeOf(lang);
        this.locked = null;  // the page's overflow before the phone's full-screen window locked it
        this.fit = () => this.fitViewport();
        // the window's stylesheet, inlined by the server in this module
        host.addStyle(typeof WINDOW_CSS === "string" ? WINDOW_CSS : "");
    }

    // ---------------------------------------------------------------- window
    /** The chat window; ``on`` holds the callbacks: minimize, close, send. ``welcome``: the channel's
     * welcome message, shown first until the server's stored copy of it arrives (``removeWelcome``). */
    buildWindow({texts, welcome, title, caps, on}) {
        const t = texts;
        this.texts = texts;
        this.title = el("span", {class: "lc-title", text: title});
        const buttons = [];
        if (!this.fullPage) {
            buttons.push(el("button", {
                type: "button", class: "lc-icon-btn lc-minimize", "aria-label": t.minimize, title: t.minimize,
                text: "\u2013", onclick: on.minimize,
            }));
        }
        this.closeButton = el("button", {
            type: "button", class: "lc-icon-btn lc-close", "aria-label": t.close, title: t.close,
            text: "\u00d7", onclick: on.close,
        });
        buttons.push(this.closeButton);
        // a list (no role="log", which would take its list role from the <li> messages) that is also the live
        // region: a new message is read once, when it is added
        this.list = el("ol", {class: "lc-messages", "aria-live": "polite", "aria-relevant": "additions", "aria-label": t.window,
            onscroll: () => { this.atBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 8; }});
        this.atBottom = true;
        // when a panel, a notice or the answers take room, the last messages stay in view (unless scrolled up)
        if (typeof ResizeObserver === "function") {
            new ResizeObserver(() => {
                if (this.atBottom) {
                    this.list.scrollTop = this.list.scrollHeight;
                }
            }).observe(this.list);
        }
        this.items = new Map();  // message id -> its element
        this.pending = [];  // elements of the messages being sent, shown last
        this.notice = el("p", {class: "lc-notice", role: "alert", hidden: true});
        this.typing = el("p", {class: "lc-typing", "aria-live": "polite"});
        this.input = el("textarea", {
            class: "lc-input", rows: "1", placeholder: t.placeholder, "aria-label": t.message_label,
            maxlength: caps.message,
            oninput: () => on.input && on.input(this.input.value),
            onkeydown: (event) => {
                if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
                    event.preventDefault();
                    on.send();
                } else if (event.key === "Escape" && !this.fullPage) {
                    on.minimize();
                }
            },
        });
        this.sendButton = el("button", {type: "submit", class: "lc-send", text: t.send});
        this.form = el("form", {class: "lc-form", onsubmit: (event) => { event.preventDefault(); on.send(); }},
            this.input, this.sendButton);
        this.header = el("header", {class: "lc-header"}, this.title, ...buttons);
        this.window = el("section", {class: "lc-window", role: "dialog", "aria-label": t.window},
            this.header, this.list, this.typing, this.notice, this.form);
        this.ui.append(this.window);
        // the welcome message comes first, as if written by the operator
        this.welcome = this.welcomeAuthor = null;
        if (welcome) {
            this.welcome = this.addMessage({body: welcome, author_name: title});
            this.welcomeAuthor = this.welcome.firstChild;
        }
    }

    removeWelcome() {
        if (this.welcome) {
            this.welcome.remove();
            this.welcome = this.welcomeAuthor = null;
        }
    }

    removeWindow() {
        this.setWindowVisible(false);
        if (this.window) {
            this.window.remove();
        }
        this.window = this.answers = this.restartButton = this.panel = this.confirm = this.seen = null;
    }

    /** "End the conversation?" under the header, with End and Cancel (Escape cancels): ``onEnd`` on End.
     * Asked once: a second × while it shows keeps the one question. */
    confirmClose(texts, onEnd) {
        if (this.confirm) {
            this.confirm.querySelector(".lc-confirm-end").focus();
            return;
        }
        const cancel = () => {
            this.removeConfirm();
            this.closeButton.focus();
        };
        const question = el("p", {class: "lc-confirm-text", id: "lc-confirm-text", text: texts.confirm_close});
        this.confirm = el("div", {
            class: "lc-confirm", role: "alertdialog", "aria-labelledby": "lc-confirm-text",
            onkeydown: (event) => {
                if (event.key === "Escape") {
                    event.stopPropagation();
                    cancel();
                }
            },
        }, question,
        el("div", {class: "lc-confirm-buttons"},
            el("button", {type: "button", class: "lc-confirm-end", text: texts.confirm_end,
                onclick: () => { this.removeConfirm(); onEnd(); }}),
            el("button", {type: "button", class: "lc-confirm-cancel", text: texts.confirm_cancel, onclick: cancel})));
        this.header.after(this.confirm);
        this.confirm.querySelector(".lc-confirm-end").focus();
    }

    removeConfirm() {
        if (this.confirm) {
            this.confirm.remove();
            this.confirm = null;
        }
    }

    setWindowVisible(visible) {
        if (!this.window) {
            return;
        }
        this.window.hidden = !visible;
        this.lockPage(visible && !this.fullPage && window.matchMedia(PHONE).matches);
    }

    /** On a phone, the page behind the full-screen window does not scroll; the window follows the visual
     * viewport (what the on-screen keyboard leaves). Undone when the window closes. */
    lockPage(lock) {
        const page = document.documentElement;
        const viewport = window.visualViewport;
        if (lock && this.locked === null) {
            this.locked = page.style.overflow;
            page.style.overflow = "hidden";
            if (viewport) {
                viewport.addEventListener("resize", this.fit);
                viewport.addEventListener("scroll", this.fit);
                this.fitViewport();
            }
        } else if (!lock && this.locked !== null) {
            page.style.overflow = this.locked;
            this.locked = null;
            if (viewport) {
                viewport.removeEventListener("resize", this.fit);
                viewport.removeEventListener("scroll", this.fit);
            }
            this.ui.style.removeProperty("--lc-vh");
            this.ui.style.removeProperty("--lc-vtop");
        }
    }

    fitViewport() {
        const viewport = window.visualViewport;
        this.ui.style.setProperty("--lc-vh", `${Math.round(viewport.height)}px`);
        this.ui.style.setProperty("--lc-vtop", `${Math.round(viewport.offsetTop)}px`);
        if (this.list) {
            this.list.scrollTop = this.list.scrollHeight;
        }
    }

    setNotice(text) {
        this.notice.textContent = text || "";
        this.notice.hidden = !text;
    }

    setEnabled(enabled) {
        this.input.disabled = !enabled;
        this.sendButton.disabled = !enabled;
        if (this.attachButton) {
            this.attachButton.disabled = !enabled;
        }
    }

    focusInput() {
        this.input.focus();
    }

    /** What the visitor typed, trimmed; ``takeInput`` empties the field. */
    takeInput() {
        const text = this.input.value.trim();
        if (text) {
            this.input.value = "";
        }
        return text;
    }

    restoreInput(text) {
        this.input.value = text;
    }

    setTitle(name) {
        this.title.textContent = name;
        if (this.welcomeAuthor) {
            this.welcomeAuthor.textContent = name;
        }
    }

    /** The placeholder and the kind of keyboard (inputmode) of the message field. */
    setInputMode(placeholder, mode) {
        this.input.placeholder = placeholder || "";
        this.input.setAttribute("inputmode", mode);
    }

    /** Shows a message: before the one with id ``before`` (from the MessageLog), else before the
     * messages being sent, else last. A message without an id (being sent) is shown last. */
    addMessage(message, before = null) {
        const kind = message.kind === "notification" ? "notification" : (message.is_visitor ? "visitor" : "operator");
        const item = el("li", {class: `lc-msg lc-msg-${kind}${message.pending ? " lc-msg-pending" : ""}`});
        if (kind === "operator") {
            const author = el("span", {class: "lc-author", text: message.author_name || ""});
            if (typeof message.author_avatar === "string" && message.author_avatar.startsWith("/")) {
                author.prepend(el("img", {class: "lc-avatar", src: this.server + message.author_avatar, alt: ""}));
                item.classList.add("lc-msg-bot");
            }
            item.append(author);
        }
        item.append(this.body(message.body));
        const date = parseDate(message.date);
        if (date) {
            item.append(el("time", {class: "lc-time", datetime: message.date, text: formatTime(date, this.locale)}));
        }
        if (date || message.pending) {
            item.dataset.day = dayKey(date || new Date());
        }
        if (typeof message.id === "number") {
            item.dataset.id = String(message.id);
            this.items.set(message.id, item);
            this.list.insertBefore(item, (before !== null && this.items.get(before)) || this.pending[0] || null);
        } else {
            this.list.append(item);
            if (message.pending) {
                this.pending.push(item);
            }
        }
        this.refreshDays();
        this.list.scrollTop = this.list.scrollHeight;
        return item;
    }

    /** A message's text: http(s) addresses as links opening in a new tab (format.js), the rest as text. */
    body(text) {
        const body = el("span", {class: "lc-body"});
        for (const part of linkParts(text)) {
            body.append(part.href
                ? el("a", {href: part.href, target: "_blank", rel: "noopener noreferrer nofollow", text: part.text})
                : document.createTextNode(part.text));
        }
        return body;
    }

    /** A day separator ("Today", "Yesterday", a date) before the first message of each day. */
    refreshDays() {
        for (const separator of this.list.querySelectorAll(".lc-day")) {
            separator.remove();
        }
        const items = [...this.list.querySelectorAll(".lc-msg")];
        for (const index of dayStarts(items.map((item) => item.dataset.day || null))) {
            const [year, month, day] = items[index].dataset.day.split("-").map(Number);
            const words = formatDay(new Date(year, month - 1, day), this.locale, this.texts || {});
            items[index].before(el("li", {class: "lc-day"}, el("span", {text: words})));
        }
    }

    /** "Alex is typing..." under the messages ("": nothing). */
    setTyping(text) {
        this.typing.textContent = text;
    }

    isVisitorMessage(id) {
        const item = this.items.get(id);
        return Boolean(item && item.classList.contains("lc-msg-visitor"));
    }

    /** "Seen" under the message ``id`` only. */
    markSeen(id, text) {
        const item = this.items.get(id);
        if (this.seen && this.seen.parentNode === item) {
            return;
        }
        if (this.seen) {
            this.seen.remove();
        }
        this.seen = el("span", {class: "lc-seen", text});
        item.append(this.seen);
    }

    removePending(item) {
        this.pending = this.pending.filter((node) => node !== item);
        item.remove();
    }

    /** The chatbot's answers as buttons under the messages; ``onChoose(answer)`` on a click. */
    showAnswers(answers, label, onChoose) {
        this.removeAnswers();
        this.answers = el("div", {class: "lc-answers", role: "group", "aria-label": label || ""},
            ...answers.map((answer) => el("button", {
                type: "button", class: "lc-answer", text: answer.label, onclick: () => onChoose(answer),
            })));
        this.list.after(this.answers);
        this.list.scrollTop = this.list.scrollHeight;
    }

    removeAnswers() {
        if (this.answers) {
            this.answers.remove();
            this.answers = null;
        }
    }

    setAnswersEnabled(enabled) {
        if (this.answers) {
            for (const button of this.answers.children) {
                button.disabled = !enabled;
            }
        }
    }

    showRestart(text, onRestart) {
        if (!this.restartButton) {
            this.restartButton = el("button", {type: "button", class: "lc-restart", text, onclick: onRestart});
            this.notice.after(this.restartButton);
        }
    }

    removeRestart() {
        if (this.restartButton) {
            this.restartButton.remove();
            this.restartButton = null;
        }
    }

    /** A panel in place of the conversation's form (after the chat), or of the whole conversation
     * (``replaceList``: the offline form). */
    showPanel(panel, replaceList = false) {
        this.removePanel();
        this.panel = panel;
        this.form.hidden = true;
        this.list.hidden = replaceList;
        this.list.after(panel);
        this.list.scrollTop = this.list.scrollHeight;  // the panel took room: the last messages stay in view
    }

    removePanel() {
        if (this.panel) {
            this.panel.remove();
            this.panel = null;
        }
        if (this.form) {
            this.form.hidden = false;
            this.list.hidden = false;
        }
    }
}
