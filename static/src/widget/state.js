/**
 * The widget's state: where the conversation stands (a state machine), the messages shown (ordered and
 * deduplicated by id), the caps the server sets, and the session kept in the browser's storage.
 * Pure code (storage apart, which touches the browser only when called): unit-tested with node.
 */

/** Where the chat stands. The window being minimized is not a state: the chat goes on behind the button. */
export const STATES = Object.freeze({
    BOOT: "boot",                // waiting for the server's init answer
    IDLE: "idle",                // no conversation: the button (or nothing), no window
    OPENING: "opening",          // the window is open, the session is being opened
    WAITING: "waiting",          // every operator is busy: the visitor waits in line (he may already write)
    CHATTING: "chatting",        // a session is open: the visitor and the operator talk
    UNAVAILABLE: "unavailable",  // nobody could answer: the window says so
    OFFLINE: "offline",          // nobody can answer: the window shows the offline form
    ENDED: "ended",              // the conversation ended: the window says so and offers to start again
    AFTER_CHAT: "after_chat",    // the conversation ended: the window shows the rating and transcript panel
});

const S = STATES;
/** Every move the widget may make; any other is refused and logged as an error (a bug, not a visitor's doing:
 * the browser tests fail on it). */
export const TRANSITIONS = Object.freeze({
    [S.BOOT]: [S.IDLE, S.OPENING, S.CHATTING, S.WAITING, S.OFFLINE],
    [S.IDLE]: [S.OPENING, S.CHATTING, S.WAITING, S.OFFLINE],
    [S.OPENING]: [S.CHATTING, S.WAITING, S.UNAVAILABLE, S.OFFLINE, S.IDLE, S.ENDED],
    [S.WAITING]: [S.CHATTING, S.OFFLINE, S.UNAVAILABLE, S.ENDED, S.AFTER_CHAT, S.IDLE],
    [S.CHATTING]: [S.ENDED, S.AFTER_CHAT, S.IDLE],
    [S.UNAVAILABLE]: [S.OPENING, S.IDLE, S.ENDED],
    [S.OFFLINE]: [S.IDLE, S.ENDED],
    [S.ENDED]: [S.OPENING, S.AFTER_CHAT, S.IDLE, S.ENDED, S.OFFLINE],
    [S.AFTER_CHAT]: [S.IDLE, S.ENDED],
});

/** A state machine over ``transitions``: ``go(next)`` moves (true) or refuses an illegal move (false, logged). */
export class StateMachine {
    constructor(initial = S.BOOT, transitions = TRANSITIONS, log = (text) => console.error(text)) {
        this.state = initial;
        this.transitions = transitions;
        this.log = log;
    }

    can(next) {
        return (this.transitions[this.state] || []).includes(next);
    }

    go(next) {
        if (!this.can(next)) {
            this.log(`livechat: illegal transition ${this.state} -> ${next}`);
            return false;
        }
        this.state = next;
        return true;
    }

    is(...states) {
        return states.includes(this.state);
    }
}

/** Runs the handler of ``table`` for an event's ``type``, with ``context``; an unknown kind is ignored
 * (a newer server may send kinds this widget does not know yet). Returns whether a handler ran. */
export function dispatch(table, event, context) {
    const handler = event && Object.prototype.hasOwnProperty.call(table, event.type) ? table[event.type] : null;
    if (!handler) {
        return false;
    }
    handler(context, event);
    return true;
}

/** The messages shown, by id: each once, in id order. Messages without a numeric id (the welcome, one
 * being sent) are not kept here. */
export class MessageLog {
    constructor() {
        this.ids = [];
    }

    get lastId() {
        return this.ids.length ? this.ids[this.ids.length - 1] : 0;
    }

    has(id) {
        return this.ids[this.indexOf(id)] === id;
    }

    /** Position of ``id`` in the sorted ids (binary search): where it is, or where it would go. */
    indexOf(id) {
        let low = 0, high = this.ids.length;
        while (low < high) {
            const middle = (low + high) >> 1;
            if (this.ids[middle] < id) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** Adds ``id``: null when already there (or not a number), else ``{before}``: the id of the message to
     * show it before, or null to show it after all the others. */
    add(id) {
        if (typeof id !== "number" || !Number.isFinite(id)) {
            return null;
        }
        const index = this.indexOf(id);
        if (this.ids[index] === id) {
            return null;
        }
        this.ids.splice(index, 0, id);
        return {before: index + 1 < this.ids.length ? this.ids[index + 1] : null};
    }

    clear() {
        this.ids = [];
    }
}

/** ``bytes`` random bytes as hexadecimal digits (crypto.getRandomValues: also on plain http pages, where
 * crypto.randomUUID is missing): the browser's id, a message's client id. */
export function randomToken(bytes = 16, fill = (array) => crypto.getRandomValues(array)) {
    return Array.from(fill(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The client id to send ``body`` with. A message whose answer did not come (server gone, network cut)
 * stays as the ``draft`` ({body, clientId}); sent again unchanged, it keeps its client id, so that the
 * server, which may have stored it already, stores it once and answers as it did the first time. Any other
 * text is a new message: a new id. */
export function clientIdFor(draft, body, newId = randomToken) {
    return draft && draft.body === body && draft.clientId ? draft.clientId : newId();
}

/** The caps the widget applies to what the visitor types, from the ``limits`` of the server's init
 * answer (the server checks them again). A missing or invalid one is null: the field has no cap of its own. */
export const LIMIT_NAMES = Object.freeze(["message", "visitor_name", "email", "offline_name", "offline_message",
    "rating_comment"]);

export function capsFrom(limits) {
    const caps = {};
    for (const name of LIMIT_NAMES) {
        const value = limits && typeof limits === "object" ? limits[name] : null;
        caps[name] = Number.isInteger(value) && value > 0 ? value : null;
    }
    return caps;
}

/** JSON in localStorage / sessionStorage; a blocked storage (privacy settings) is as good as empty. */
export const storage = {
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
