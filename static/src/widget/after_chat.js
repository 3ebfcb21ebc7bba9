/**
 * After the chat: the end-of-chat panel (rating with a comment, transcript by e-mail). Texts come from
 * the server; what the visitor types is only ever sent as JSON, never shown as HTML.
 */
import {el} from "./host.js";

const RATINGS = [["happy", "\u{1F60A}"], ["neutral", "\u{1F610}"], ["unhappy", "\u{1F61E}"]];

export function statusLine() {
    return el("p", {class: "lc-after-status", role: "status", "aria-live": "polite", hidden: true});
}

export function setStatus(node, text, isError) {
    node.textContent = text || "";
    node.hidden = !text;
    node.classList.toggle("lc-after-error", Boolean(isError));
}

/** The panel for the conversation of ``token``: ``{panel, focus}`` (the element to focus first).
 * ``api(path, data)`` posts to the visitor API, ``onFinish()`` when the visitor closes the panel;
 * ``transcript``: whether to offer the conversation by e-mail (once an operator answered). */
export function afterChatPanel({texts, caps, api, token, transcript: offerTranscript, onFinish}) {
    const t = texts;
    const rating = el("div", {class: "lc-rating"});
    const status = statusLine();
    const comment = el("textarea", {
        class: "lc-rating-comment", rows: "2", maxlength: caps.rating_comment,
        placeholder: t.rating_comment, "aria-label": t.rating_comment,
    });
    const send = el("button", {type: "button", class: "lc-after-btn lc-rating-send", text: t.rating_send, disabled: true});
    let chosen = null;
    const choices = RATINGS.map(([value, emoji]) => el("button", {
        type: "button", class: `lc-rate lc-rate-${value}`, "data-rating": value, "aria-pressed": "false",
        "aria-label": t[`rating_${value}`], title: t[`rating_${value}`], text: emoji,
        onclick: () => {
            chosen = value;
            choices.forEach((button, index) => button.setAttribute("aria-pressed", String(RATINGS[index][0] === value)));
            send.disabled = false;
        },
    }));
    send.addEventListener("click", async () => {
        send.disabled = true;
        try {
            const result = await api("session/rate", {token, rating: chosen, comment: comment.value});
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
        type: "email", class: "lc-transcript-email", required: true, maxlength: caps.email, autocomplete: "email",
        placeholder: t.transcript_placeholder, "aria-label": t.transcript_label,
    });
    const mailStatus = statusLine();
    const mailButton = el("button", {type: "submit", class: "lc-after-btn", text: t.transcript_send});
    const transcript = el("form", {
        class: "lc-transcript", novalidate: true,
        onsubmit: async (event) => {
            event.preventDefault();
            const address = email.value.trim();
            if (!address || !email.checkValidity()) {
                setStatus(mailStatus, t.transcript_invalid, true);
                email.focus();
                return;
            }
            mailButton.disabled = true;
            try {
                const result = await api("session/transcript", {
                    token, email: address, tz: Intl.DateTimeFormat().resolvedOptions().timeZone || "",
                });
                setStatus(mailStatus, result.message, false);
            } catch (error) {
                setStatus(mailStatus, error.message || t.error, true);
            } finally {
                mailButton.disabled = false;
            }
        },
    }, el("label", {class: "lc-after-label", text: t.transcript_label}),
    el("div", {class: "lc-transcript-row"}, email, mailButton), mailStatus);

    const panel = el("section", {class: "lc-after", "aria-label": t.rating_question}, rating,
        ...(offerTranscript ? [transcript] : []),
        el("button", {type: "button", class: "lc-after-close", text: t.after_close, onclick: onFinish}));
    return {panel, focus: choices[0]};
}
