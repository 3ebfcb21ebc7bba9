"""What a visitor sends: the caps, the e-mail and web-address checks, and the cleaning, defined once.

Every length a visitor's input may have is written here and nowhere else: the controllers reject or
cut at these caps, the models check them, and the widget receives them (``WIDGET_LIMITS``, in the
answer of ``init``) so that it stops the visitor before the server has to.

What a visitor sends is stored as plain text: no control characters, no bidi overrides, no script
URLs. The cleaning is called by name by the code that stores the input (``livechat.session``'s
``_open_for_visitor`` and ``_post_visitor_message``, ``livechat.offline.message``'s
``_create_from_visitor``): it does not depend on how they are called.
"""
import io
import re
import zipfile
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
NOTE_MAX_LENGTH = 4000             # an operator's internal note on a conversation (rejected above)
TAG_NAME_MAX_LENGTH = 40           # the name of a conversation tag (rejected above)
# typing indicators, both sides (livechat_events ``typing``): said at once when typing starts, renewed
# this often while it goes on, a stop event after this many idle seconds or when the input empties (a
# sent message ends it by itself: the receiver forgets the sender's typing when his message arrives),
# and the receiver forgets an indicator not renewed in time (a stop lost with a closed tab)
TYPING_INTERVAL_SECONDS = 10
TYPING_IDLE_SECONDS = 5
TYPING_EXPIRE_SECONDS = 15

# --- files (bytes) -----------------------------------------------------------------------------
FILE_MAX_BYTES = 10 * 1024 * 1024  # a file a visitor sends (rejected above: HTTP 413)
FILE_MAX_BYTES_PARAM = "livechat.file_max_bytes"  # the system parameter that changes it (0: no file)
FILE_NAME_MAX_LENGTH = 100         # a file's name, as stored and shown (cut, its extension kept)

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
    "typing_interval": TYPING_INTERVAL_SECONDS,
    "typing_idle": TYPING_IDLE_SECONDS,
    "typing_expire": TYPING_EXPIRE_SECONDS,
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


# --- files ------------------------------------------------------------------------------------
# What a visitor may send, recognised by its content (magic bytes), never by its name nor by the
# type the browser declares: (kind, mimetype, extensions; the first is added to a name without one
# of them). Raster images of these four types are the only files a browser is shown inline
# (``SAFE_IMAGE_TYPES``); every other file is served as a download.
FILE_TYPES = (
    ("png", "image/png", ("png",)),
    ("jpeg", "image/jpeg", ("jpg", "jpeg", "jpe")),
    ("gif", "image/gif", ("gif",)),
    ("webp", "image/webp", ("webp",)),
    ("pdf", "application/pdf", ("pdf",)),
    ("text", "text/plain", ("txt", "text", "log", "csv", "md")),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",)),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
    ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",)),
    ("odt", "application/vnd.oasis.opendocument.text", ("odt",)),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
    ("odp", "application/vnd.oasis.opendocument.presentation", ("odp",)),
    ("doc", "application/msword", ("doc",)),
    ("xls", "application/vnd.ms-excel", ("xls",)),
    ("ppt", "application/vnd.ms-powerpoint", ("ppt",)),
    ("zip", "application/zip", ("zip",)),
)
FILE_TYPE = {kind: (mimetype, extensions) for kind, mimetype, extensions in FILE_TYPES}
SAFE_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
# The types a browser may declare for the accepted files (the widget's own pre-check and its file
# picker; the server decides by content): the accepted ones and their usual aliases.
DECLARED_FILE_TYPES = tuple(mimetype for _kind, mimetype, _ext in FILE_TYPES) + (
    "image/jpg", "image/pjpeg", "text/csv", "text/markdown", "text/x-log", "application/x-zip-compressed",
    "application/x-zip", "application/vnd.ms-office",
)
FILE_EXTENSIONS = tuple(ext for _kind, _mimetype, extensions in FILE_TYPES for ext in extensions)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of the older office formats
OLE2_KINDS = {"doc": "doc", "dot": "doc", "xls": "xls", "xlt": "xls", "ppt": "ppt", "pps": "ppt"}
ODF_KINDS = {"application/vnd.oasis.opendocument.text": "odt",
             "application/vnd.oasis.opendocument.spreadsheet": "ods",
             "application/vnd.oasis.opendocument.presentation": "odp"}
OOXML_KINDS = (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx"))
# office documents whose macros run when opened: refused (a zip member OOXML uses for them)
MACRO_MEMBERS = re.compile(r"(^|/)vbaProject\.bin$", re.I)
# text that a browser would read as markup (HTML, SVG, XML): what starts with "<", after a BOM and blanks
MARKUP_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<")
# control characters no text file holds (a text's tabs, line breaks and form feeds stay)
TEXT_FILE_UNSAFE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
FILE_HEAD_BYTES = 16  # enough of a file's start to tell a safe image by its magic bytes
NAME_UNSAFE = re.compile(r'[\\/:*?"<>|]')


def file_max_bytes(env):
    """The largest file a visitor may send, in bytes: the system parameter FILE_MAX_BYTES_PARAM (0
    turns files off), else FILE_MAX_BYTES."""
    value = env["ir.config_parameter"].sudo().get_param(FILE_MAX_BYTES_PARAM, FILE_MAX_BYTES)
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return FILE_MAX_BYTES


def file_limits(env):
    """The file limits the widget receives in ``init`` (with WIDGET_LIMITS): the largest size, in
    bytes, and the types a browser may declare for an accepted file (with their extensions)."""
    return {
        "file_size": file_max_bytes(env),
        "file_types": list(DECLARED_FILE_TYPES),
        "file_extensions": list(FILE_EXTENSIONS),
    }


def image_kind(head):
    """'png', 'jpeg', 'gif' or 'webp' when ``head`` (a file's first bytes) starts one, else None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _zip_kind(content):
    """The kind of a zip archive: an OOXML or ODF office document, a plain zip; None when it cannot
    be read or holds macros."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if any(MACRO_MEMBERS.search(name) for name in names):
                return None
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                kind = ODF_KINDS.get(archive.read("mimetype").decode("ascii", "replace").strip())
                if kind:
                    return kind
            if "[Content_Types].xml" in names:
                for prefix, kind in OOXML_KINDS:
                    if any(name.startswith(prefix) for name in names):
                        return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, RuntimeError, NotImplementedError):
        return None
    return "zip"


def _is_plain_text(content):
    """UTF-8 text without NUL nor control characters (tabs and line breaks apart), that a browser
    would not read as markup."""
    if MARKUP_START.match(content[:1024]):
        return False
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not TEXT_FILE_UNSAFE.search(text)


def file_kind(content, name=""):
    """The kind (a key of FILE_TYPE) of the file ``content`` (bytes), decided by what it holds, or
    None when it is none of them (HTML, SVG, scripts, programs... whatever its name says).

    ``name`` only tells the older office formats apart (a .doc, .xls or .ppt: one container, OLE2);
    it never makes a file acceptable.
    """
    if not content:
        return None
    head = content[:FILE_HEAD_BYTES]
    kind = image_kind(head)
    if kind:
        return kind
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(content)
    if head.startswith(OLE2_MAGIC):
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        return OLE2_KINDS.get(extension, "doc")
    if _is_plain_text(content):
        return "text"
    return None


def clean_file_name(name, kind):
    """A file's name as stored and shown: one line, no folder, no character a file system refuses,
    at most FILE_NAME_MAX_LENGTH characters, and ending with an extension of its ``kind`` (added
    when the name has another one: an HTML file's name never ends in .html)."""
    mimetype, extensions = FILE_TYPE[kind]
    name = clean_line(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = NAME_UNSAFE.sub("_", name).strip(" .") or "file"
    stem, dot, extension = name.rpartition(".")
    if not dot or extension.lower() not in extensions:
        stem, extension = name, extensions[0]
    stem = stem[:FILE_NAME_MAX_LENGTH - len(extension) - 1].rstrip(" .") or "file"
    return "%s.%s" % (stem, extension)


def format_size(size):
    """A size in bytes as people read it: '830 B', '12.5 kB', '10 MB' (units of 1,024)."""
    for unit in ("B", "kB", "MB"):
        if size < 1024 or unit == "MB":
            text = ("%.1f" % size).rstrip("0").rstrip(".") if unit != "B" else str(int(size))
            return "%s %s" % (text, unit)
        size /= 1024.0
    return ""


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
