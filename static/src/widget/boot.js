/**
 * The widget until the chat opens: asks the server how to show (init), draws the button (and the bubble,
 * the auto-popup timer), answers the page's ``window.LiveChat`` calls and tells its listeners. Everything
 * of the conversation itself (chat.js and the window) is a second module, loaded with a dynamic import()
 * when the chat opens, or at once when a conversation is already going on (see controllers/widget.py).
 */
import {storage} from "./state.js";
import {retrying, visitorApi} from "./api.js";
import {Emitter, installApi, scriptOptions, visitorIdentity} from "./events.js";
import {Host} from "./host.js";

export const STORE = "odoo-livechat";

export class Livechat {
    constructor({channelId, serverUrl, fullPage = false, options}) {
        this.channelId = channelId;
        this.server = String(serverUrl).replace(/\/+$/, "");
        this.fullPage = Boolean(fullPage);
        this.options = scriptOptions(options);
        this.key = `${STORE}:${this.server}:${channelId}`;
        this.api = visitorApi(this.server);
        this.events = new Emitter();
        this.host = new Host({channelId, fullPage: this.fullPage, position: this.options.position});
        this.hidden = this.options.startHidden && !this.fullPage;
        this.visitor = null;  // what the page said of the visitor (setVisitor): sent when a conversation opens
        this.unread = 0;
        this.widget = null;  // the conversation (chat.js), once its module is loaded
        this.loading = null;
        this.waiting = [];  // API calls made before the server's init answer, replayed after it
        this.autoPopup = null;
    }

    /** ``window.LiveChat``, with the calls the page queued before. */
    installApi(scope = window) {
        return installApi(scope, (method, args) => this.call(method, args));
    }

    call(method, args) {
        if (method === "on" || method === "off") {
            return this.events[method](...args);
        }
        if (method === "setVisitor") {
            this.visitor = visitorIdentity(args[0]);
            return undefined;
        }
        if (method === "hide" || method === "show") {
            return this[method]();
        }
        if (!this.config) {
            this.waiting.push(method);
            return undefined;
        }
        return this[method === "open" ? "openFromApi" : method]();
    }

    emit(event, payload, sticky = false) {
        this.events.emit(event, payload, sticky);
    }

    async start() {
        const lang = this.options.lang || document.documentElement.lang || navigator.language || "";
        this.config = await retrying(() => this.api("init", {channel_id: this.channelId, url: location.href, lang}));
        this.texts = this.config.texts;
        this.host.mount(this.config, this.hidden);
        const session = storage.get("localStorage", this.key);
        if ((session && session.token) || this.fullPage) {
            await this.load();
        } else {
            this.idle();
        }
        this.host.ready();
        this.emit("ready", {}, true);
        this.waiting.splice(0).forEach((method) => this.call(method, []));
    }

    /** No conversation: the button, and what the channel says to do (a bubble, a window that opens by itself). */
    idle() {
        if (!this.config.show_button) {
            return;
        }
        this.showLauncher();
        if (this.config.action === "display_button_and_text" && this.texts.notification) {
            this.host.showBubble(this.texts.notification, this.texts.dismiss, () => this.open());
        }
        if (this.config.action === "auto_popup" && !storage.get("sessionStorage", `${this.key}:dismissed`)) {
            this.autoPopup = setTimeout(() => this.open({passive: true}), this.config.auto_popup_timer * 1000);
        }
    }

    showLauncher() {
        if (!this.fullPage && this.config.show_button) {
            this.host.showLauncher(this.texts.button, () => this.open());
        }
    }

    /** The conversation's module, loaded once; it resumes a stored conversation, or opens the full page. */
    load() {
        if (!this.loading) {
            this.loading = import(new URL("window.js", import.meta.url).href).then(({LivechatWidget}) => {
                this.widget = new LivechatWidget(this);
                return this.widget.begin();
            });
        }
        return this.loading.then(() => this.widget);
    }

    /** Opens the window (loading it first): the visitor's click, the auto-popup (``passive``), the API. */
    open(options) {
        clearTimeout(this.autoPopup);
        this.host.removeBubble();
        return this.load().then((widget) => widget.openWindow(options));
    }

    openFromApi() {
        this.show();
        return this.open().catch(() => { /* the chat is an extra: never break the page */ });
    }

    /** Back to the button; the conversation goes on (the visitor ends it with the window's close button). */
    close() {
        if (this.widget && this.widget.windowOpen && !this.fullPage) {
            this.widget.minimize();
        }
    }

    hide() {
        this.setHidden(true);
    }

    show() {
        this.setHidden(false);
    }

    setHidden(hidden) {
        this.hidden = hidden && !this.fullPage;
        if (this.host.ui) {
            this.host.setHidden(this.hidden);
        }
    }

    /** The operator's replies not seen yet: on the button, and told to the page. */
    setUnread(count, label = "") {
        if (count !== this.unread) {
            this.unread = count;
            this.host.setUnread(count, label);
            this.emit("unread", count);
        }
    }
}
