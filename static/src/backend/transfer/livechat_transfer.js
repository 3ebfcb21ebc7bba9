odoo.define('livechat.transfer', function (require) {
"use strict";

/**
 * /transfer or /invite typed alone in a live chat conversation: the server answers, on the operator's
 * bus channel, with the transfer form to open (operator and channel fields complete their names).
 */
var bus = require('bus.bus').bus;
var webClient = require('web.web_client');

bus.on('notification', null, function (notifications) {
    _.each(notifications, function (notification) {
        var data = notification[1];
        if (notification[0][1] === 'res.partner' && data && data.type === 'livechat_transfer_form' && data.action) {
            webClient.do_action(data.action);
        }
    });
});

});
