from odoo import _, api, fields, models


def count_label(count, one, other):
    """``one`` (no placeholder) when ``count`` is 1, else ``other`` % count: both translated by the caller.

    Odoo 11 has no ngettext; Romanian's "20 de sesiuni" form is left to the translation of ``other``."""
    return one if count == 1 else other % count


class LivechatChannel(models.Model):
    """The dashboard card's words: "1 session", "2 sessions"."""

    _inherit = "livechat.channel"

    session_count_label = fields.Char(string="Sessions", compute="_compute_session_count_label")

    @api.depends("session_count")
    def _compute_session_count_label(self):
        for channel in self:
            channel.session_count_label = count_label(channel.session_count, _("1 session"), _("%d sessions"))
