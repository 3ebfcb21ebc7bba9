odoo.define('livechat.LiveCharField', function (require) {
"use strict";

/**
 * A Char field that commits its value shortly after each keystroke (instead of
 * on blur), so that the channel's live preview follows the typing.
 */
var basicFields = require('web.basic_fields');
var fieldRegistry = require('web.field_registry');

var LiveCharField = basicFields.FieldChar.extend({
    DEBOUNCE: 300,
});

fieldRegistry.add('livechat_live_char', LiveCharField);

return LiveCharField;

});
