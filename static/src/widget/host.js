/**
 * The widget's place in the page: one host element, fixed and reset (it takes no room and the page's CSS
 * cannot change it), a Shadow DOM (the page's CSS cannot reach in, nor ours out), the button with its
 * unread badge, and the bubble. The chat window (view.js, loaded when the chat opens) is drawn inside
 * ``ui``. The host draws what it is told and reports clicks through callbacks; everything people write is
 * shown with textContent, never as HTML.
 */
const COLOR = /^#[0-9a-f]{6}$/i;
const SVG = "http://www.w3.org/2000/svg";

/** createElement with attributes, listeners (on*), text and children: never innerHTML. */
export function el(tag, attrs, ...children) {
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

const CHAT_ICON = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";

/** A small inline icon, hidden from screen readers: the SVG path ``d``, filled, or drawn as a line
 * (``line``). Drawn, not a character: a page's fonts may have no glyph for an emoji. */
export function icon(d, line = false) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("class", "lc-icon");
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    if (line) {
        for (const [name, value] of [["fill", "none"], ["stroke", "currentColor"], ["stroke-width", "2"],
            ["stroke-linecap", "round"], ["stroke-linejoin", "round"]]) {
            path.setAttribute(name, value);
        }
    }
    svg.append(path);
    return svg;
}

/** A stylesheet in the shadow root: a constructed one, which a page's Content-Security-Policy allows,
 * else a style element. */
function addStyle(root, css) {
    if ("adoptedStyleSheets" in root) {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    } else {
        root.prepend(el("style", {text: css}));
    }
}

export class Host {
    constructor({channelId, fullPage, position}) {
        this.channelId = channelId;
        this.fullPage = fullPage;
        this.position = position === "left" ? "left" : "right";
    }

    /** The host element and its Shadow DOM, coloured as the channel says, with the stylesheet the server
     * inlines in this module (WIDGET_CSS); ``hidden``: the whole widget starts hidden (LiveChat.show()). */
    mount(config, hidden = false) {
        this.host = el("div", {"data-odoo-livechat": String(this.channelId)});
        this.root = this.host.attachShadow({mode: "open"});
        const colors = config.colors || {};
        for (const [name, value] of Object.entries(colors)) {
            if (COLOR.test(value)) {
                this.host.style.setProperty(`--lc-${name}`, value);
            }
        }
        this.addStyle(typeof WIDGET_CSS === "string" ? WIDGET_CSS : "");
        const classes = ["lc", this.fullPage ? "lc-page" : "", this.position === "left" ? "lc-left" : ""];
        this.ui = el("div", {class: classes.join(" ").trim(), lang: (config.lang || "").replace("_", "-"), hidden});
        this.root.append(this.ui);
        document.body.append(this.host);
    }

    /** The window's stylesheet, which comes with the window's module. */
    addStyle(css) {
        addStyle(this.root, css);
    }

    ready() {
        this.host.dataset.ready = "1";
    }

    /** The whole widget (button and window) hidden or shown: LiveChat.hide() and show(). */
    setHidden(hidden) {
        this.ui.hidden = hidden;
    }

    // ---------------------------------------------------------------- button, badge and bubble
    showLauncher(text, onOpen) {
        if (!this.launcher) {
            this.badge = el("span", {class: "lc-badge", "aria-hidden": "true", hidden: true});
            this.launcher = el("button", {type: "button", class: "lc-launcher", "aria-label": text, onclick: onOpen},
                icon(CHAT_ICON), el("span", {class: "lc-launcher-text", text}), this.badge);
            this.launcherLabel = text;
            // what changes while the window is minimized (the unread count) is read out by screen readers
            this.announcer = el("p", {class: "lc-sr", "aria-live": "polite", role: "status"});
            this.ui.append(this.launcher, this.announcer);
        }
        this.launcher.hidden = false;
    }

    hideLauncher() {
        if (this.launcher) {
            this.launcher.hidden = true;
        }
    }

    focusLauncher() {
        if (this.launcher) {
            this.launcher.focus();
        }
    }

    /** The number of replies not seen yet, on the button (0: none); ``label`` ("2 new messages") is said
     * to screen readers. */
    setUnread(count, label = "") {
        if (this.badge) {
            this.badge.textContent = count > 9 ? "9+" : String(count);
            this.badge.hidden = !count;
            this.launcher.setAttribute("aria-label",
                count && label ? `${this.launcherLabel} (${label})` : this.launcherLabel);
            this.announcer.textContent = count ? label : "";
        }
    }

    showBubble(text, dismissLabel, onOpen) {
        this.bubble = el("div", {class: "lc-bubble", role: "status", onclick: onOpen},
            el("span", {text}),
            el("button", {
                type: "button", class: "lc-bubble-close", "aria-label": dismissLabel, text: "\u00d7",
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
}
