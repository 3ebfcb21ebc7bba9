from odoo import models

from odoo.addons.base.ir.ir_translation import IrTranslation as BaseIrTranslation


class IrTranslation(models.Model):
    """A translation of a channel's texts (button, welcome...) or of a bot's name changes what the
    widget shows, whose answer is cached (``livechat.session._widget_init``): Odoo clears its caches
    when a translation of these models changes, as it does for views and fields."""

    _inherit = "ir.translation"

    CACHED_MODELS = BaseIrTranslation.CACHED_MODELS | {
        "livechat.channel", "livechat.channel.rule", "livechat.chatbot.script", "livechat.chatbot.step"}
