odoo.define('livechat.typing', function (require) {
"use strict";

/**
 * Typing and "Seen" in the operator's live chat windows and Discuss (Odoo 11 has neither):
 * - the visitor's typing comes on the operator's partner channel (`livechat_typing`, see
 *   models/livechat_events.py) and shows "Visitor #3 is typing..." under the conversation until he
 *   stops, a message of his arrives, or it expires;
 * - what the visitor's widget showed him comes as `livechat_seen` (and with the conversation's
 *   info): "Seen" under the operator's last message up to it;
 * - the operator's keystrokes in a live chat call `mail.channel.livechat_typing` (throttled here:
 *   one call when he starts, again every few seconds while he types, one when he stops or empties
 *   the input, none when he sends; rate-limited by the server, which answers the timing to use).
 * Names are inserted as text, never as HTML.
 */
var bus = require('bus.bus').bus;
var ChatAction = require('mail.chat_client_action');
var chatManager = require('mail.chat_manager');
var ChatThread = require('mail.ChatThread');
var ExtendedChatWindow = require('mail.ExtendedChatWindow');
var core = require('web.core');
var rpc = require('web.rpc');
var livechatDiscuss = require('livechat.discuss');

var _t = core._t;
var isLivechat = livechatDiscuss.isLivechat;

var typingByChannel = {};  // channel id -> {name, timer}: the visitor is typing
var seenByChannel = {};  // channel id -> the last message id the visitor's widget showed
var notifiers = {};  // channel id -> the operator's TypingNotifier
var threads = [];  // the threads on screen, redrawn when typing or seen change

// What the visitor does
//----------------------------------------------------------------------------------

function threadChannelID(thread) {
    if (thread.options.channel_id) {
        return thread.options.channel_id;
    }
    var parent = thread.getParent();
    return parent && parent.channel ? parent.channel.id : undefined;
}

function redraw(channelID) {
    _.each(threads, function (thread) {
        if (threadChannelID(thread) === channelID) {
            thread._livechatDecorate();
        }
    });
}

function setTyping(channelID, typing, name, expireSeconds) {
    var previous = typingByChannel[channelID];
    if (previous) {
        clearTimeout(previous.timer);
        delete typingByChannel[channelID];
    }
    if (typing) {
        typingByChannel[channelID] = {
            name: name || '',
            timer: setTimeout(function () {
                setTyping(channelID, false);
            }, (expireSeconds || 8) * 1000),
        };
    }
    if (!!previous !== !!typing || typing) {
        redraw(channelID);
    }
}

var makeChannel = chatManager.make_channel;
chatManager.make_channel = function (data) {
    var channel = makeChannel.apply(this, arguments);
    if (data.channel_type === 'livechat' && data.livechat) {
        seenByChannel[channel.id] = Math.max(seenByChannel[channel.id] || 0,
                                             data.livechat.visitor_seen_message_id || 0);
    }
    return channel;
};

bus.on('notification', null, function (notifications) {
    _.each(notifications, function (notification) {
        var data = notification[1];
        if (notification[0][1] !== 'res.partner' || !data) {
            return;
        }
        if (data.type === 'livechat_typing') {
            setTyping(data.channel_id, data.typing, data.name, data.expire);
        } else if (data.type === 'livechat_seen' && data.message_id > (seenByChannel[data.channel_id] || 0)) {
            seenByChannel[data.channel_id] = data.message_id;
            redraw(data.channel_id);
        }
    });
});

// a message of the visitor ends his typing
chatManager.bus.on('new_message', null, function (message) {
    _.each(message.channel_ids, function (channelID) {
        if (typingByChannel[channelID] && !message.is_author) {
            setTyping(channelID, false);
        }
    });
});

// The threads: "... is typing" under the messages, "Seen" under the operator's last message read
//----------------------------------------------------------------------------------

ChatThread.include({
    render: function (messages) {
        this._super.apply(this, arguments);
        this._livechatMessages = messages;
        if (!_.contains(threads, this)) {
            threads.push(this);
        }
        this._livechatDecorate();
    },
    destroy: function () {
        threads = _.without(threads, this);
        this._super.apply(this, arguments);
    },
    _livechatDecorate: function () {
        this.$('.o_livechat_typing, .o_livechat_seen').remove();
        var channelID = threadChannelID(this);
        if (!isLivechat(chatManager.get_channel(channelID))) {
            return;
        }
        var seenID = seenByChannel[channelID] || 0;
        var seen = _.find((this._livechatMessages || []).slice().reverse(), function (message) {
            // the operators' messages: those with an author (the visitor has none)
            return message.id <= seenID && message.author_id && message.author_id[0] &&
                message.message_type === 'comment';
        });
        if (seen) {
            $('<div class="o_livechat_seen text-muted"/>').text(_t("Seen"))
                .appendTo(this.$('.o_thread_message[data-message-id="' + seen.id + '"] .o_thread_message_core'));
        }
        var typing = typingByChannel[channelID];
        if (typing) {
            var atBottom = this.is_at_bottom();
            $('<div class="o_livechat_typing text-muted" aria-live="polite"/>')
                .text(_.str.sprintf(_t("%s is typing..."), typing.name))
                .appendTo(this.$el);
            if (atBottom) {
                this.$el.scrollTop(this.el.scrollHeight);
            }
        }
    },
});

// What the operator does
//----------------------------------------------------------------------------------

/**
 * The operator's typing in one conversation: said at once, then again every `interval` seconds while
 * he types, and a stop after `idle` seconds without a key or when the input empties; a message sent
 * says nothing more (the widget forgets the typing when the message arrives). The server's answer
 * gives the timing (livechat_input.TYPING_*); these are its values until the first answer.
 */
function TypingNotifier(channelID) {
    this.channelID = channelID;
    this.active = false;
    this.sentAt = 0;
    this.timer = null;
    this.interval = 10;
    this.idle = 5;
}

TypingNotifier.prototype.input = function (text) {
    var self = this;
    text = (text || '').trim();
    if (!text || text[0] === '/') {  // a command is not written to the visitor
        this.stop();
        return;
    }
    var now = Date.now();
    if (!this.active || now - this.sentAt >= this.interval * 1000) {
        this.active = true;
        this.sentAt = now;
        this.send(true);
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(function () {
        self.stop();
    }, this.idle * 1000);
};

TypingNotifier.prototype.sent = function () {
    clearTimeout(this.timer);
    this.active = false;
};

TypingNotifier.prototype.stop = function () {
    clearTimeout(this.timer);
    if (this.active) {
        this.active = false;
        this.send(false);
    }
};

TypingNotifier.prototype.send = function (typing) {
    var self = this;
    return rpc.query({
        model: 'mail.channel',
        method: 'livechat_typing',
        args: [[this.channelID], typing],
    }, {shadow: true}).then(function (result) {
        if (result && result.interval) {
            self.interval = result.interval;
            self.idle = result.idle;
        }
    });
};

function operatorInput(channelID, text) {
    if (!isLivechat(chatManager.get_channel(channelID))) {
        return;
    }
    var notifier = notifiers[channelID] || (notifiers[channelID] = new TypingNotifier(channelID));
    notifier.input(text);
}

var postMessage = chatManager.post_message;
chatManager.post_message = function (data, options) {
    var notifier = options && notifiers[options.channel_id];
    if (notifier) {
        notifier.sent();
    }
    return postMessage.apply(this, arguments);
};

ExtendedChatWindow.include({
    start: function () {
        var self = this;
        this.$el.on('input', '.o_composer_text_field', function (event) {
            operatorInput(self.channel_id, event.target.value);
        });
        return this._super.apply(this, arguments);
    },
});

ChatAction.include({
    start: function () {
        var self = this;
        this.$el.on('input', '.o_composer_text_field', function (event) {
            if (self.channel) {
                operatorInput(self.channel.id, event.target.value);
            }
        });
        return this._super.apply(this, arguments);
    },
});

return {
    TypingNotifier: TypingNotifier,
};

});
