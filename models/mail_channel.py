from odoo import fields, models


class MailChannel(models.Model):
    """Live chat conversations are mail.channel records of type 'livechat'."""

    _inherit = "mail.channel"

    channel_type = fields.Selection(selection_add=[("livechat", "Live Chat Conversation")])
    livechat_session_ids = fields.One2many("livechat.session", "mail_channel_id", string="Live Chat Session")

    def _channel_message_notifications(self, message):
        """Operators' chat windows get Odoo's notification; the visitor's widget a compact plain-text one."""
        notifications = super(MailChannel, self)._channel_message_notifications(message)
        livechat_channels = self.filtered(lambda channel: channel.channel_type == "livechat")
        if livechat_channels:
            sessions = livechat_channels.sudo().mapped("livechat_session_ids")
            if sessions:
                payload = {"type": "message", "message": sessions._message_payload(message)}
                notifications += [[session._bus_channel(), payload] for session in sessions]
        return notifications
