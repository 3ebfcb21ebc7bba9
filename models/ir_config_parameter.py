from odoo import _, api, models
from odoo.exceptions import ValidationError

from .livechat_channel_presence import INACTIVITY_PARAM


class IrConfigParameter(models.Model):
    """The live chat system parameters only take values the app can use."""

    _inherit = "ir.config_parameter"

    @api.constrains("key", "value")
    def _check_livechat_operator_inactivity_minutes(self):
        for param in self.filtered(lambda param: param.key == INACTIVITY_PARAM):
            value = (param.value or "").strip()
            if not value.isdigit() or int(value) <= 0:
                raise ValidationError(_(
                    'The system parameter %(key)s is the number of minutes without activity after which an '
                    'operator is disconnected: a whole number greater than 0 (for example 30), not "%(value)s".')
                    % {"key": INACTIVITY_PARAM, "value": param.value or ""})
