from odoo import fields, models


class MailChannel(models.Model):
    """Live chat conversations are mail.channel records of type 'livechat'."""

    _inherit = "mail.channel"

    channel_type = fields.Selection(selection_add=[("livechat", "Live Chat Conversation")])
    livechat_session_ids = fields.One2many("livechat.session", "mail_channel_id", string="Live Chat Session")
