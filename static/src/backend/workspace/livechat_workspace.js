odoo.define('livechat.workspace', function (require) {
"use strict";

/**
 * The operator's workspace around a live chat conversation (models/livechat_session_workspace.py):
 * - the visitor panel: beside the conversation in Discuss, under the header of a chat window
 *   (folded to one line there, unfolded by its button): verified or not, e-mail, language, current
 *   page (live), tags, internal notes, previous conversations, chatbot answers, offline messages,
 *   the matching partner;
 * - the conversation status (In progress / Waiting for customer / Looking for help), set from the
 *   panel, shown in Discuss' LIVECHAT list;
 * - "Looking for help": the channel's other operators get a notification with a Join button;
 * - Live Chat > Ongoing: the list reloads when the server signals a change (``livechat_ongoing``).
 * The server's data is the `workspace` key of the visitor info (livechat.discuss); everything the
 * visitor or an operator typed is inserted as text, never as HTML.
 */
var livechatDiscuss = require('livechat.discuss');
var bus = require('bus.bus').bus;
var ChatAction = require('mail.chat_client_action');
var chatManager = require('mail.chat_manager');
var ExtendedChatWindow = require('mail.ExtendedChatWindow');
var core = require('web.core');
var ListController = require('web.ListController');
var ListView = require('web.ListView');
var Notification = require('web.notification').Notification;
var rpc = require('web.rpc');
var time = require('web.time');
var viewRegistry = require('web.view_registry');
var webClient = require('web.web_client');

var QWeb = core.qweb;
var _t = core._t;

var SAFE_URL = /^https?:\/\//i;
var ONGOING_REFRESH = 30000;  // ms: the waiting times of the Ongoing board move on by themselves

function parseDate(value) {
    return value ? moment(time.str_to_datetime(value)) : false;
}

/**
 * The panel's data as the templates read it (dates parsed, links only for http(s) addresses).
 */
function makeWorkspace(raw) {
    if (!raw) {
        return false;
    }
    return _.extend({}, raw, {
        current_page: raw.current_page ? {
            url: raw.current_page,
            href: SAFE_URL.test(raw.current_page) ? raw.current_page : false,
        } : false,
        notes: _.map(raw.notes || [], function (note) {
            return _.extend({}, note, {date: parseDate(note.date)});
        }),
        previous: _.map(raw.previous || [], function (session) {
            return _.extend({}, session, {date: parseDate(session.date)});
        }),
        offline_messages: _.map(raw.offline_messages || [], function (message) {
            return _.extend({}, message, {date: parseDate(message.date)});
        }),
        tags: _.map(raw.tags || [], function (tag) {
            return _.extend({}, tag, {color: parseInt(tag.color, 10) || 0});
        }),
    });
}

function callSession(sessionID, method, args) {
    return rpc.query({model: 'livechat.session', method: method, args: [[sessionID]].concat(args || [])});
}

/**
 * The panel's controls, the same in a chat window and in Discuss: ``$root`` holds the panel,
 * ``getInfo`` gives the current visitor info.
 */
function bindPanel($root, getInfo) {
    function sessionID() {
        var info = getInfo();
        return info && info.session_id;
    }
    $root.on('change', '.o_livechat_status_select', function (ev) {
        callSession(sessionID(), 'action_set_conversation_status', [$(ev.currentTarget).val()]);
    });
    $root.on('submit', '.o_livechat_note_form', function (ev) {
        ev.preventDefault();
        var $input = $(ev.currentTarget).find('textarea');
        var body = $input.val().trim();
        if (body) {
            callSession(sessionID(), 'action_add_note', [body]).then(function () {
                $input.val('');
            });
        }
    });
    $root.on('submit', '.o_livechat_tag_form', function (ev) {
        ev.preventDefault();
        var $input = $(ev.currentTarget).find('input');
        var name = $input.val().trim();
        if (name) {
            callSession(sessionID(), 'action_add_tag', [name]).then(function () {
                $input.val('');
            });
        }
    });
    $root.on('click', '.o_livechat_tag_remove', function (ev) {
        ev.preventDefault();
        callSession(sessionID(), 'action_remove_tag', [$(ev.currentTarget).data('tag-id')]);
    });
}

function renderPanel(info, compact) {
    return $(QWeb.render('livechat.WorkspacePanel', {
        info: info,
        ws: makeWorkspace(info.workspace),
        compact: compact,
    }));
}

// Chat windows: the panel under the visitor's line, folded to its status and tags until unfolded
//----------------------------------------------------------------------------------

ExtendedChatWindow.include({
    start: function () {
        var self = this;
        return this._super.apply(this, arguments).then(function () {
            if (self.livechat) {
                bindPanel(self.$el, function () { return self.livechat; });
                self.$el.on('click', '.o_livechat_panel_toggle', function (ev) {
                    ev.preventDefault();
                    self._livechatPanelOpen = !self._livechatPanelOpen;
                    self._renderVisitorInfo();
                });
            }
        });
    },
    _renderVisitorInfo: function () {
        this._super.apply(this, arguments);
        if (this.livechat && this.livechat.workspace) {
            var $panel = renderPanel(this.livechat, true);
            $panel.toggleClass('o_livechat_panel_open', !!this._livechatPanelOpen);
            this.$('.o_livechat_visitor').toggleClass('o_livechat_visitor_expanded', !!this._livechatPanelOpen)
                .append($panel);
        }
    },
});

// Discuss: the panel beside the conversation
//----------------------------------------------------------------------------------

ChatAction.include({
    start: function () {
        var self = this;
        return this._super.apply(this, arguments).then(function () {
            bindPanel(self.$el, function () {
                return livechatDiscuss.isLivechat(self.channel) ? self.channel.livechat : null;
            });
        });
    },
    _renderVisitorInfo: function () {
        this._super.apply(this, arguments);
        this.$('.o_livechat_workspace_side').remove();
        var $content = this.$('.o_mail_chat_content');
        var withPanel = livechatDiscuss.isLivechat(this.channel) && !!this.channel.livechat.workspace;
        $content.toggleClass('o_livechat_with_panel', withPanel);
        if (withPanel) {
            var $side = $('<div class="o_livechat_workspace_side"/>').append(renderPanel(this.channel.livechat, false));
            $side.insertAfter($content);
        }
    },
});

// "Looking for help": a notification with a Join button for the channel's other operators
//----------------------------------------------------------------------------------

var HelpNotification = Notification.extend({
    events: _.extend({}, Notification.prototype.events, {
        'click .o_livechat_help_join': '_onJoin',
    }),
    init: function (parent, data) {
        // Notification's template inserts both as HTML: escaped here
        this._super(parent, _.escape(data.title || ''), _.escape(data.message || ''), true);
        this.sessionID = data.session_id;
    },
    start: function () {
        this.$el.addClass('o_livechat_help_notification');
        $('<button type="button" class="btn btn-sm btn-primary o_livechat_help_join"/>')
            .text(_t('Join'))
            .appendTo(this.$('.o_notification_content').length ? this.$('.o_notification_content') : this.$el);
        return this._super.apply(this, arguments);
    },
    _onJoin: function (ev) {
        var self = this;
        ev.preventDefault();
        // the server adds the operator and opens the conversation's chat window (bus)
        callSession(this.sessionID, 'action_join_conversation').always(function () {
            self.destroy(true);
        });
    },
});

bus.on('notification', null, function (notifications) {
    _.each(notifications, function (notification) {
        var data = notification[1];
        if (notification[0][1] === 'res.partner' && data && data.type === 'livechat_help_requested') {
            webClient.notification_manager.display(new HelpNotification(webClient.notification_manager, data));
        }
    });
});

// Live Chat > Ongoing: reloaded when a conversation starts, ends or changes
//----------------------------------------------------------------------------------

var OngoingListController = ListController.extend({
    start: function () {
        var self = this;
        this._reloadSoon = _.debounce(function () {
            if (!self.isDestroyed()) {
                self.reload();
            }
        }, 300);
        bus.on('notification', this, this._onNotification);
        this._timer = setInterval(this._reloadSoon, ONGOING_REFRESH);
        return this._super.apply(this, arguments);
    },
    destroy: function () {
        bus.off('notification', this, this._onNotification);
        clearInterval(this._timer);
        this._super.apply(this, arguments);
    },
    _onNotification: function (notifications) {
        var changed = _.some(notifications, function (notification) {
            var data = notification[1];
            return data && (data.type === 'livechat_ongoing' || data.type === 'livechat_session_update');
        });
        if (changed) {
            this._reloadSoon();
        }
    },
});

var OngoingListView = ListView.extend({
    config: _.extend({}, ListView.prototype.config, {Controller: OngoingListController}),
});

viewRegistry.add('livechat_ongoing_list', OngoingListView);

return {
    makeWorkspace: makeWorkspace,
    OngoingListController: OngoingListController,
};

});
