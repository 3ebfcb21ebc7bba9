/**
 * Waiting in line: every operator is busy with other visitors, the visitor waits for the first free one.
 * The widget shows his place in line and the estimated wait, updated live by the server's ``queue`` event,
 * and, when the channel has an offline form, a way to leave a message instead. He may already write: his
 * messages are in the conversation the operator finds when he takes him.
 */
import {el} from "./host.js";

/** ``template`` with its ``%(name)s`` placeholders filled from ``values`` (the server's texts use them). */
export function fillText(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, (whole, name) =>
        Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole);
}

/** "You are number 3 in line · about 2 minutes" for ``queue`` ({position, wait_minutes}). */
export function queueText(texts, queue) {
    const position = Number(queue && queue.position) || 1;
    const minutes = Number(queue && queue.wait_minutes) || 0;
    const place = position === 1 && texts.queue_next ? texts.queue_next : fillText(texts.queue_position, {position});
    if (minutes <= 0) {
        return place;
    }
    const wait = minutes === 1 ? texts.queue_wait_one : fillText(texts.queue_wait, {minutes});
    return wait ? `${place} · ${wait}` : place;
}

/** The queue's panel, under the messages: ``{panel, update(queue)}``. ``onLeave`` when the visitor
 * leaves a message instead (the button shows when ``queue.offline``). */
export function queuePanel({texts, onLeave}) {
    const line = el("p", {class: "lc-queue-position", role: "status", "aria-live": "polite"});
    const hint = el("p", {class: "lc-queue-hint", text: texts.queue_typing || ""});
    const leave = el("button", {type: "button", class: "lc-queue-leave", text: texts.queue_leave, onclick: onLeave});
    const panel = el("div", {class: "lc-queue"}, line, hint, leave);
    const update = (queue) => {
        line.textContent = queueText(texts, queue);
        leave.hidden = !(queue && queue.offline);
    };
    return {panel, update};
}
