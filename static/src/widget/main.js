/**
 * Odoo Live Chat: the visitor's widget, started with what the loader put in ``window.odooLivechat``.
 *
 * A framework-free ES module, written as the modules of this folder (state, api, view, typing, after_chat,
 * offline, chat, main) which the server concatenates into the one module it serves (see
 * controllers/widget.py). Every text comes from the server (translated there), and everything the
 * visitor or the operator writes is shown with textContent, never as HTML.
 */
import {LivechatWidget} from "./chat.js";

const config = window.odooLivechat;
if (config && !config.widget) {
    config.widget = new LivechatWidget(config);
    config.widget.start().catch(() => { /* the chat is an extra: never break the page */ });
}
