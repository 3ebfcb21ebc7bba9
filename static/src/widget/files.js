/**
 * Files both ways: the visitor sends images and documents (the paperclip, a drop on the window, a pasted
 * screenshot), with the upload's progress; the attachments of a message (his, the operator's) are shown
 * as an image preview (safe raster images only) or a download link with the name and size.
 *
 * The limits come from the server (``file_size``, ``file_types``, ``file_extensions`` of init's limits):
 * the pre-check here spares the visitor a useless upload; the server decides by the file's content.
 * An upload never touches the message being typed: an error leaves the draft as it was.
 */
import {ApiError} from "./api.js";
import {STATES, randomToken} from "./state.js";
import {el, icon} from "./host.js";

// a paperclip, drawn as a line (24 x 24)
const PAPERCLIP = "M16 7v9a4 4 0 0 1-8 0V6a2.5 2.5 0 0 1 5 0v9.5a1 1 0 0 1-2 0V7";

export const SAFE_IMAGE_TYPES = Object.freeze(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** ``{size, types, extensions}`` from init's ``limits``; null when the server takes no file. */
export function fileLimitsFrom(limits) {
    const size = limits && limits.file_size;
    if (!Number.isInteger(size) || size <= 0) {
        return null;
    }
    const list = (value) => (Array.isArray(value) ? value.filter((item) => typeof item === "string") : []);
    return {size, types: list(limits.file_types), extensions: list(limits.file_extensions)};
}

/** Why ``file`` ({name, size, type}) cannot be sent: "empty", "too_large", "type_refused", or null. Its
 * type is the one the browser declares (from the name): a type not accepted, with an extension not
 * accepted either, is refused here; the server looks at the content anyway. */
export function fileProblem(file, limits) {
    if (!file || !file.size) {
        return "empty";
    }
    if (file.size > limits.size) {
        return "too_large";
    }
    const name = String(file.name || "");
    const extension = name.includes(".") ? name.split(".").pop().toLowerCase() : "";
    if (file.type && !limits.types.includes(file.type) && !limits.extensions.includes(extension)) {
        return "type_refused";
    }
    return null;
}

/** A size as people read it, as the server writes it: "830 B", "12.5 kB", "10 MB" (units of 1,024). */
export function formatSize(bytes) {
    let size = Math.max(0, Number(bytes) || 0);
    for (const unit of ["B", "kB", "MB"]) {
        if (size < 1024 || unit === "MB") {
            return `${unit === "B" ? Math.round(size) : String(Math.round(size * 10) / 10)} ${unit}`;
        }
        size /= 1024;
    }
    return "";
}

/** The files of a DataTransfer (a drop, a paste), without the rest (text, links). */
export function filesOf(transfer) {
    return transfer && transfer.files ? Array.from(transfer.files) : [];
}

/** An upload's body: one line of JSON (token, name, client id), then the file (a Blob: nothing copied). */
export function uploadBody(meta, file) {
    return new Blob([JSON.stringify(meta) + "\n", file], {type: "application/octet-stream"});
}

/** POST ``file`` to ``url`` with XMLHttpRequest (fetch tells nothing of an upload's progress);
 * ``onProgress(fraction)`` while it goes. The answer's JSON, or an ApiError. */
export function upload(url, meta, file, onProgress, Request = XMLHttpRequest) {
    return new Promise((resolve, reject) => {
        const xhr = new Request();
        xhr.open("POST", url);
        xhr.responseType = "json";
        xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
        xhr.onload = () => {
            const body = xhr.response;
            if (xhr.status >= 200 && xhr.status < 300 && body) {
                resolve(body);
            } else {
                const error = (body && body.error) || {};
                reject(new ApiError(xhr.status, error.code, error.message));
            }
        };
        xhr.onerror = () => reject(new ApiError(0, "network", ""));
        xhr.send(uploadBody(meta, file));
    });
}

/** The attachments of a message: a preview for a safe image, else a link with the name and the size. */
export function attachmentList(attachments, server, texts) {
    const items = (attachments || []).filter((file) => file && typeof file.url === "string" && file.url.startsWith("/"));
    if (!items.length) {
        return null;
    }
    return el("ul", {class: "lc-files"}, ...items.map((file) => {
        const url = server + file.url;
        const label = `${file.name || ""} (${formatSize(file.size)})`;
        const link = el("a", {class: "lc-file", href: `${url}?download=1`, download: file.name || "",
            rel: "noopener noreferrer", title: texts.file_download, text: label});
        if (!file.image || !SAFE_IMAGE_TYPES.includes(file.mimetype)) {
            return el("li", null, link);
        }
        const image = el("img", {class: "lc-file-image", src: url, alt: file.name || "", loading: "lazy"});
        const item = el("li", null, el("a", {href: url, target: "_blank", rel: "noopener noreferrer"}, image));
        image.addEventListener("error", () => item.replaceChildren(link));
        return item;
    }));
}

/** The visitor's files: the paperclip and its file picker, drops on the window, pasted files; each file
 * an upload shown with its progress, then the message the server answers. ``chat``: the LivechatWidget. */
export class FileSender {
    constructor(chat) {
        this.chat = chat;
        this.limits = fileLimitsFrom(chat.config.limits);
        const view = chat.view, t = chat.texts;
        if (!this.limits || !view.form) {
            return;
        }
        const accept = this.limits.types.concat(this.limits.extensions.map((ext) => `.${ext}`)).join(",");
        this.input = el("input", {type: "file", hidden: true, multiple: true, accept, tabindex: "-1",
            class: "lc-file-input", onchange: () => { this.send(Array.from(this.input.files)); this.input.value = ""; }});
        view.attachButton = el("button", {type: "button", class: "lc-icon-btn lc-attach", "aria-label": t.file_attach,
            title: t.file_attach, onclick: () => this.input.click()}, icon(PAPERCLIP, true));
        view.form.prepend(this.input, view.attachButton);
        const win = view.window;
        win.dataset.drop = t.file_drop || "";
        const dragging = (on) => win.classList.toggle("lc-dragging", on && this.ready());
        const over = (event) => {
            if (Array.from(event.dataTransfer.types || []).includes("Files") && this.ready()) {
                event.preventDefault();
                dragging(true);
            }
        };
        win.addEventListener("dragenter", over);
        win.addEventListener("dragover", over);
        win.addEventListener("dragleave", (event) => !win.contains(event.relatedTarget) && dragging(false));
        win.addEventListener("drop", (event) => {
            dragging(false);
            const files = filesOf(event.dataTransfer);
            if (files.length) {
                event.preventDefault();
                this.send(files);
            }
        });
        win.addEventListener("paste", (event) => {
            const files = filesOf(event.clipboardData);
            if (files.length) {
                event.preventDefault();  // a pasted screenshot is sent, not pasted as its name
                this.send(files);
            }
        });
    }

    ready() {
        return this.chat.machine.is(STATES.CHATTING) && Boolean(this.chat.session);
    }

    send(files) {
        for (const file of files) {
            this.sendOne(file);
        }
    }

    async sendOne(file) {
        const chat = this.chat, t = chat.texts, session = chat.session;
        if (!this.ready()) {
            return;
        }
        const problem = fileProblem(file, this.limits);
        if (problem) {
            chat.setNotice(problem === "too_large" ? t.file_too_large
                : (problem === "type_refused" ? t.file_type_refused : t.file_error));
            return;
        }
        const pending = chat.view.addMessage({id: null, body: file.name || "", is_visitor: true, pending: true});
        const progress = el("progress", {class: "lc-progress", max: "1", value: "0", "aria-label": t.file_sending});
        pending.append(progress);
        try {
            const result = await upload(`${chat.server}/livechat/api/session/upload`,
                {token: session.token, name: file.name || "", client_id: randomToken()}, file,
                (fraction) => { progress.value = fraction; });
            if (session === chat.session) {
                chat.addMessage(result.message);
                chat.setNotice("");
            }
        } catch (error) {
            if (session === chat.session) {
                chat.setNotice(error.message && error.status ? error.message : t.file_error);
                if (error.code === "session_closed" || error.code === "invalid_token") {
                    chat.ended();
                }
            }
        } finally {
            chat.view.removePending(pending);
        }
    }
}
