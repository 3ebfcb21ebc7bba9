/**
 * Odoo Live Chat: the visitor's widget.
 *
 * A framework-free ES module. The whole UI lives in a Shadow DOM attached to one host element,
 * so the page's CSS cannot break it. Every text comes from the server (translated there), and
 * everything the visitor or the operator writes is shown with textContent, never as HTML.
 * The session token lives in localStorage (per server and channel): the conversation survives
 * page navigation and reloads; after a network error or a server restart the widget reconnects
 * with backoff and fetches what it missed. When the server says to slow down (HTTP 429 with
 * Retry-After), the widget waits what it says before it tries again.
 */
const STORE = "odoo-livechat";
const COLOR = /^#[0-9a-f]{6}$/i;
const SVG = "http://www.w3.org/2000/svg";
const RETRY_AFTER_MAX = 60;  // seconds: the longest a Retry-After makes the widget wait
const OPEN_ATTEMPTS = 3;  // a rate-limited start or opening is tried this many times in all

class ApiError extends Error {
    constructor(status, code, message, retryAfter = null) {
        super(message || "HTTP " + status);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;  // milliseconds to wait before trying again (429, 503), or null
    }
}

/** A response's Retry-After (seconds or an HTTP date) in milliseconds, 1 to RETRY_AFTER_MAX seconds; null without one. */
function retryAfter(response) {
    const value = (response.headers.get("Retry-After") || "").trim();
    if (!value) {
        return null;
    }
    const seconds = /^\d+$/.test(value) ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
    return Number.isNaN(seconds) ? null : Math.min(RETRY_AFTER_MAX, Math.max(1, seconds)) * 1000;
}

const storage = {
    get(area, key) {
        try { return JSON.parse(window[area].getItem(key)); } catch (e) { return null; }
    },
    set(area, key, value) {
        try { window[area].setItem(key, JSON.stringify(value)); } catch (e) { /* storage blocked */ }
    },
    remove(area, key) {
        try { window[area].removeItem(key); } catch (e) { /* storage blocked */ }
    },
};

/** createElement with attributes, listeners (on*), text and children: never innerHTML. */
function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
        if (value === undefined || value === null || value === false) {
            continue;
        } else if (name === "text") {
            node.textContent = value;
        } else if (name.startsWith("on")) {
            node.addEventListener(name.slice(2), value);
        } else {
            node.setAttribute(name, value === true ? "" : value);
        }
    }
    node.append(...children.filter(Boolean));
    return node;
}

function chatIcon() {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("class", "lc-icon");
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
    svg.append(path);
    return svg;
}

/** Dark text on light colours, white on dark ones. */
function readableOn(hex) {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    return (0.299 * r + 0.587 * g + 0.114 * b) > 170 ? "#1f1f1f" : "#ffffff";
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class LivechatWidget {
    constructor({channelId, serverUrl, fullPage = false}) {
        this.channelId = channelId;
        this.server = String(serverUrl).replace(/\/+$/, "");
        this.fullPage = Boolean(fullPage);
        this.key = `${STORE}:${this.server}:${channelId}`;
        this.session = storage.get("localStorage", this.key);
        this.seen = new Set();
        this.failures = 0;
    }

    // ---------------------------------------------------------------- server
    async call(url, data, options = {}) {
        const response = await fetch(url, {
            method: "POST",
            headers: {"Content-Type": "text/plain;charset=UTF-8"},
            body: JSON.stringify(data),
            ...options,
        });
        let body = null;
        try { body = await response.json(); } catch (e) { /* not JSON */ }
        if (!response.ok) {
            const error = (body && body.error) || {};
            const wait = [429, 503].includes(response.status) ? retryAfter(response) : null;
            throw new ApiError(response.status, error.code, error.message, wait);
        }
        return body;
    }

    /** ``request()``, tried again after the server's Retry-After when it says to slow down (at most
     * OPEN_ATTEMPTS in all); ``onWait(error)`` is told before each wait. */
    async retrying(request, onWait = null) {
        for (let attempt = 1; ; attempt += 1) {
            try {
                return await request();
            } catch (error) {
                if (!error.retryAfter || attempt >= OPEN_ATTEMPTS) {
                    throw error;
                }
                if (onWait) {
                    onWait(error);
                }
                await sleep(error.retryAfter);
            }
        }
    }

    api(path, data, options) {
        return this.call(`${this.server}/livechat/api/${path}`, data, options);
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
            uid = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
            storage.set("localStorage", key, uid);
        }
        return uid;
    }

    // ---------------------------------------------------------------- start
    async start() {
        const lang = document.documentElement.lang || navigator.language || "";
        this.config = await this.retrying(() => this.api("init", {channel_id: this.channelId, url: location.href, lang}));
        this.texts = this.config.texts;
        await this.mount();
        if (this.session && this.session.token) {
            await this.resume();
        } else if (this.fullPage) {
            this.openWindow();
        } else if (this.config.show_button) {
            this.showLauncher();
            if (this.config.action === "display_button_and_text" && this.texts.notification) {
                this.showBubble();
            }
            if (this.config.action === "auto_popup" && !storage.get("sessionStorage", `${this.key}:dismissed`)) {
                this.autoPopup = setTimeout(() => this.openWindow({passive: true}), this.config.auto_popup_timer * 1000);
            }
        }
        this.host.dataset.ready = "1";
    }

    async mount() {
        this.host = el("div", {"data-odoo-livechat": String(this.channelId)});
        this.root = this.host.attachShadow({mode: "open"});
        for (const [name, value] of Object.entries(this.config.colors || {})) {
            if (COLOR.test(value)) {
                this.host.style.setProperty(`--lc-${name}`, value);
            }
        }
        if (COLOR.test(this.config.colors["header-bg"] || "")) {
            this.host.style.setProperty("--lc-header-fg", readableOn(this.config.colors["header-bg"]));
        }
        // the server inlines widget.css in this module (one request less): a constructed stylesheet,
        // which a page's Content-Security-Policy allows; served as a plain file, the module links it
        let style = null, loaded = Promise.resolve();
        if (typeof WIDGET_CSS === "string" && "adoptedStyleSheets" in this.root) {
            const sheet = new CSSStyleSheet();
            sheet.replaceSync(WIDGET_CSS);
            this.root.adoptedStyleSheets = [sheet];
        } else if (typeof WIDGET_CSS === "string") {
            style = el("style", {text: WIDGET_CSS});
        } else {
            style = el("link", {rel: "stylesheet", href: new URL("widget.css", import.meta.url).href});
            loaded = new Promise((resolve) => { style.onload = style.onerror = resolve; });
        }
        this.ui = el("div", {class: this.fullPage ? "lc lc-page" : "lc", lang: (this.config.lang || "").replace("_", "-")});
        this.root.append(...[style, this.ui].filter(Boolean));
        document.body.append(this.host);
        await loaded;
    }

    // ---------------------------------------------------------------- button and bubble
    showLauncher() {
        if (this.fullPage || !this.config.show_button) {
            return;
        }
        if (!this.launcher) {
            this.launcher = el("button", {
                type: "button", class: "lc-launcher", "aria-label": this.texts.button,
                onclick: () => this.openWindow(),
            }, chatIcon(), el("span", {class: "lc-launcher-text", text: this.texts.button}));
            this.ui.append(this.launcher);
        }
        this.launcher.hidden = false;
    }

    showBubble() {
        this.bubble = el("div", {class: "lc-bubble", role: "status", onclick: () => this.openWindow()},
            el("span", {text: this.texts.notification}),
            el("button", {
                type: "button", class: "lc-bubble-close", "aria-label": this.texts.dismiss, text: "\u00d7",
                onclick: (event) => { event.stopPropagation(); this.removeBubble(); },
            }));
        this.ui.insertBefore(this.bubble, this.launcher || null);
    }

    removeBubble() {
        if (this.bubble) {
            this.bubble.remove();
            this.bubble = null;
        }
    }

    // ---------------------------------------------------------------- window
    buildWindow() {
        const t = this.texts;
        this.title = el("span", {class: "lc-title", text: (this.session && this.session.operatorName) || this.config.channel_name});
        const buttons = [];
        if (!this.fullPage) {
            buttons.push(el("button", {
                type: "button", class: "lc-icon-btn lc-minimize", "aria-label": t.minimize, title: t.minimize,
                text: "\u2013", onclick: () => this.minimize(),
            }));
        }
        buttons.push(el("button", {
            type: "button", class: "lc-icon-btn lc-close", "aria-label": t.close, title: t.close,
            text: "\u00d7", onclick: () => this.close(),
        }));
        this.list = el("ol", {class: "lc-messages", role: "log", "aria-live": "polite", "aria-label": t.window});
        this.notice = el("p", {class: "lc-notice", role: "alert", hidden: true});
        this.input = el("textarea", {
            class: "lc-input", rows: "1", placeholder: t.placeholder, "aria-label": t.message_label,
            maxlength: String(this.config.max_length || 4000),
            onkeydown: (event) => {
                if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
                    event.preventDefault();
                    this.send();
                } else if (event.key === "Escape" && !this.fullPage) {
                    this.minimize();
                }
            },
        });
        this.sendButton = el("button", {type: "submit", class: "lc-send", text: t.send});
        this.form = el("form", {class: "lc-form", onsubmit: (event) => { event.preventDefault(); this.send(); }},
            this.input, this.sendButton);
        this.window = el("section", {class: "lc-window", role: "dialog", "aria-label": t.window},
            el("header", {class: "lc-header"}, this.title, ...buttons), this.list, this.notice, this.form);
        this.ui.append(this.window);
        // the welcome message comes first, as if written by the operator
        if (t.welcome) {
            this.welcome = this.addMessage({id: "welcome", body: t.welcome, author_name: this.title.textContent});
        }
    }

    openWindow({passive = false} = {}) {
        clearTimeout(this.autoPopup);
        this.removeBubble();
        if (!this.window) {
            this.buildWindow();
        }
        this.window.hidden = false;
        if (this.launcher) {
            this.launcher.hidden = true;
        }
        if (this.session && this.session.token) {
            this.session.open = true;
            this.save();
        } else if (this.offlineOnly()) {
            this.showOfflineForm();
        } else if (!this.opening) {
            this.openSession();
        }
        this.focusWanted = !passive;
        if (!passive && !this.input.disabled) {
            this.input.focus();
        }
    }

    minimize() {
        storage.set("sessionStorage", `${this.key}:dismissed`, true);
        this.window.hidden = true;
        if (this.session) {
            this.session.open = false;
            this.save();
        }
        this.showLauncher();
        if (this.launcher) {
            this.launcher.focus();
        }
    }

    setNotice(text) {
        this.notice.textContent = text || "";
        this.notice.hidden = !text;
    }

    setEnabled(enabled) {
        this.input.disabled = !enabled;
        this.sendButton.disabled = !enabled;
    }

    setOperator(name) {
        if (name) {
            this.title.textContent = name;
            if (this.welcome) {
                this.welcome.querySelector(".lc-author").textContent = name;
            }
        }
    }

    // ---------------------------------------------------------------- session
    async openSession() {
        this.opening = true;
        this.setEnabled(false);
        this.setNotice(this.texts.connecting);
        try {
            // rate limited: say so politely, then try again when the server says
            const result = await this.retrying(() => this.api("session/open", {
                channel_id: this.channelId, url: location.href, visitor_uid: this.visitorUid(),
            }), (error) => this.setNotice(error.message || this.texts.connecting));
            if (!this.window) {
                // closed while it waited: the conversation that opened meanwhile ends at once
                if (result.token) {
                    this.api("session/leave", {token: result.token}).catch(() => {});
                }
                return;
            }
            if (!result.available) {
                if (!this.showOfflineForm()) {
                    this.setNotice(result.message || this.texts.no_operator);
                }
                return;
            }
            this.session = {
                token: result.token, operatorName: result.operator_name, visitorName: result.visitor_name,
                cursor: result.cursor, lastId: 0, open: !this.window.hidden,
            };
            this.save();
            this.setOperator(result.operator_name);
            this.setNotice("");
            this.setEnabled(true);
            if (this.focusWanted && !this.window.hidden) {
                this.input.focus();
            }
            (result.messages || []).forEach((message) => this.addMessage(message));
            this.setChatbot(result.chatbot);
            this.poll();
        } catch (error) {
            this.setNotice(error.message && error.status ? error.message : this.texts.no_operator);
        } finally {
            this.opening = false;
        }
    }

    async resume() {
        this.buildWindow();
        this.window.hidden = !this.session.open && !this.fullPage;
        if (this.window.hidden) {
            this.showLauncher();
        }
        try {
            await this.catchUp(0);
        } catch (error) {
            if (error.status === 403) {
                return this.forget();
            }
            this.needCatchUp = true;
        }
        if (this.session) {
            // operator side (issue 5): the operator sees the pages visited since the chat started
            this.api("session/page", {token: this.session.token, url: location.href}).catch(() => {});
            this.poll();
        }
    }

    /** Fetch the messages after the last one shown, and a fresh bus cursor. */
    async catchUp(afterId) {
        const result = await this.api("session/history", {token: this.session.token, after_id: afterId});
        if (!this.session) {
            return;
        }
        this.session.cursor = result.cursor;
        this.setOperator(result.operator_name);
        this.save();
        result.messages.forEach((message) => this.addMessage(message));
        this.setChatbot(result.chatbot);
        if (result.state === "closed") {
            this.ended();
        }
    }

    async poll() {
        if (this.polling) {
            return;
        }
        this.polling = true;
        while (this.session && this.session.token) {
            try {
                if (this.needCatchUp) {
                    await this.catchUp(this.session.lastId || 0);
                    this.needCatchUp = false;
                    this.failures = 0;
                    this.setNotice("");
                }
                this.pollAbort = new AbortController();
                const result = await this.call(this.config.poll_url, {
                    token: this.session.token, last: this.session.cursor || 0,
                }, {signal: this.pollAbort.signal});
                if (!this.session) {
                    break;
                }
                this.session.cursor = result.cursor;
                this.save();
                result.events.forEach((event) => this.onEvent(event));
            } catch (error) {
                if (!this.session || error.name === "AbortError") {
                    break;
                }
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
                const delay = Math.min(30000, 1000 * 2 ** Math.min(this.failures - 1, 5));
                await sleep(delay * (0.5 + Math.random() / 2));
            }
        }
        this.polling = false;
    }

    onEvent(event) {
        if (event.type === "message") {
            this.addMessage(event.message);
        } else if (event.type === "closed") {
            this.ended();
        } else if (event.type === "chatbot") {
            this.setChatbot(event.chatbot);
        }
    }

    async send() {
        const body = this.input.value.trim();
        if (!body || !this.session || !this.session.token || this.input.disabled) {
            return;
        }
        this.input.value = "";
        const pending = this.addMessage({id: null, body, is_visitor: true, pending: true});
        try {
            const result = await this.api("session/post", {token: this.session.token, body});
            this.addMessage(result.message);
            this.setNotice("");
        } catch (error) {
            this.input.value = body;
            this.setNotice(error.status ? error.message || this.texts.error : this.texts.error);
            if (error.code === "session_closed" || error.code === "invalid_token") {
                this.ended();
            }
        } finally {
            pending.remove();
        }
    }

    /** Show a message once (by id), in id order; returns its element. */
    addMessage(message) {
        if (typeof message.id === "number") {
            if (this.seen.has(message.id)) {
                return null;
            }
            this.seen.add(message.id);
            if (this.session && message.id > (this.session.lastId || 0)) {
                this.session.lastId = message.id;
                this.save();
            }
        }
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
        item.append(el("span", {class: "lc-body", text: message.body || ""}));
        if (typeof message.id === "number") {
            item.dataset.id = String(message.id);
            const next = Array.from(this.list.querySelectorAll("[data-id]")).find((node) => Number(node.dataset.id) > message.id);
            const pending = this.list.querySelector(".lc-msg-pending");
            this.list.insertBefore(item, next || pending || null);
        } else {
            this.list.append(item);
        }
        this.list.scrollTop = this.list.scrollHeight;
        return item;
    }

    // ---------------------------------------------------------------- chatbot
    /** What the bot waits for: answer buttons for a question, the right keyboard for an e-mail or a phone. */
    setChatbot(info) {
        if (!info || !this.window) {
            return;
        }
        if (this.answers) {
            this.answers.remove();
            this.answers = null;
        }
        const t = this.texts;
        const placeholders = {choice: t.chatbot_choose, email: t.chatbot_email, phone: t.chatbot_phone, text: t.chatbot_text};
        this.input.placeholder = placeholders[info.input] || t.placeholder || "";
        this.input.setAttribute("inputmode", {email: "email", phone: "tel"}[info.input] || "text");
        this.setOperator(info.operator_name);
        if (info.input === "choice" && info.answers && info.answers.length) {
            this.answers = el("div", {class: "lc-answers", role: "group", "aria-label": t.chatbot_choose || ""},
                ...info.answers.map((answer) => el("button", {
                    type: "button", class: "lc-answer", text: answer.label, onclick: () => this.chooseAnswer(answer),
                })));
            this.list.after(this.answers);
            this.list.scrollTop = this.list.scrollHeight;
        }
    }

    async chooseAnswer(answer) {
        const buttons = this.answers ? Array.from(this.answers.querySelectorAll("button")) : [];
        if (!this.session || !this.session.token || buttons.some((button) => button.disabled)) {
            return;
        }
        buttons.forEach((button) => { button.disabled = true; });
        try {
            const result = await this.api("chatbot/answer", {token: this.session.token, answer_id: answer.id});
            this.setNotice("");
            this.setChatbot(result.chatbot);
        } catch (error) {
            buttons.forEach((button) => { button.disabled = false; });
            this.setNotice(error.status ? error.message || this.texts.error : this.texts.error);
        }
    }

    // ---------------------------------------------------------------- end
    ended() {
        if (this.pollAbort) {
            this.pollAbort.abort();
        }
        const rateToken = this.session && this.session.lastId && this.session.token;  // after-chat panel
        this.session = null;
        this.save();
        this.setEnabled(false);
        this.setNotice(this.texts.closed);
        if (!this.restartButton) {
            this.restartButton = el("button", {
                type: "button", class: "lc-restart", text: this.texts.restart, onclick: () => this.restart(),
            });
            this.notice.after(this.restartButton);
        }
        if (rateToken) {
            this.showAfterChat(rateToken);
        }
    }

    forget() {
        this.session = null;
        this.save();
        if (this.window) {
            this.window.remove();
            this.window = null;
        }
        this.showLauncher();
    }

    restart() {
        if (this.window) {
            this.window.remove();
            this.window = null;
        }
        this.restartButton = null;
        this.seen.clear();
        this.openWindow();
    }

    close() {
        storage.set("sessionStorage", `${this.key}:dismissed`, true);
        const token = this.session && this.session.token;
        const talked = Boolean(this.session && this.session.lastId);
        if (this.pollAbort) {
            this.pollAbort.abort();
        }
        this.session = null;
        this.save();
        if (token) {
            this.api("session/leave", {token}, {keepalive: true}).catch(() => {});
        }
        if (token && talked && this.showAfterChat(token)) {
            return;
        }
        if (this.fullPage) {
            this.ended();
            return;
        }
        this.window.remove();
        this.window = null;
        this.restartButton = null;
        this.seen.clear();
        this.showLauncher();
        if (this.launcher) {
            this.launcher.focus();
        }
    }
}

// ---------------------------------------------------------------- after the chat, and instead of it
// The end-of-chat panel (rating, transcript by e-mail) and the offline form (nobody available).
// Texts come from the server; what the visitor types is only ever sent as JSON, never shown as HTML.
const RATINGS = [["happy", "\u{1F60A}"], ["neutral", "\u{1F610}"], ["unhappy", "\u{1F61E}"]];

function statusLine() {
    return el("p", {class: "lc-after-status", role: "status", "aria-live": "polite", hidden: true});
}

function setStatus(node, text, isError) {
    node.textContent = text || "";
    node.hidden = !text;
    node.classList.toggle("lc-after-error", Boolean(isError));
}

Object.assign(LivechatWidget.prototype, {
    /** Nobody can answer and no chatbot applies, but the channel takes messages. */
    offlineOnly() {
        const c = this.config;
        return Boolean(c.offline_form && !c.available && !c.chatbot);
    },

    /** Replace the chat by the end-of-chat panel; false when there is nothing to show it in. */
    showAfterChat(token) {
        const t = this.texts;
        if (!this.window || !t.rating_question || (this.afterChat && this.afterChat.isConnected)) {
            return false;
        }
        const rating = el("div", {class: "lc-rating"});
        const status = statusLine();
        const comment = el("textarea", {
            class: "lc-rating-comment", rows: "2", maxlength: "2000",
            placeholder: t.rating_comment, "aria-label": t.rating_comment,
        });
        const send = el("button", {type: "button", class: "lc-after-btn lc-rating-send", text: t.rating_send, disabled: true});
        let chosen = null;
        const choices = RATINGS.map(([value, emoji]) => el("button", {
            type: "button", class: `lc-rate lc-rate-${value}`, "data-rating": value, "aria-pressed": "false",
            "aria-label": t[`rating_${value}`], title: t[`rating_${value}`], text: emoji,
            onclick: (event) => {
                chosen = value;
                choices.forEach((button) => button.setAttribute("aria-pressed", String(button === event.currentTarget)));
                send.disabled = false;
            },
        }));
        send.addEventListener("click", async () => {
            send.disabled = true;
            try {
                const result = await this.api("session/rate", {token, rating: chosen, comment: comment.value});
                rating.replaceChildren(el("p", {class: "lc-after-thanks", role: "status", text: result.message}));
            } catch (error) {
                setStatus(status, error.message || t.error, true);
                send.disabled = false;
            }
        });
        rating.append(el("p", {class: "lc-after-title", text: t.rating_question}),
            el("div", {class: "lc-rating-choices", role: "group", "aria-label": t.rating_question}, ...choices),
            comment, send, status);

        const email = el("input", {
            type: "email", class: "lc-transcript-email", required: true, maxlength: "254", autocomplete: "email",
            placeholder: t.transcript_placeholder, "aria-label": t.transcript_label,
        });
        const mailStatus = statusLine();
        const transcript = el("form", {
            class: "lc-transcript", novalidate: true,
            onsubmit: async (event) => {
                event.preventDefault();
                if (!email.value.trim() || !email.checkValidity()) {
                    setStatus(mailStatus, t.transcript_invalid, true);
                    email.focus();
                    return;
                }
                const button = transcript.querySelector("button");
                button.disabled = true;
                try {
                    const result = await this.api("session/transcript", {
                        token, email: email.value.trim(),
                        tz: Intl.DateTimeFormat().resolvedOptions().timeZone || "",
                    });
                    setStatus(mailStatus, result.message, false);
                } catch (error) {
                    setStatus(mailStatus, error.message || t.error, true);
                } finally {
                    button.disabled = false;
                }
            },
        }, el("label", {class: "lc-after-label", text: t.transcript_label}),
        el("div", {class: "lc-transcript-row"}, email,
            el("button", {type: "submit", class: "lc-after-btn", text: t.transcript_send})),
        mailStatus);

        this.afterChat = el("section", {class: "lc-after", "aria-label": t.rating_question}, rating, transcript,
            el("button", {
                type: "button", class: "lc-after-close", text: t.after_close,
                onclick: () => this.finishAfterChat(),
            }));
        this.form.hidden = true;
        this.list.after(this.afterChat);
        choices[0].focus();
        return true;
    },

    finishAfterChat() {
        if (this.afterChat) {
            this.afterChat.remove();
            this.afterChat = null;
        }
        if (this.form) {
            this.form.hidden = false;
        }
        this.close();
    },

    /** The short form shown instead of the chat when nobody is available. */
    showOfflineForm() {
        const f = this.config.offline_form;
        if (!this.window || !f) {
            return false;
        }
        if (this.offline && this.offline.isConnected) {
            return true;
        }
        this.setNotice("");
        this.list.hidden = true;
        this.form.hidden = true;
        this.title.textContent = f.title || this.config.channel_name;
        const field = (label, control) => el("label", {class: "lc-offline-field"},
            el("span", {class: "lc-after-label", text: label}), control);
        const name = el("input", {type: "text", name: "name", maxlength: "100", autocomplete: "name", required: true});
        const email = el("input", {type: "email", name: "email", maxlength: "254", autocomplete: "email", required: true});
        const message = el("textarea", {name: "message", rows: "4", maxlength: "4000", required: true});
        const status = statusLine();
        const send = el("button", {type: "submit", class: "lc-after-btn", text: f.send_label});
        this.offline = el("form", {
            class: "lc-offline", novalidate: true,
            onsubmit: async (event) => {
                event.preventDefault();
                send.disabled = true;
                try {
                    const result = await this.api("offline/send", {
                        channel_id: this.channelId, url: location.href, visitor_uid: this.visitorUid(),
                        name: name.value, email: email.value, message: message.value,
                    });
                    this.offline.replaceChildren(el("p", {class: "lc-offline-sent", role: "status", text: result.message}));
                } catch (error) {
                    // keep everything typed: only say what to fix
                    setStatus(status, error.message || this.texts.error, true);
                    send.disabled = false;
                }
            },
        }, el("p", {class: "lc-offline-text", text: f.text}),
        field(f.name_label, name), field(f.email_label, email), field(f.message_label, message), status, send);
        this.list.after(this.offline);
        name.focus();
        return true;
    },
});

const config = window.odooLivechat;
if (config && !config.widget) {
    config.widget = new LivechatWidget(config);
    config.widget.start().catch(() => { /* the chat is an extra: never break the page */ });
}
