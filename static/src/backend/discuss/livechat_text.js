odoo.define('livechat.text', function (require) {
"use strict";

/**
 * What people typed reads exactly as typed in Odoo 11's chat: chat windows, Discuss, the messaging
 * menu's previews and notifications. A visitor who types "&lt;i&gt;" is stored as
 * "&amp;lt;i&amp;gt;" (plaintext2html escapes "&" too); Odoo's mail.utils read the text of a message
 * (a DOM text node, entities decoded) and put it back as HTML without escaping it again, so the
 * operator saw "<i>" (and an italic preview). Here the text of a message is escaped when it goes back
 * to HTML (links are still made of web addresses), and native desktop notifications, which show
 * text, get text. Odoo's own code is not copied: its three text-node cases are wrapped.
 *
 * Why here and until when: Odoo 11's mail.utils (add_link, inline, strip_html); later versions
 * escape text nodes themselves. The chat of every model benefits, not only live chats.
 */
var utils = require('mail.utils');

// an address in a message: as Odoo's chat links them (http(s)://..., or www....)
var ADDRESS = /\b(?:https?:\/\/\d{1,3}(?:\.\d{1,3}){3}|(?:https?:\/\/|(?:www\.))[-a-z0-9@:%._+~#=]{2,256}\.[a-z]{2,13})\b(?:[-a-z0-9@:%_+.~#?&$/=]*)/gi;

/**
 * Plain ``text`` as HTML: escaped, its web addresses as links opening in a new tab.
 */
function textToHtml(text) {
    var html = '';
    var last = 0;
    text.replace(ADDRESS, function (address, offset) {
        var href = /^https?:\/\//i.test(address) ? address : 'http://' + address;
        html += _.escape(text.slice(last, offset)) + '<a target="_blank" rel="noopener noreferrer" href="' +
            _.escape(href) + '">' + _.escape(address) + '</a>';
        last = offset + address.length;
        return address;
    });
    return html + _.escape(text.slice(last));
}

/**
 * The text of ``html``, parsed inertly (no image loads, no handler runs).
 */
function htmlToText(html) {
    return new DOMParser().parseFromString(String(html || ''), 'text/html').body.textContent;
}

var TEXT_NODE = 3;

var addLink = utils.add_link;
utils.add_link = function (node) {
    return node.nodeType === TEXT_NODE ? textToHtml(node.data) : addLink.apply(this, arguments);
};

var inline = utils.inline;
utils.inline = function (node) {
    return node.nodeType === TEXT_NODE ? _.escape(node.data) : inline.apply(this, arguments);
};

var stripHtml = utils.strip_html;
utils.strip_html = function (node) {
    return node.nodeType === TEXT_NODE ? _.escape(node.data) : stripHtml.apply(this, arguments);
};

var sendNotification = utils.send_notification;
utils.send_notification = function (widget, title, content) {
    // the in-page notification shows HTML (what the chat manager gives); a desktop one shows text
    if (window.Notification && window.Notification.permission === 'granted') {
        title = htmlToText(title);
        content = htmlToText(content);
    }
    return sendNotification.call(this, widget, title, content);
};

return {
    textToHtml: textToHtml,
    htmlToText: htmlToText,
};

});
