from odoo import _, api, fields, models

from .livechat_plural import plural_form


class LivechatChannel(models.Model):
    """The dashboard card's words: "1 session", "2 sessions"."""

    _inherit = "livechat.channel"

    session_count_label = fields.Char(string="Sessions", compute="_compute_session_count_label")

    @api.depends("session_count")
    def _compute_session_count_label(self):
        for channel in self:
            channel.session_count_label = channel._session_count_words(channel.session_count)

    @api.model
    def _session_count_words(self, count):
        """"1 session", "2 sessions", in the language of this environment."""
        if count == 1:
            return _("1 session")
        return plural_form(_("%d sessions"), count, self.env.lang) % count
