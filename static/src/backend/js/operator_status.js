odoo.define('livechat.operator_status', function (require) {
"use strict";

/**
 * The operator's live chat status in the systray: Online (takes new visitors), Busy (keeps his
 * conversations, takes no new visitor unless the channel says so), Away (takes none). Stored on his
 * user (res_users_livechat_status.py); shown to live chat operators only.
 */
var core = require('web.core');
var SystrayMenu = require('web.SystrayMenu');
var Widget = require('web.Widget');

var _t = core._t;

var OperatorStatus = Widget.extend({
    template: 'livechat.OperatorStatus',
    events: {
        'click .o_livechat_status_choice': '_onChoose',
    },

    init: function () {
        this._super.apply(this, arguments);
        this.choices = ['online', 'busy', 'away'];
        this.labels = {online: _t("Online"), busy: _t("Busy"), away: _t("Away")};
        this.status = 'online';
        this.isOperator = false;
    },

    willStart: function () {
        var self = this;
        var status = this._rpc({model: 'res.users', method: 'livechat_get_status', args: []})
            .then(function (result) {
                self.status = result.status;
                self.isOperator = result.is_operator;
            });
        return $.when(this._super.apply(this, arguments), status);
    },

    start: function () {
        this.$el.toggleClass('o_hidden', !this.isOperator);
        this.$el.attr('title', _t("Your live chat status"));
        return this._super.apply(this, arguments);
    },

    _onChoose: function (ev) {
        ev.preventDefault();
        var self = this;
        var status = $(ev.currentTarget).data('status');
        return this._rpc({model: 'res.users', method: 'livechat_set_status', args: [status]})
            .then(function (result) {
                self.status = result.status;
                self.renderElement();
                self.$el.toggleClass('o_hidden', !self.isOperator);
            });
    },
});

SystrayMenu.Items.push(OperatorStatus);

return OperatorStatus;
});
