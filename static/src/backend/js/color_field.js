odoo.define('livechat.ColorField', function (require) {
"use strict";

/**
 * A Char field holding a colour written #RRGGBB: the text input, plus the
 * browser's colour picker beside it. Both stay in sync; a picked colour is
 * committed at once so that the live preview follows. The server validates.
 */
var basicFields = require('web.basic_fields');
var fieldRegistry = require('web.field_registry');

var HEX_COLOR = /^#[0-9A-Fa-f]{6}$/;

var ColorField = basicFields.FieldChar.extend({
    className: 'o_field_livechat_color',
    events: _.extend({}, basicFields.FieldChar.prototype.events, {
        'input .o_livechat_color_picker': '_onPickerInput',
        'change .o_livechat_color_picker': '_onPickerInput',
    }),
    // commit typed colours quickly so that the preview follows the typing
    DEBOUNCE: 300,

    /**
     * @override
     */
    init: function () {
        this._super.apply(this, arguments);
        this.tagName = 'div';
    },

    //--------------------------------------------------------------------------
    // Private
    //--------------------------------------------------------------------------

    /**
     * @private
     * @param {string} value
     * @returns {boolean}
     */
    _isColor: function (value) {
        return HEX_COLOR.test(value || '');
    },
    /**
     * @override
     */
    _renderEdit: function () {
        this.$el.empty();
        this.$picker = $('<input type="color" class="o_livechat_color_picker"/>')
            .attr('title', this.string)
            .val(this._isColor(this.value) ? this.value.toLowerCase() : '#000000');
        this.$el.append(this.$picker, this._prepareInput($('<input/>')));
    },
    /**
     * @override
     */
    _renderReadonly: function () {
        this.$el.empty();
        if (this._isColor(this.value)) {
            this.$el.append($('<span class="o_livechat_color_swatch"/>').css('background-color', this.value));
        }
        this.$el.append($('<span class="o_livechat_color_value"/>').text(this.value || ''));
    },

    //--------------------------------------------------------------------------
    // Handlers
    //--------------------------------------------------------------------------

    /**
     * Typing a valid colour moves the picker too.
     *
     * @override
     */
    _onInput: function (ev) {
        if ($(ev.target).hasClass('o_livechat_color_picker')) {
            return;
        }
        this._super.apply(this, arguments);
        var value = this.$input.val().trim();
        if (this._isColor(value)) {
            this.$picker.val(value.toLowerCase());
        }
    },
    /**
     * @override
     */
    _onChange: function (ev) {
        if ($(ev.target).hasClass('o_livechat_color_picker')) {
            return;
        }
        this._super.apply(this, arguments);
    },
    /**
     * A colour picked in the picker is written in the text input and committed.
     *
     * @private
     * @param {Event} ev
     */
    _onPickerInput: function (ev) {
        this.$input.val(ev.target.value.toUpperCase());
        this.isDirty = true;
        this._doAction();
    },
});

fieldRegistry.add('livechat_color', ColorField);

return ColorField;

});
