from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    """Website > Configuration > Settings: the live chat channel of the website."""

    _inherit = "res.config.settings"

    livechat_channel_id = fields.Many2one(related="website_id.livechat_channel_id",
                                          string="Live Chat Channel")
