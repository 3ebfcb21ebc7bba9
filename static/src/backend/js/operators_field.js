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

/**
 * The select pop-up of the Operators tab: its "Create" opens the form the user
 * guide calls "Create Operators" (Odoo 11 would keep the pop-up's "Add: Operators").
 */
var OperatorsSelectDialog = dialogs.SelectCreateDialog.extend({
    create_edit_record: function () {
        var title = this.options.title;
        this.options.title = _t("Create Operators");
        var result = this._super.apply(this, arguments);
        this.options.title = title;
        return result;
    },
});

var OperatorsField = relationalFields.FieldMany2Many.extend({
    className: 'o_field_many2many o_field_livechat_operators',

    //--------------------------------------------------------------------------
    // Handlers
    //--------------------------------------------------------------------------

    /**
     * "Add" opens the select pop-up ("Add: Operators"), whose "Create" opens
     * the new operator's form under the user guide's title, "Create Operators".
     *
     * @override
     * @private
     * @param {OdooEvent|MouseEvent} ev
     */
    _onAddRecord: function (ev) {
        var self = this;
        ev.stopPropagation();
        var domain = this.record.getDomain({fieldName: this.name});
        new OperatorsSelectDialog(this, {
            res_model: this.field.relation,
            domain: domain.concat(["!", ["id", "in", this.value.res_ids]]),
            context: this.record.getContext(this.recordParams),
            title: _t("Add: ") + this.string,
            no_create: this.nodeOptions.no_create || !this.activeActions.create,
            fields_view: this.attrs.views.form,
            on_selected: function (records) {
                var newIDs = _.difference(_.pluck(records, 'id'), self.value.res_ids);
                if (newIDs.length) {
                    self._setValue({
                        operation: 'ADD_M2M',
                        ids: _.map(newIDs, function (id) { return {id: id}; }),
                    });
                }
            },
        }).open();
    },
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
