odoo.define('livechat.discuss', function (require) {
"use strict";

/**
 * The operator's side of live chat conversations (mail.channel of type 'livechat') in Odoo 11's
 * web client:
 * - the chat manager knows them (chat windows, systray messaging menu) and keeps what the server
 *   says of the visitor (name, country, pages, when he left) in `channel.livechat`;
 * - a new conversation opens in a chat window as soon as the server announces it;
 * - Discuss lists them under a LIVECHAT heading (unread in bold, newest first) and shows the
 *   visitor above the conversation; chat windows show it under their header.
 * Everything the visitor typed (name, page addresses) is inserted as text, never as HTML.
 */
var bus = require('bus.bus').bus;
var ChatAction = require('mail.chat_client_action');
var chatManager = require('mail.chat_manager');
var ExtendedChatWindow = require('mail.ExtendedChatWindow');
var core = require('web.core');
var session = require('web.session');
var time = require('web.time');
var webClient = require('web.web_client');

var QWeb = core.qweb;

var LIVECHAT = 'livechat';
var SAFE_URL = /^https?:\/\//i;

function isLivechat(channel) {
    return !!channel && channel.server_type === LIVECHAT;
}

function parseDate(value) {
    return value ? moment(time.str_to_datetime(value)) : false;
}

/**
 * A page address as the templates show it: a link only for http(s) addresses.
 */
function makePage(url, date) {
    url = url || '';
    return {
        url: url,
        href: SAFE_URL.test(url) ? url : false,
        date: parseDate(date),
    };
}

/**
 * What the operator sees of the visitor, from the `livechat` key the server adds to channel infos.
 */
function makeVisitorInfo(raw) {
    raw = raw || {};
    return {
        session_id: raw.session_id,
        visitor_name: raw.visitor_name || '',
        verified: Boolean(raw.visitor_verified),
        visitor_email: raw.visitor_email || '',
        country_name: raw.country_name || '',
        country_code: /^[a-z]{2}$/.test(raw.country_code || '') ? raw.country_code : '',
        start_page: raw.page_url ? makePage(raw.page_url, raw.start_date) : false,
        pages: _.map(raw.pages || [], function (page) {
            return makePage(page.url, page.date);
        }),
        start_date: parseDate(raw.start_date),
        end_date: parseDate(raw.end_date),
        is_closed: raw.state === 'closed',
        // status, notes, tags, the visitor panel: livechat.workspace
        workspace: raw.workspace || false,
    };
}

// Chat manager: live chat channels and their visitors' messages
//----------------------------------------------------------------------------------

var makeChannel = chatManager.make_channel;
chatManager.make_channel = function (data, options) {
    var channel = makeChannel.apply(this, arguments);
    if (data.channel_type === LIVECHAT) {
        channel.livechat = makeVisitorInfo(data.livechat);
        channel.name = channel.livechat.visitor_name || channel.name;
        channel.livechat_last_message_id = data.livechat_last_message_id || 0;
    }
    return channel;
};

/**
 * The id of a live chat conversation's latest message, known from the server (channel info) or
 * received since: Discuss lists the conversation by it, newest first.
 */
function latestMessageID(channel) {
    return Math.max(channel.livechat_last_message_id || 0, (channel.last_message && channel.last_message.id) || 0);
}

var makeMessage = chatManager.make_message;
chatManager.make_message = function (data) {
    var message = makeMessage.apply(this, arguments);
    // the visitor has no partner: his name travels as email_from, which is no address to write to
    if (message.mailto && data.model === 'mail.channel' && isLivechat(chatManager.get_channel(data.res_id))) {
        message.displayed_author = message.mailto;
        message.mailto = undefined;
    }
    return message;
};

function updateVisitorInfo(channelID, raw) {
    var channel = chatManager.get_channel(channelID);
    if (isLivechat(channel)) {
        channel.livechat = makeVisitorInfo(raw);
        chatManager.bus.trigger('livechat_visitor_updated', channel);
    }
}

/**
 * The conversation left the operator's list (/leave, or removed from Discuss): the chat manager
 * forgets it as it does an unpinned chat, without its notice (which would show the visitor's name
 * as HTML); ours is plain text.
 */
function forgetChannel(busChannel, data) {
    if (!chatManager.get_channel(data.id)) {
        return;
    }
    var doNotify = webClient.do_notify;
    webClient.do_notify = function () {};
    try {
        bus.trigger('notification', [[busChannel, {info: 'unsubscribe', id: data.id}]]);
    } finally {
        webClient.do_notify = doNotify;
    }
    if (data.message) {
        webClient.do_notify(_.escape(data.title || ''), _.escape(data.message));
    }
}

/**
 * A conversation that has ended is not brought back: when the web client loads, it replays the
 * last minute's notifications, and Odoo would fetch (and pop up) the conversations they mention.
 */
chatManager.bus.on('new_channel', null, function (channel) {
    if (isLivechat(channel) && channel.livechat.is_closed) {
        forgetChannel(['', 'res.partner', session.partner_id], {id: channel.id});
    }
});

bus.on('notification', null, function (notifications) {
    _.each(notifications, function (notification) {
        var data = notification[1];
        if (notification[0][1] !== 'res.partner' || !data || data.info === 'unsubscribe') {
            return;
        }
        if (data.type === 'livechat_session_update') {
            updateVisitorInfo(data.channel_id, data.livechat);
        } else if (data.type === 'livechat_unpinned') {
            forgetChannel(notification[0], data);
        } else if (data.type === 'livechat_operator_removed') {
            webClient.do_warn(_.escape(data.title), _.escape(data.message), true);
        } else if (data.channel_type === LIVECHAT) {
            if (chatManager.get_channel(data.id)) {
                if (data.livechat) {
                    updateVisitorInfo(data.id, data.livechat);
                }
            } else if ((data.state === 'open' || data.state === 'folded') &&
                    (!data.livechat || data.livechat.state === 'open')) {
                // a new conversation for this operator: fetch it, its chat window opens
                chatManager.join_channel(data.id, {autoswitch: false});
            }
        }
    });
});

// Chat windows: the visitor's flag and country in the header, who he is under it
//----------------------------------------------------------------------------------

ExtendedChatWindow.include({
    init: function (parent, channelID) {
        this._super.apply(this, arguments);
        var channel = channelID && chatManager.get_channel(channelID);
        this.livechat = isLivechat(channel) ? channel.livechat : null;
    },
    start: function () {
        var self = this;
        return this._super.apply(this, arguments).then(function () {
            if (self.livechat) {
                self.$el.addClass('o_livechat_window');
                self._renderVisitorInfo();
                chatManager.bus.on('livechat_visitor_updated', self, self._onVisitorUpdated);
            }
        });
    },
    _renderVisitorInfo: function () {
        this.$('.o_livechat_visitor').remove();
        $(QWeb.render('livechat.VisitorInfo', {info: this.livechat, compact: true})).insertAfter(this.$header);
    },
    _onVisitorUpdated: function (channel) {
        if (channel.id === this.channel_id) {
            this.livechat = channel.livechat;
            this.render_header();
            this._renderVisitorInfo();
        }
    },
});

// Discuss: the LIVECHAT heading, the visitor above the conversation
//----------------------------------------------------------------------------------

ChatAction.include({
    /**
     * Live chat conversations get their own list: those still going on, the one with the latest
     * message first (an ended one leaves the list at once; its thread stays readable while open);
     * the other sections keep theirs.
     *
     * @override
     */
    _renderSidebar: function (options) {
        var groups = _.partition(options.channels, isLivechat);
        var livechatChannels = _.filter(groups[0], function (channel) {
            return !channel.livechat.is_closed;
        }).sort(function (a, b) {
            return (latestMessageID(b) - latestMessageID(a)) || (b.id - a.id);
        });
        return this._super(_.extend({}, options, {channels: groups[1], livechat_channels: livechatChannels}));
    },
    /**
     * @override
     */
    _setChannel: function (channel) {
        var self = this;
        return this._super.apply(this, arguments).then(function () {
            self._renderVisitorInfo();
            if (isLivechat(channel)) {
                self.set('title', channel.name);
                self._updateControlPanel();
            }
        });
    },
    /**
     * @override
     */
    _startListening: function () {
        this._super.apply(this, arguments);
        chatManager.bus.on('livechat_visitor_updated', this, function (channel) {
            if (this.channel && this.channel.id === channel.id) {
                this._renderVisitorInfo();
            }
            this.throttledUpdateChannels();
        });
        // a message moves its conversation to the top of the list, whoever wrote it
        chatManager.bus.on('new_message', this, function (message) {
            if (_.some(message.channel_ids, function (id) { return isLivechat(chatManager.get_channel(id)); })) {
                this.throttledUpdateChannels();
            }
        });
    },
    /**
     * Inviting people or unsubscribing make no sense in a conversation with a visitor (/leave ends it).
     *
     * @override
     */
    _updateControlPanelButtons: function (channel) {
        this._super.apply(this, arguments);
        if (isLivechat(channel)) {
            this.$buttons.find('.o_mail_chat_button_invite, .o_mail_chat_button_unsubscribe').hide();
        }
    },
    _renderVisitorInfo: function () {
        this.$('.o_mail_chat_content > .o_livechat_visitor').remove();
        if (isLivechat(this.channel)) {
            $(QWeb.render('livechat.VisitorInfo', {info: this.channel.livechat, compact: false}))
                .insertBefore(this.thread.$el);
        }
    },
});

return {
    isLivechat: isLivechat,
    latestMessageID: latestMessageID,
    makeVisitorInfo: makeVisitorInfo,
};

});
