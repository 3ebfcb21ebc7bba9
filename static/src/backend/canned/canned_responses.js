odoo.define('livechat.canned_responses', function (require) {
"use strict";

/**
 * Canned responses in the operators' composer (chat windows and Discuss): typing ":" and a few
 * letters lists the Live Chat canned responses whose shortcut matches (read fresh from the server,
 * so new answers show at once), then Odoo's own text shortcodes. Picking one (click, or Enter)
 * replaces ":shortcut" with the saved answer.
 */
var composer = require('mail.composer');

composer.BasicComposer.include({
    mention_get_canned_responses: function (search) {
        var self = this;
        var limit = this.options.mention_fetch_limit;
        var odooResponses = this._super.apply(this, arguments);
        var livechatResponses = this._rpc({
            model: 'livechat.canned.response',
            method: 'get_suggestions',
            args: [search || '', limit],
        }).then(null, function () {
            return $.when([]);  // the list stays usable without ours
        });
        return $.when(livechatResponses, odooResponses).then(function (ours, theirs) {
            return (ours || []).concat(theirs || []).slice(0, limit);
        });
    },
});

});
