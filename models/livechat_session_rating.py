from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .livechat_input import RATING_COMMENT_MAX_LENGTH

RATING_SELECTION = [
    ("happy", "Happy"),
    ("neutral", "Neutral"),
    ("unhappy", "Unhappy"),
]
RATING_EMOJI = {"happy": "\U0001F60A", "neutral": "\U0001F610", "unhappy": "\U0001F61E"}


class LivechatSession(models.Model):
    """The visitor rates the conversation at its end: happy, neutral or unhappy, with a comment."""

    _inherit = "livechat.session"

    rating = fields.Selection(RATING_SELECTION, string="Rating", index=True, readonly=True, copy=False)
    rating_comment = fields.Text(string="Rating Comment", readonly=True, copy=False)
    rating_date = fields.Datetime(string="Rated on", readonly=True, copy=False)

    def _rate(self, rating, comment=""):
        """Record the visitor's rating and show it to the operator in the conversation."""
        self.ensure_one()
        if rating not in RATING_EMOJI:
            raise UserError(_("Choose how the conversation went: happy, neutral or unhappy."))
        if not self.operator_id:
            raise UserError(_("Only a conversation with an operator can be rated."))
        comment = (comment or "").strip()[:RATING_COMMENT_MAX_LENGTH]
        session = self.sudo()
        session.write({
            "rating": rating,
            "rating_comment": comment or False,
            "rating_date": fields.Datetime.now(),
        })
        if session.mail_channel_id:
            text = session.with_context(lang=session.operator_id.lang)._rating_text()
            session._post(text, kind="system")
        return True

    def _rating_text(self):
        """The notice the operator reads in the conversation, in the language of the context."""
        self.ensure_one()
        label = dict(self._fields["rating"]._description_selection(self.env))[self.rating]
        text = _("%(visitor)s rated the conversation: %(emoji)s %(rating)s") % {
            "visitor": self.visitor_name, "emoji": RATING_EMOJI[self.rating], "rating": label}
        if self.rating_comment:
            text += "\n" + _("Comment: %s") % self.rating_comment
        return text

    @api.model
    def _rating_widget_texts(self):
        """The words of the rating form shown when the conversation ends (part of the widget's texts)."""
        return {
            "rating_question": _("How was the conversation?"),
            "rating_happy": _("Happy"),
            "rating_neutral": _("Neutral"),
            "rating_unhappy": _("Unhappy"),
            "rating_comment": _("Tell us more (optional)"),
            "rating_send": _("Send my rating"),
            "after_close": _("Close"),
        }
