from odoo import _, fields, models
from odoo.exceptions import UserError

from ..models.livechat_session_transfer import TRANSFER_KINDS


class LivechatTransferWizard(models.TransientModel):
    """The form an operator fills to transfer a conversation or invite a colleague (``/transfer``)."""

    _name = "livechat.session.transfer.wizard"
    _description = "Transfer a Live Chat"

    session_id = fields.Many2one("livechat.session", string="Conversation", required=True, ondelete="cascade")
    kind = fields.Selection(TRANSFER_KINDS, string="Type", required=True, default="transfer")
    operator_id = fields.Many2one(
        "res.users", string="Operator",
        domain=lambda self: [("share", "=", False),
                             ("groups_id", "in", self.env.ref("livechat.group_livechat_user").ids)],
        help="Leave empty to transfer to an available operator of the channel.")
    channel_id = fields.Many2one("livechat.channel", string="Channel",
                                 help="Transfer to an available operator of this channel.")
    note = fields.Text(string="Note for Operators", help="The visitor never sees it.")

    def action_confirm(self):
        self.ensure_one()
        session = self.session_id
        if self.kind == "invite":
            if not self.operator_id:
                raise UserError(_("Choose the operator to invite."))
            session._invite(self.operator_id, self.note)
        else:
            session._transfer(self.operator_id, self.channel_id, self.note)
        return {"type": "ir.actions.act_window_close"}
