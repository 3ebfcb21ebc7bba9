"""What a visitor sends: the caps, the e-mail and web-address checks, and the cleaning, defined once.

Every length a visitor's input may have is written here and nowhere else: the controllers reject or
cut at these caps, the models check them, and the widget receives them (``WIDGET_LIMITS``, in the
answer of ``init``) so that it stops the visitor before the server has to.

What a visitor sends is stored as plain text: no control characters, no bidi overrides, no script
URLs. The cleaning is called by name by the code that stores the input (``livechat.session``'s
``_open_for_visitor`` and ``_post_visitor_message``, ``livechat.offline.message``'s
``_create_from_visitor``): it does not depend on how they are called.
"""
import re
from urllib.parse import urlsplit

from odoo.tools import single_email_re

# --- caps (characters) ------------------------------------------------------------------------
MESSAGE_MAX_LENGTH = 4000          # a chat message (rejected above: HTTP 413)
VISITOR_NAME_MAX_LENGTH = 64       # the name a visitor gives when the chat opens (cut)
VISITOR_UID_MAX_LENGTH = 64        # the random id the visitor's browser keeps (cut)
USER_AGENT_MAX_LENGTH = 512        # the browser's User-Agent, shown to operators (cut)
EMAIL_MAX_LENGTH = 254             # an e-mail address (RFC 5321; rejected above)
URL_MAX_LENGTH = 2048              # a page address (cut where it is only read, rejected where it is stored alone)
OFFLINE_NAME_MAX_LENGTH = 100      # the name on the offline form (rejected above)
OFFLINE_MESSAGE_MAX_LENGTH = 4000  # the message on the offline form (rejected above)
RATING_COMMENT_MAX_LENGTH = 2000   # the comment of a rating (cut)
CHATBOT_ANSWER_MAX_LENGTH = 1000   # an answer typed to the chatbot, as recorded (cut)
QUOTE_MAX_LENGTH = 100             # the visitor's input quoted back in an error message (cut)
CLIENT_ID_MAX_LENGTH = 64          # the id the widget gives a message, reused by its resends (rejected above)
VISITOR_EXTERNAL_ID_MAX_LENGTH = 64  # the host site's id of a signed visitor (a signature over a longer one fails)

# --- signed visitors (the host site's HMAC-SHA256 of its user, see signed_visitor_payload) -------
SIGNED_VISITOR_MAX_AGE = 24 * 3600  # s: a signature older than this is refused (limits its replay)
SIGNED_VISITOR_SKEW = 300           # s: a signature may be this much in the future (the site's clock)

# The caps the widget applies to what the visitor types (the server checks them again).
WIDGET_LIMITS = {
    "message": MESSAGE_MAX_LENGTH,
    "visitor_name": VISITOR_NAME_MAX_LENGTH,
    "email": EMAIL_MAX_LENGTH,
    "offline_name": OFFLINE_NAME_MAX_LENGTH,
    "offline_message": OFFLINE_MESSAGE_MAX_LENGTH,
    "rating_comment": RATING_COMMENT_MAX_LENGTH,
}

# --- cleaning ---------------------------------------------------------------------------------
# C0/C1 control characters (tab and newline are whitespace) and the bidi embedding, override and
# isolate controls (U+202A-U+202E, U+2066-U+2069) and marks: in a name shown inline ("Visitor #3 left
# the conversation.") an unclosed RIGHT-TO-LEFT OVERRIDE would reverse the text after it.
LINE_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# in a message, newlines, tabs and the bidi marks of right-to-left writing stay; control characters
# and bidi overrides go (an override makes "gnp.exe" read "exe.png")
TEXT_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
SPACES = re.compile(r"\s+")
WEB_SCHEMES = ("http", "https")
# a message's client id: a short ASCII token (the widget sends 32 hexadecimal digits)
CLIENT_ID = re.compile(r"[A-Za-z0-9_-]+\Z")


def is_email(text):
    """True for one e-mail address of at most EMAIL_MAX_LENGTH characters."""
    return isinstance(text, str) and len(text) <= EMAIL_MAX_LENGTH and bool(single_email_re.match(text))


def is_client_id(value):
    """True for a message's client id: 1 to CLIENT_ID_MAX_LENGTH ASCII letters, digits, '-' or '_'.

    The widget gives each message one, and every resend of that message (its answer was lost) the
    same: the server stores the message once per session and answers a resend as it answered the first.
    """
    return isinstance(value, str) and 0 < len(value) <= CLIENT_ID_MAX_LENGTH and bool(CLIENT_ID.match(value))


def is_web_url(url):
    """True for an http(s) address with a host: the backend shows pages as links, never a script URL."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def clean_line(value, max_length=None):
    """One line of plain text: control and bidi characters removed, whitespace collapsed, cut at ``max_length``."""
    if not isinstance(value, str):
        return ""
    value = SPACES.sub(" ", LINE_UNSAFE.sub(" ", value)).strip()
    return value[:max_length] if max_length else value


def clean_text(value):
    """Text as the visitor wrote it, without control characters and bidi overrides."""
    return TEXT_UNSAFE.sub("", value) if isinstance(value, str) else ""


def without_fragment(url):
    """``url`` without its ``#fragment``: the part of an address a page keeps for itself, where
    single-page sites and log-in flows put state and tokens that operators have no use for."""
    return url.split("#", 1)[0]


def clean_url(value, max_length=URL_MAX_LENGTH):
    """An http(s) URL without control characters nor fragment, else '' (a javascript: URL is no page)."""
    value = without_fragment(clean_line(value, max_length))
    return value if is_web_url(value) else ""


def clean_visitor(values):
    """The visitor's name, browser id, page and user agent of a new session, cleaned and cut (None when empty)."""
    cleaners = {
        "visitor_name": lambda value: clean_line(value, VISITOR_NAME_MAX_LENGTH),
        "visitor_uid": lambda value: clean_line(value, VISITOR_UID_MAX_LENGTH),
        "page_url": clean_url,
        "user_agent": lambda value: clean_line(value, USER_AGENT_MAX_LENGTH),
    }
    return {name: (cleaners[name](value) or None) if name in cleaners and value else value
            for name, value in values.items()}


def clean_offline(values):
    """The name, message, page and browser id of an offline message, cleaned (None when empty)."""
    cleaners = {
        "name": clean_line,
        "message": clean_text,
        "page_url": clean_url,
        "visitor_uid": lambda value: clean_line(value, VISITOR_UID_MAX_LENGTH),
    }
    return {name: (cleaners[name](value) or None) if name in cleaners and value else value
            for name, value in values.items()}


def signed_visitor_payload(external_id, name, email, timestamp):
    """The text a host site signs (HMAC-SHA256 with its channel's secret, hexadecimal) to vouch for its
    user: id, name, e-mail and a Unix timestamp in seconds, each on its own line, as UTF-8::

        "42\nAna Pop\nana@example.com\n1765000000"

    None when a value cannot be signed unambiguously (not text, a line break in it, a timestamp that is
    not an integer): such an identity is never verified."""
    values = (external_id, name, email)
    if not all(isinstance(value, str) for value in values) or isinstance(timestamp, bool) \
            or not isinstance(timestamp, int) or any("\n" in value or "\r" in value for value in values):
        return None
    return "\n".join(values + (str(timestamp),)).encode("utf-8")
