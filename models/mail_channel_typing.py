from odoo import _, api, models
from odoo.exceptions import AccessError


class MailChannel(models.Model):
    """Typing and "seen" of the operators in a live chat (livechat_session_typing)."""

    _inherit = "mail.channel"

    @api.multi
    def livechat_typing(self, typing=True):
        """The operator types in this conversation's chat window or Discuss (``typing``: false when his
        input emptied or was sent): the visitor's widget says so. Called by the web client (throttled
        there), rate-limited here; returns ``livechat.session._operator_typing``'s answer."""
        self.ensure_one()
        if self.channel_type != "livechat":
            return {"sent": False}
        if self.env.user.partner_id not in self.sudo().channel_partner_ids:
            raise AccessError(_("You are not a member of the conversation %s.") % self.name)
        session = self.sudo().livechat_session_ids.filtered(lambda s: s.state == "open")[:1]
        if not session:
            return {"sent": False}
        return session._operator_typing(typing, self.env.user)

    @api.multi
    def channel_seen(self):
        """An operator's window showed a live chat up to its last message: the visitor is told."""
        last_message_id = super(MailChannel, self).channel_seen()
        if last_message_id and self.channel_type == "livechat":
            self.sudo().livechat_session_ids._operator_seen(last_message_id)
        return last_message_id
