odoo.define('livechat.transfer', function (require) {
"use strict";

/**
 * /transfer and /invite in a live chat conversation (models/mail_channel_transfer.py):
 * - after them, @ completes the live chat operators' names and # the live chat channels' names;
 * - typed alone, the server answers on the operator's bus channel with the transfer form to open
 *   (its operator and channel fields complete their names too), opened by the tab that typed it only.
 */
var bus = require('bus.bus').bus;
var composer = require('mail.composer');
var webClient = require('web.web_client');

var TRANSFER = /^\s*\/(transfer|invite)\s/;
var TRANSFER_ALONE = /^\s*\/(transfer|invite)\s*$/;
// when this tab sent /transfer or /invite alone: only this tab opens the form the server answers with,
// and only soon after (the bus replays the last minute's notifications to a tab that starts polling)
var FORM_WAIT = 30000;
var formAskedAt = 0;

composer.BasicComposer.include({
    send_message: function () {
        if (this.$input && TRANSFER_ALONE.test(this.$input.val())) {
            formAskedAt = Date.now();
        }
        return this._super.apply(this, arguments);
    },
    _livechatTransferCommand: function () {
        var match = this.$input && TRANSFER.exec(this.$input.val());
        return match && match[1];
    },
    mention_fetch_partners: function (search) {
        if (!this._livechatTransferCommand()) {
            return this._super.apply(this, arguments);
        }
        return this.mention_fetch_throttled('mail.channel', 'livechat_transfer_operator_suggestions', {
            search: search, limit: this.options.mention_fetch_limit,
        });
    },
    mention_fetch_channels: function (search) {
        if (this._livechatTransferCommand() !== 'transfer') {
            return this._super.apply(this, arguments);
        }
        return this.mention_fetch_throttled('mail.channel', 'livechat_transfer_channel_suggestions', {
            search: search, limit: this.options.mention_fetch_limit,
        });
    },
});

bus.on('notification', null, function (notifications) {
    _.each(notifications, function (notification) {
        var data = notification[1];
        if (notification[0][1] === 'res.partner' && data && data.type === 'livechat_transfer_form' && data.action
                && Date.now() - formAskedAt < FORM_WAIT) {
            formAskedAt = 0;
            webClient.do_action(data.action);
        }
    });
});

});
