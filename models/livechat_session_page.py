from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .livechat_input import URL_MAX_LENGTH, is_web_url, without_fragment

MAX_PAGES_PER_SESSION = 50


class LivechatSessionPage(models.Model):
    """A page the visitor opened during a conversation, as reported by the widget."""

    _name = "livechat.session.page"
    _description = "Live Chat Visited Page"
    _order = "visit_date, id"

    session_id = fields.Many2one("livechat.session", string="Session", required=True, index=True,
                                 ondelete="cascade")
    url = fields.Char(string="Page", required=True)
    visit_date = fields.Datetime(string="Visited On", required=True, default=fields.Datetime.now)

    @api.model
    def _clean_url(self, url):
        """The page address as stored: an http(s) address of at most URL_MAX_LENGTH characters, without
        its fragment.

        Raises ValidationError with a readable message for anything else.
        """
        if not isinstance(url, str) or not url.strip():
            raise ValidationError(_("The address of the visited page is missing."))
        url = url.strip()
        if len(url) > URL_MAX_LENGTH:
            raise ValidationError(_("The address of the visited page is too long: at most %d characters.")
                                  % URL_MAX_LENGTH)
        if any(ord(char) < 32 or ord(char) == 127 for char in url):
            raise ValidationError(_("The address of the visited page contains invalid characters."))
        if not is_web_url(url):
            raise ValidationError(_("The visited page must be a web address starting with http:// or https://."))
        return without_fragment(url)
