"""What a visitor sends is stored as plain text: no control characters, no bidi overrides, no script URLs."""
import re
from urllib.parse import urlsplit

from odoo import _, api, models
from odoo.exceptions import UserError, ValidationError

from .livechat_offline_message import is_web_url

# C0/C1 control characters (tab and newline are whitespace) and the bidi embedding, override and
# isolate controls (U+202A-U+202E, U+2066-U+2069) and marks: in a name shown inline ("Visitor #3 left
# the conversation.") an unclosed RIGHT-TO-LEFT OVERRIDE would reverse the text after it.
LINE_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# in a message, newlines, tabs and the bidi marks of right-to-left writing stay; control characters
# and bidi overrides go (an override makes "gnp.exe" read "exe.png")
TEXT_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
SPACES = re.compile(r"\s+")
URL_SCHEMES = ("http", "https")


def clean_line(value, max_length=None):
    """One line of plain text: control and bidi characters removed, whitespace collapsed."""
    if not isinstance(value, str):
        return ""
    value = SPACES.sub(" ", LINE_UNSAFE.sub(" ", value)).strip()
    return value[:max_length] if max_length else value


def clean_text(value):
    """Text as the visitor wrote it, without control characters and bidi overrides."""
    return TEXT_UNSAFE.sub("", value) if isinstance(value, str) else ""


def clean_url(value, max_length=2048):
    """An http(s) URL without control characters, else '' (a javascript: URL is no page)."""
    value = clean_line(value, max_length)
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    return value if parts.scheme.lower() in URL_SCHEMES and parts.netloc else ""


VISITOR_ARGUMENTS = {
    "visitor_name": lambda value: clean_line(value, 64),
    "visitor_uid": lambda value: clean_line(value, 64),
    "page_url": clean_url,
    "user_agent": lambda value: clean_line(value, 512),
}


class LivechatSession(models.Model):
    """The visitor's name, page URL, user agent and messages are cleaned before they are stored."""

    _inherit = "livechat.session"

    @api.model
    def _open_for_visitor(self, channel, *args, **kwargs):
        for name, clean in VISITOR_ARGUMENTS.items():
            if kwargs.get(name):
                kwargs[name] = clean(kwargs[name]) or None
        return super(LivechatSession, self)._open_for_visitor(channel, *args, **kwargs)

    @api.constrains("page_url")
    def _check_page_url(self):
        # operators may write sessions, and the backend shows the page as a link: never a script URL
        if any(session.page_url and not is_web_url(session.page_url) for session in self):
            raise ValidationError(_("The page a chat started on must be an http(s) address."))

    def _post_visitor_message(self, body):
        body = clean_text(body)
        if not body.strip():
            raise UserError(_("Write a message before sending it."))
        return super(LivechatSession, self)._post_visitor_message(body)


class LivechatOfflineMessage(models.Model):
    """The name, page and message a visitor leaves while nobody is available: cleaned the same way."""

    _inherit = "livechat.offline.message"

    @api.model
    def _create_from_visitor(self, channel, *args, **kwargs):
        for name, clean in (("name", clean_line), ("message", clean_text), ("page_url", clean_url),
                            ("visitor_uid", VISITOR_ARGUMENTS["visitor_uid"])):
            if kwargs.get(name):
                kwargs[name] = clean(kwargs[name]) or None
        return super(LivechatOfflineMessage, self)._create_from_visitor(channel, *args, **kwargs)
