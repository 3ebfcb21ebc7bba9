odoo.define('livechat.transfer', function (require) {
"use strict";

/**
 * /transfer and /invite in a live chat conversation (models/mail_channel_transfer.py):
 * - after them, @ completes the live chat operators' names and # the live chat channels' names;
 * - typed alone, the server answers on the operator's bus channel with the transfer form to open
 *   (its operator and channel fields complete their names too).
 */
var bus = require('bus.bus').bus;
var composer = require('mail.composer');
var webClient = require('web.web_client');

var TRANSFER = /^\s*\/(transfer|invite)\s/;

composer.BasicComposer.include({
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
        if (notification[0][1] === 'res.partner' && data && data.type === 'livechat_transfer_form' && data.action) {
            webClient.do_action(data.action);
        }
    });
});

});
