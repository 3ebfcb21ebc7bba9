/**
 * Odoo Live Chat: the visitor's widget, started with what the loader put in ``window.odooLivechat``.
 *
 * Framework-free ES modules, which the server concatenates into two modules (see controllers/widget.py):
 * this one, all a page loads until the chat opens, and the chat's window, loaded when it opens. Every
 * text comes from the server (translated there), and everything the visitor or the operator writes is
 * shown with textContent, never as HTML.
 */
import {Livechat} from "./boot.js";

const config = window.odooLivechat;
if (config && !config.widget) {
    config.widget = new Livechat(config);
    config.widget.installApi(window);
    config.widget.start().catch(() => { /* the chat is an extra: never break the page */ });
}
