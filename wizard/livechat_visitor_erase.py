"""The confirmation of a visitor's erasure (Live Chat > Sessions > Action > Erase Visitor Data)."""
import logging

from odoo import _, api, fields, models

_logger = logging.getLogger(__name__)


class LivechatVisitorErase(models.TransientModel):
    """Confirmation of a visitor's erasure: what will be deleted, for good."""

    _name = "livechat.visitor.erase"
    _description = "Erase Live Chat Visitor Data"

    def _default_session_ids(self):
        if self.env.context.get("active_model") == "livechat.session":
            return [(6, 0, self.env.context.get("active_ids") or [])]
        return []

    session_ids = fields.Many2many("livechat.session", string="Selected Sessions", default=_default_session_ids)
    erased_session_ids = fields.Many2many(
        "livechat.session", string="Sessions to Erase", compute="_compute_erased",
        help="The selected sessions and every other session of the same visitors (same browser).")
    erased_session_count = fields.Integer(string="Sessions", compute="_compute_erased")
    erased_message_count = fields.Integer(string="Messages", compute="_compute_erased")
    erased_offline_message_ids = fields.Many2many(
        "livechat.offline.message", string="Offline Messages to Erase", compute="_compute_erased",
        help="The messages these visitors left on the offline form, from the same browser or with an e-mail "
             "address they gave.")
    erased_offline_message_count = fields.Integer(string="Offline Messages", compute="_compute_erased")

    @api.depends("session_ids")
    def _compute_erased(self):
        # computed as superuser: shown to Live Chat administrators only (anyone may create a wizard)
        if not self.env.user.has_group("livechat.group_livechat_manager"):
            for wizard in self:
                wizard.erased_session_ids = wizard.erased_offline_message_ids = False
                wizard.erased_session_count = wizard.erased_message_count = wizard.erased_offline_message_count = 0
            return
        for wizard in self:
            sessions = wizard.session_ids._visitor_sessions()
            wizard.erased_session_ids = sessions
            wizard.erased_session_count = len(sessions)
            wizard.erased_message_count = self.env["mail.message"].sudo().search_count([
                ("model", "=", "mail.channel"), ("res_id", "in", sessions.mapped("mail_channel_id").ids),
            ]) if sessions else 0
            offline = sessions._visitor_offline_messages()
            wizard.erased_offline_message_ids = offline
            wizard.erased_offline_message_count = len(offline)

    def action_erase(self):
        """Erase the sessions, conversations and messages of the selected sessions' visitors."""
        self.ensure_one()
        self.env["livechat.session"]._check_can_erase()
        sessions = self.session_ids._visitor_sessions()
        offline_count = sessions._visitor_offline_messages()._erase()
        count = sessions._erase()
        _logger.info("Live chat: %s erased the data of a visitor (%d sessions, %d offline messages)",
                     self.env.user.login, count, offline_count)
        return {
            "type": "ir.actions.act_window",
            "name": _("Sessions"),
            "res_model": "livechat.session",
            "view_mode": "tree,form",
            "target": "main",
        }
