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
        # one query (sent every few seconds while he types): is he a member, which session is open
        self.env.cr.execute("""
            SELECT channel.channel_type,
                   EXISTS (SELECT 1 FROM mail_channel_partner member
                            WHERE member.channel_id = channel.id AND member.partner_id = %s),
                   (SELECT session.id FROM livechat_session session
                     WHERE session.mail_channel_id = channel.id AND session.state = 'open'
                     ORDER BY session.id LIMIT 1)
              FROM mail_channel channel WHERE channel.id = %s
        """, (self.env.user.partner_id.id, self.id))
        channel_type, member, session_id = self.env.cr.fetchone() or (None, False, None)
        if channel_type != "livechat":
            return {"sent": False}
        if not member:
            raise AccessError(_("You are not a member of the conversation %s.") % self.sudo().name)
        if not session_id:
            return {"sent": False}
        return self.env["livechat.session"].sudo().browse(session_id)._operator_typing(typing, self.env.user)

    @api.multi
    def channel_seen(self):
        """An operator's window showed a live chat up to its last message: the visitor is told."""
        last_message_id = super(MailChannel, self).channel_seen()
        if last_message_id and self.channel_type == "livechat":
            self.sudo().livechat_session_ids._operator_seen(last_message_id)
        return last_message_id
