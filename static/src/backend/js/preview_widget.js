odoo.define('livechat.PreviewWidget', function (require) {
"use strict";

/**
 * <widget name="livechat_preview"/> in the channel form: a mock chat window and
 * chat button drawn in the channel's colours and texts, redrawn on every change.
 * Texts are rendered with t-esc: never as HTML.
 */
var core = require('web.core');
var Widget = require('web.Widget');
var widgetRegistry = require('web.widget_registry');

var QWeb = core.qweb;
var HEX_COLOR = /^#[0-9A-Fa-f]{6}$/;

var PreviewWidget = Widget.extend({
    className: 'o_livechat_preview',

    /**
     * @constructor
     * @param {Widget} parent
     * @param {Object} record the form's data point
     */
    init: function (parent, record) {
        this._super.apply(this, arguments);
        this.record = record;
    },
    /**
     * @override
     */
    start: function () {
        this._render();
        return this._super.apply(this, arguments);
    },
    /**
     * Called by the form renderer after each change of the record.
     *
     * @param {Object} record
     */
    updateState: function (record) {
        this.record = record;
        this._render();
    },

    //--------------------------------------------------------------------------
    // Private
    //--------------------------------------------------------------------------

    /**
     * @private
     * @param {string} value
     * @param {string} fallback
     * @returns {string} value when it is a #RRGGBB colour, fallback otherwise
     */
    _color: function (value, fallback) {
        return HEX_COLOR.test(value || '') ? value : fallback;
    },
    /**
     * @private
     */
    _render: function () {
        var data = this.record.data;
        this.$el.html(QWeb.render('livechat.ChannelPreview', {
            channelName: data.name || '',
            buttonText: data.button_text || '',
            notificationText: data.notification_text || '',
            welcomeMessage: data.welcome_message || '',
            inputPlaceholder: data.input_placeholder || '',
            headerColor: this._color(data.header_color, '#875A7B'),
            buttonBackgroundColor: this._color(data.button_background_color, '#875A7B'),
            buttonTextColor: this._color(data.button_text_color, '#FFFFFF'),
        }));
    },
});

widgetRegistry.add('livechat_preview', PreviewWidget);

return PreviewWidget;

});
