/**
 * The host page's side: ``window.LiveChat``, the JavaScript API a site drives the chat with, and the
 * events it listens to. Before the widget has loaded, ``window.LiveChat`` may be an array the page pushes
 * its calls on (like ``dataLayer``): ``(window.LiveChat = window.LiveChat || []).push(["open"])``; the
 * widget replays them in order once it is there, and ``push`` keeps working afterwards.
 * Pure code (the window is passed in): unit-tested with node.
 */
export const API_EVENTS = Object.freeze(["ready", "open", "close", "message", "unread", "conversation:start",
    "conversation:end"]);
export const API_METHODS = Object.freeze(["open", "close", "hide", "show", "setVisitor", "on", "off"]);
/** The fields of ``setVisitor``: what the visitor is called, and the site's signature of it. */
export const VISITOR_FIELDS = Object.freeze(["id", "name", "email", "timestamp", "signature"]);

/** Listeners by event; a listener that throws is reported, never breaks the widget nor the other
 * listeners. ``ready`` is remembered: a listener added after it is called at once. */
export class Emitter {
    constructor(report = (error) => console.error("LiveChat: a listener failed:", error)) {
        this.listeners = new Map();
        this.report = report;
        this.fired = new Map();  // sticky events (ready) -> their payload
    }

    on(event, listener) {
        if (!API_EVENTS.includes(event) || typeof listener !== "function") {
            return false;
        }
        if (!this.listeners.has(event)) {
            this.listeners.set(event, new Set());
        }
        this.listeners.get(event).add(listener);
        if (this.fired.has(event)) {
            this.call(listener, this.fired.get(event));
        }
        return true;
    }

    off(event, listener) {
        const set = this.listeners.get(event);
        return Boolean(set && set.delete(listener));
    }

    /** Tells the listeners of ``event``; an object payload is a frozen copy (a listener cannot change
     * what the widget shows). */
    emit(event, payload, sticky = false) {
        const value = payload && typeof payload === "object" ? Object.freeze({...payload}) : payload;
        if (sticky) {
            this.fired.set(event, value);
        }
        for (const listener of [...(this.listeners.get(event) || [])]) {
            this.call(listener, value);
        }
    }

    call(listener, value) {
        try {
            listener(value);
        } catch (error) {
            this.report(error);
        }
    }
}

/** What ``setVisitor`` keeps of its argument: the known fields, as strings (the timestamp as an integer),
 * the others dropped; null when nothing is left. The server checks the signature and the lengths. */
export function visitorIdentity(value) {
    if (!value || typeof value !== "object") {
        return null;
    }
    const identity = {};
    for (const field of VISITOR_FIELDS) {
        const item = value[field];
        if (field === "timestamp" && (typeof item === "number" || /^\d+$/.test(item || ""))) {
            identity.timestamp = Math.trunc(Number(item));
        } else if (field !== "timestamp" && (typeof item === "string" || typeof item === "number") && String(item).trim()) {
            identity[field] = String(item).trim();
        }
    }
    return Object.keys(identity).length ? identity : null;
}

/** Installs ``scope[name]`` (``window.LiveChat``): an object with the API's methods, each handed to
 * ``run(method, args)``, and ``push([method, ...args])``; calls queued in an array there before are
 * replayed first, in order. A call of an unknown method is reported and ignored. */
export function installApi(scope, run, name = "LiveChat", report = (text) => console.warn(text)) {
    const queued = Array.isArray(scope[name]) ? scope[name].slice() : [];
    const call = (method, args) => {
        if (!API_METHODS.includes(method)) {
            report(`LiveChat: unknown method ${String(method)}`);
            return undefined;
        }
        return run(method, args);
    };
    const api = {push: (entry) => (Array.isArray(entry) ? call(entry[0], entry.slice(1)) : call(entry, []))};
    for (const method of API_METHODS) {
        api[method] = (...args) => call(method, args);
    }
    scope[name] = Object.freeze(api);
    queued.forEach((entry) => api.push(entry));
    return scope[name];
}

/** The options of the script tag's data-* attributes (``dataset``): position, start hidden, language. */
export function scriptOptions(dataset) {
    const data = dataset || {};
    const hidden = data.startHidden;
    return {
        position: data.position === "left" ? "left" : "right",
        startHidden: hidden !== undefined && hidden !== "false" && hidden !== "0",
        lang: /^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$/.test(data.lang || "") ? data.lang : "",
    };
}
