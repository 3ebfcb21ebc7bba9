odoo.define('livechat.OperatorsField', function (require) {
"use strict";

/**
 * The Operators tab: a kanban of user cards. "Add" opens the standard
 * select pop-up (search, tick, Select, or Create a new user); clicking a card
 * opens the user in a pop-up with Save, Remove (from this channel) and Discard.
 */
var core = require('web.core');
var dialogs = require('web.view_dialogs');
var fieldRegistry = require('web.field_registry');
var relationalFields = require('web.relational_fields');

var _t = core._t;

var OperatorsField = relationalFields.FieldMany2Many.extend({
    className: 'o_field_many2many o_field_livechat_operators',

    //--------------------------------------------------------------------------
    // Handlers
    //--------------------------------------------------------------------------

    /**
     * In edit mode, open the operator ourselves to offer "Remove".
     *
     * @override
     * @private
     * @param {OdooEvent} ev
     */
    _onOpenRecord: function (ev) {
        if (this.mode === 'readonly') {
            return this._super.apply(this, arguments);
        }
        ev.stopPropagation();
        var self = this;
        var operator = _.findWhere(this.value.data, {id: ev.data.id});
        if (!operator) {
            return;
        }
        var dataPointID = ev.data.id;
        new dialogs.FormViewDialog(this, {
            res_model: this.field.relation,
            res_id: operator.res_id,
            context: this.record.getContext(this.recordParams),
            fields_view: this.attrs.views && this.attrs.views.form,
            title: _t("Open: ") + this.string,
            on_saved: function () {
                self._setValue({operation: 'TRIGGER_ONCHANGE'}, {forceChange: true});
                self.trigger_up('reload', {db_id: dataPointID});
            },
            buttons: [{
                text: _t("Save"),
                classes: 'btn-primary o_livechat_operator_save',
                click: function () {
                    this._save().then(this.close.bind(this));
                },
            }, {
                text: _t("Remove"),
                classes: 'btn-default o_livechat_operator_remove',
                close: true,
                click: function () {
                    self._setValue({operation: 'FORGET', ids: [dataPointID]});
                },
            }, {
                text: _t("Discard"),
                classes: 'btn-default o_form_button_cancel',
                close: true,
            }],
        }).open();
    },
});

fieldRegistry.add('livechat_operators', OperatorsField);

return OperatorsField;

});
