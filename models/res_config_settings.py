from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .livechat_session_data_protection import RETENTION_PARAM


class ResConfigSettings(models.TransientModel):
    """Settings: the live chat channel of the website (Website > Configuration > Settings), and how long
    closed conversations are kept (Live Chat > Configuration > Settings)."""

    _inherit = "res.config.settings"

    livechat_channel_id = fields.Many2one(related="website_id.livechat_channel_id",
                                          string="Live Chat Channel")
    livechat_retention_days = fields.Integer(
        string="Keep Closed Conversations (Days)",
        help="Closed live chat sessions, with their conversations, are deleted this many days after "
             "they ended, and offline messages this many days after they were left. 0 keeps them forever.")

    @api.model
    def get_values(self):
        values = super(ResConfigSettings, self).get_values()
        values["livechat_retention_days"] = self.env["livechat.session"]._retention_days()
        return values

    def set_values(self):
        result = super(ResConfigSettings, self).set_values()
        self.env["ir.config_parameter"].sudo().set_param(RETENTION_PARAM, str(self.livechat_retention_days))
        return result

    @api.constrains("livechat_retention_days")
    def _check_livechat_retention_days(self):
        if any(settings.livechat_retention_days < 0 for settings in self):
            raise ValidationError(_("The days to keep closed conversations cannot be negative (0 keeps them forever)."))
