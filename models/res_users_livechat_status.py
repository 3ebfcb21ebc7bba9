"""The operator's status, chosen in the backend's systray: Online, Busy or Away.

Online takes new visitors; Busy keeps his conversations but takes no new visitor unless the
channel lets busy operators take them; Away takes none. Besides, an operator inactive for 30
minutes is not available whatever his status (livechat_channel_presence).
"""
from odoo import _, api, fields, models
from odoo.exceptions import UserError

OPERATOR_STATUSES = [
    ("online", "Online"),
    ("busy", "Busy"),
    ("away", "Away"),
]


class ResUsers(models.Model):
    """An operator's live chat status."""

    _inherit = "res.users"

    livechat_status = fields.Selection(
        OPERATOR_STATUSES, string="Live Chat Status", default="online", required=True,
        help="Online: takes new visitors. Busy: keeps his conversations, takes no new visitor unless "
             "the channel says so. Away: takes no new visitor.")

    @api.model
    def livechat_get_status(self):
        """The current user's status, and whether he answers visitors (the systray shows it then only)."""
        user = self.env.user
        return {
            "status": user.livechat_status,
            "is_operator": user.has_group("livechat.group_livechat_user"),
        }

    @api.model
    def livechat_set_status(self, status):
        """The current user chooses his status; back Online (or Busy where busy operators take
        visitors), the queues of his channels may move."""
        if status not in dict(OPERATOR_STATUSES):
            raise UserError(_("Unknown live chat status %r") % (status,))
        user = self.env.user
        user.sudo().write({"livechat_status": status})
        if status != "away":
            user.sudo().livechat_channel_ids._queue_run_after_commit()
        return self.livechat_get_status()
