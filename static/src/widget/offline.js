/**
 * Instead of the chat: the short offline form (name, e-mail, message) shown when nobody is available
 * and the channel takes messages. What the visitor types is only ever sent as JSON.
 */
import {el} from "./host.js";
import {setStatus, statusLine} from "./after_chat.js";

/** Nobody can answer and no chatbot applies, but the channel takes messages. */
export function offlineOnly(config) {
    return Boolean(config.offline_form && !config.available && !config.chatbot);
}

/** The form: ``{panel, focus}``. ``send(values)`` posts {name, email, message} and answers the server's
 * result; on an error everything typed stays, only what to fix is said. ``backAt``: when the channel opens
 * again ("We're back Monday at 9:00."), outside its business hours. */
export function offlineFormPanel({form, caps, errorText, send, backAt = ""}) {
    const f = form;
    const field = (label, control) => el("label", {class: "lc-offline-field"},
        el("span", {class: "lc-after-label", text: label}), control);
    const name = el("input", {type: "text", name: "name", maxlength: caps.offline_name, autocomplete: "name", required: true});
    const email = el("input", {type: "email", name: "email", maxlength: caps.email, autocomplete: "email", required: true});
    const message = el("textarea", {name: "message", rows: "4", maxlength: caps.offline_message, required: true});
    const status = statusLine();
    const button = el("button", {type: "submit", class: "lc-after-btn", text: f.send_label});
    const panel = el("form", {
        class: "lc-offline", novalidate: true,
        onsubmit: async (event) => {
            event.preventDefault();
            button.disabled = true;
            try {
                const result = await send({name: name.value, email: email.value, message: message.value});
                panel.replaceChildren(el("p", {class: "lc-offline-sent", role: "status", text: result.message}));
            } catch (error) {
                setStatus(status, error.message || errorText, true);
                button.disabled = false;
            }
        },
    }, el("p", {class: "lc-offline-text", text: f.text}),
    backAt ? el("p", {class: "lc-offline-back", text: backAt}) : "",
    field(f.name_label, name), field(f.email_label, email), field(f.message_label, message), status, button);
    return {panel, focus: name};
}
