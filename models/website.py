from odoo import fields, models


class Website(models.Model):
    """Each website may show the chat button of one live chat channel."""

    _inherit = "website"

    livechat_channel_id = fields.Many2one("livechat.channel", string="Live Chat Channel",
                                          ondelete="set null")
