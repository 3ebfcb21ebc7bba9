odoo.define('livechat.CopyField', function (require) {
"use strict";

/**
 * A read-only box showing a text (the widget's <script> tag, the direct chat
 * link) with a COPY button that puts it on the clipboard and says so.
 */
var AbstractField = require('web.AbstractField');
var core = require('web.core');
var fieldRegistry = require('web.field_registry');

var _t = core._t;

/**
 * Copy with document.execCommand, for browsers without the asynchronous
 * clipboard API (or pages that are not a secure context).
 *
 * @param {string} text
 * @returns {boolean} true when the browser copied
 */
function copyWithSelection(text) {
    var textarea = document.createElement('textarea');
    textarea.value = text;
    textarea.setAttribute('readonly', '');
    textarea.style.position = 'fixed';
    textarea.style.top = '-1000px';
    document.body.appendChild(textarea);
    textarea.select();
    var copied = false;
    try {
        copied = document.execCommand('copy');
    } catch (error) {
        copied = false;
    }
    document.body.removeChild(textarea);
    return copied;
}

/**
 * @param {string} text
 * @returns {Deferred} resolved when copied, rejected otherwise
 */
function copyToClipboard(text) {
    var def = $.Deferred();
    var fallback = function () {
        if (copyWithSelection(text)) {
            def.resolve();
        } else {
            def.reject();
        }
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(def.resolve.bind(def), fallback);
    } else {
        fallback();
    }
    return def.promise();
}

var CopyField = AbstractField.extend({
    className: 'o_field_livechat_copy',
    supportedFieldTypes: ['char', 'text'],
    events: _.extend({}, AbstractField.prototype.events, {
        'click .o_livechat_copy_button': '_onCopyClick',
    }),

    /**
     * The box is always shown, with a hint while there is nothing to copy.
     *
     * @override
     */
    isSet: function () {
        return true;
    },

    //--------------------------------------------------------------------------
    // Private
    //--------------------------------------------------------------------------

    /**
     * @override
     */
    _render: function () {
        this.$el.empty();
        if (!this.value) {
            this.$el.append($('<div class="text-muted o_livechat_copy_empty"/>')
                .text(_t("Save the channel to get this code.")));
            return;
        }
        var $value = $('<code class="o_livechat_copy_value"/>').text(this.value);
        var $button = $('<button type="button" class="btn btn-primary o_livechat_copy_button"/>')
            .append($('<i class="fa fa-clipboard" role="img"/>'), ' ', $('<span/>').text(_t("Copy")));
        this.$el.append($('<div class="o_livechat_copy_box"/>').append($value, $button));
    },

    //--------------------------------------------------------------------------
    // Handlers
    //--------------------------------------------------------------------------

    /**
     * @private
     * @param {MouseEvent} ev
     */
    _onCopyClick: function (ev) {
        ev.preventDefault();
        ev.stopPropagation();
        var self = this;
        copyToClipboard(this.value).then(function () {
            self.do_notify(_t("Copied"), _t("The text is on your clipboard: paste it where you need it."));
            self.$('.o_livechat_copy_button').addClass('o_livechat_copied');
        }, function () {
            self.do_warn(_t("Copy failed"),
                _t("Your browser refused to copy: select the text and copy it by hand."));
        });
    },
});

fieldRegistry.add('livechat_copy', CopyField);

return {
    CopyField: CopyField,
    copyToClipboard: copyToClipboard,
};

});
