"""HTTP plumbing of the visitor API: plain JSON bodies, readable JSON errors, rate limits, language."""
import functools
import json
import logging
import threading
import time

from psycopg2 import IntegrityError, OperationalError, errorcodes
from psycopg2.pool import PoolError
from werkzeug.exceptions import ClientDisconnected

import odoo
from odoo import _
from odoo.exceptions import UserError, ValidationError
from odoo.http import Response, request
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

from ..models.livechat_input import file_max_bytes
from ..models.livechat_plural import plural_form
from ..models.mail_message import CLIENT_ID_INDEX

_logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
# A file's upload: one line of JSON (the token, the file's name, the client id), then the file's bytes.
UPLOAD_HEADER_MAX_BYTES = 4096
# A refused body shorter than this is read (and dropped) before the answer, so that a browser still
# sending it reads the 413 rather than a reset connection; a longer one is answered at once.
DRAIN_MAX_BYTES = 32 * 1024 * 1024
READ_CHUNK_BYTES = 64 * 1024
INT_MAX_DIGITS = 20
JSON_HEADERS = [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store")]
# The routes a third-party page calls: anyone may call them, cookies are never used.
# GET and the others reach the handler too, to be answered in JSON (405) rather than by Odoo's HTML page.
PUBLIC_API = dict(type="http", auth="public", csrf=False, cors="*")
# A client that keeps calling while refused gets its 429 this much later (threaded server), at most
# this many at once: a script retrying in a loop then costs the server almost nothing.
HOLD_BACK_SECONDS = 1.0
HOLD_BACK_MAX_WAITING = 64
_held_back = threading.BoundedSemaphore(HOLD_BACK_MAX_WAITING)


class ApiError(Exception):
    """An answer with an HTTP error status and a readable, translated message."""

    def __init__(self, status, code, message, headers=None, hold_back=0):
        super(ApiError, self).__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or []
        self.hold_back = hold_back


class CookielessResponse(Response):
    """A response that never carries Odoo's session cookie: the visitor API and the widget's
    assets use no web session, and cacheable answers must not set cookies."""

    def set_cookie(self, *args, **kwargs):
        pass


def json_response(data, status=200, headers=None):
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return CookielessResponse(body, status=status, headers=JSON_HEADERS + (headers or []))


def deferred_json_response(produce):
    """A 200 JSON answer whose data ``produce()`` gives only once Odoo's request has ended: while the
    server writes the body (a generator, sent chunked). What the request held (its web request and
    session, its cursor, its environments, the deep stack of Odoo's dispatch) is released meanwhile:
    a long-poll of the gevent process parked in ``produce`` costs little more than its connection.
    ``produce`` must not use ``request`` and manages its own environments (``api.Environment.manage``);
    an error it raises closes the connection (the client polls again)."""
    environ = request.httprequest.environ

    def body():
        environ.pop("werkzeug.request", None)  # the ended request, kept by the environ only
        yield json.dumps(produce(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    return CookielessResponse(body(), status=200, headers=JSON_HEADERS, direct_passthrough=True)


def error_response(status, code, message, headers=None):
    return json_response({"error": {"code": code, "message": message}}, status=status, headers=headers)


def held_back(response, seconds):
    """``response``, sent ``seconds`` later. The wait happens while the body is written, after Odoo
    has closed the request's cursor: it holds a thread, no database connection. Not in a prefork
    worker (it serves one request at a time) nor in tests; never more than HOLD_BACK_MAX_WAITING
    at once (the others are answered at once)."""
    if seconds <= 0 or (odoo.multi_process and not odoo.evented) or request.registry.in_test_mode():
        return response
    body = response.get_data()

    def later():
        if _held_back.acquire(blocking=False):
            try:
                time.sleep(seconds)
            finally:
                _held_back.release()
        yield body

    response.response = later()
    response.headers["Content-Length"] = str(len(body))
    return response


def read_at_most(stream, size):
    """Up to ``size`` bytes of ``stream`` (a chunked body's stream gives one chunk a read)."""
    chunks, length = [], 0
    while length < size:
        chunk = stream.read(size - length)
        if not chunk:
            break
        chunks.append(chunk)
        length += len(chunk)
    return b"".join(chunks)


def read_stream(size):
    """Up to ``size`` bytes of the request's body; a body that stops arriving (408) or that arrives
    cut (400) gets an answer that says so."""
    try:
        return read_at_most(request.httprequest.stream, size)
    except (OSError, ClientDisconnected) as error:
        # a prefork worker's socket times out on a client that stops sending (werkzeug's stream
        # reports it as a disconnection, the timeout as its context): the client's fault, said so
        if isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError):
            raise ApiError(408, "request_timeout", _("The request did not arrive in time: please try again."))
        raise ApiError(400, "request_incomplete", _("The request arrived incomplete: please try again."))


def drain_body():
    """Read and drop what is left of the request's body, up to DRAIN_MAX_BYTES: the client then
    reads the answer instead of a connection reset while it sends. Returns whether all was read."""
    length = request.httprequest.content_length
    if length is not None and length > DRAIN_MAX_BYTES:
        return False
    stream, read = request.httprequest.stream, 0
    try:
        while read <= DRAIN_MAX_BYTES:
            chunk = stream.read(READ_CHUNK_BYTES)
            if not chunk:
                return True
            read += len(chunk)
    except (OSError, ClientDisconnected):
        return False  # the client is gone: nobody reads the answer
    return False


def body_too_large(code, message):
    """The 413 of a body that is not read to its end (the rest is dropped, or the connection closed)."""
    drained = drain_body()
    return ApiError(413, code, message, headers=[] if drained else [("Connection", "close")])


def read_upload_body():
    """The JSON object of an upload's first line (``read_upload_file`` reads the file after it).

    Refused (413) before anything is read when the Content-Length is over the largest file allowed.
    """
    httprequest = request.httprequest
    max_bytes = file_max_bytes(request.env)
    if (httprequest.content_length or 0) > max_bytes + UPLOAD_HEADER_MAX_BYTES:
        raise body_too_large("file_too_large", request.env["livechat.session"]._file_too_large_text())
    cached = httprequest.environ.get("livechat.upload")
    if cached is None:
        head = read_stream(UPLOAD_HEADER_MAX_BYTES)
        line, newline, rest = head.partition(b"\n")
        if not newline:
            raise ApiError(400, "invalid_upload", _(
                "An upload starts with one line of JSON (the token and the file's name), then the file."))
        cached = httprequest.environ["livechat.upload"] = {"header": line, "rest": rest, "file": None}
    return json_object(cached["header"])


def read_upload_file():
    """The file's bytes of an upload (after ``read_upload_body``): 413 when they are more than the
    largest file allowed, found out from the Content-Length before they are read, and never reading
    more than one byte over it (a chunked body has no Content-Length)."""
    httprequest = request.httprequest
    cached = httprequest.environ["livechat.upload"]
    if cached["file"] is None:
        max_bytes = file_max_bytes(request.env)
        header_bytes = len(cached["header"]) + 1
        if httprequest.content_length is not None and httprequest.content_length - header_bytes > max_bytes:
            raise body_too_large("file_too_large", request.env["livechat.session"]._file_too_large_text())
        content = cached["rest"]
        if len(content) <= max_bytes:
            content += read_stream(max_bytes + 1 - len(content))
        if len(content) > max_bytes:
            raise body_too_large("file_too_large", request.env["livechat.session"]._file_too_large_text())
        # kept: Odoo replays the request after a concurrency error, and the stream is read once
        cached["file"] = content
    return cached["file"]


def read_json_body():
    """The JSON object of the request body (sent as text/plain or application/json).

    Never more than MAX_BODY_BYTES are read: a chunked body has no Content-Length to check first.
    """
    httprequest = request.httprequest
    if (httprequest.content_length or 0) > MAX_BODY_BYTES:
        raise ApiError(413, "request_too_large", _("The request is too large."))
    raw = httprequest.environ.get("livechat.body")
    if raw is None:
        raw = read_stream(MAX_BODY_BYTES + 1)
        # kept: Odoo replays the request after a concurrency error, and the stream is read once
        httprequest.environ["livechat.body"] = raw
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "request_too_large", _("The request is too large."))
    return json_object(raw)


def json_object(raw):
    """The JSON object ``raw`` (bytes) holds ({} when blank): 400 when it is not UTF-8 JSON, not an
    object, or holds text PostgreSQL cannot store. A request body's and an upload's first line."""
    try:
        data = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError(400, "invalid_json", _("The request body is not valid JSON."))
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", _("The request body must be a JSON object."))
    if not storable_text(data):
        raise ApiError(400, "invalid_text", _("The request contains characters that cannot be stored."))
    return data


def storable_text(value):
    """False when a string in ``value`` holds a NUL or an unpaired surrogate (PostgreSQL refuses both)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return False
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def answer(handler, reader, self, *args, **kwargs):
    """One try of a ``json_api`` route: its answer, or its error as a JSON answer (rolled back).
    ``reader``: what reads the request's JSON object (``read_json_body``, ``read_upload_body``)."""
    try:
        request.context = dict(request.context, lang=visitor_lang())
        data = reader()
        if data.get("lang"):
            request.context = dict(request.context, lang=visitor_lang(data["lang"]))
        return handler(self, data, *args, **kwargs)
    except ApiError as error:
        request.env.cr.rollback()
        return held_back(error_response(error.status, error.code, error.message, error.headers), error.hold_back)
    except (UserError, ValidationError) as error:
        request.env.cr.rollback()
        return error_response(400, "invalid", error.name if hasattr(error, "name") else str(error))
    except IntegrityError as error:
        if concurrent_resend(error):
            raise  # answered again by the wrapper
        _logger.exception("Live chat API error on %s", request.httprequest.path)
        request.env.cr.rollback()
        return error_response(500, "server_error", _("Something went wrong on our side; please try again."))
    except PoolError:
        # every connection of this process's pool stayed busy (patches/sql_db_pool.py waited): an
        # overload, not a bug; the widget tries again
        _logger.warning("Live chat API: connection pool full on %s", request.httprequest.path)
        if request._cr:  # no new cursor: there is none to be had
            request._cr.rollback()
        return error_response(503, "busy", _("The server is busy: please try again in a moment."),
                              [("Retry-After", "1")])
    except OperationalError as error:
        if error.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY:
            raise  # two requests wrote the same row (e.g. rate while leaving): Odoo replays this one
        _logger.exception("Live chat API error on %s", request.httprequest.path)
        request.env.cr.rollback()
        return error_response(500, "server_error", _("Something went wrong on our side; please try again."))
    except Exception:
        _logger.exception("Live chat API error on %s", request.httprequest.path)
        request.env.cr.rollback()
        return error_response(500, "server_error", _("Something went wrong on our side; please try again."))


def json_api(handler, reader=read_json_body):
    """Route decorator: JSON object in as ``data``, JSON out; errors become JSON with their HTTP status.

    Nothing half-done is kept: on any error the transaction is rolled back. ``reader``: what reads
    the JSON object (the body; an upload's first line, see ``upload_api``).
    """
    @functools.wraps(handler)
    def wrapper(self, *args, **kwargs):
        # the visitor API keeps no server-side web session: don't store one per request
        request.session.modified = False
        if request.httprequest.method != "POST":
            return error_response(405, "method_not_allowed",
                                  _("This address answers POST requests with a JSON object as body."),
                                  [("Allow", "POST, OPTIONS")])
        try:
            return answer(handler, reader, self, *args, **kwargs)
        except IntegrityError:
            # a request with the same client id stored the message and committed first: this one is its
            # resend, answered in a new transaction, which sees that message (Odoo 11 replays a request
            # after a serialization error, not after a unique violation)
            request.env.cr.rollback()
            request.env.clear()
        try:
            return answer(handler, reader, self, *args, **kwargs)
        except IntegrityError:
            _logger.exception("Live chat API error on %s", request.httprequest.path)
            request.env.cr.rollback()
            return error_response(500, "server_error", _("Something went wrong on our side; please try again."))
    return wrapper


def upload_api(handler):
    """Route decorator of an upload: ``json_api`` whose JSON object is the body's first line; the
    handler reads the file after it with ``read_upload_file`` (once it has checked the token and the
    rate)."""
    return json_api(handler, reader=read_upload_body)


def concurrent_resend(error):
    """True when ``error`` (an IntegrityError) is the unique index of messages' client ids: another
    request stored the same visitor's message (same client id) and committed first."""
    diag = getattr(error, "diag", None)
    return error.pgcode == errorcodes.UNIQUE_VIOLATION and getattr(diag, "constraint_name", None) == CLIENT_ID_INDEX


def int_param(data, key, required=True):
    value = data.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        # ASCII digits only ("²" is a digit int() refuses), and not thousands of them
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= INT_MAX_DIGITS:
            return int(value)
        raise ApiError(400, "invalid_%s" % key, _("The parameter %s must be a whole number.") % key)
    return value


def str_param(data, key, max_length=None, required=False):
    """The text ``key`` of the request body ('' when missing), cut at ``max_length`` when given: the
    caps of ``models/livechat_input.py``, applied once, where the input is stored or used."""
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise ApiError(400, "missing_%s" % key, _("The parameter %s is missing.") % key)
        return ""
    if not isinstance(value, str):
        raise ApiError(400, "invalid_%s" % key, _("The parameter %s must be text.") % key)
    return value[:max_length] if max_length else value


def rate_limited(wait, repeated=False):
    """The HTTP 429 answer: wait ``wait`` seconds (Retry-After) and try again. ``repeated``: the
    client was refused already and did not wait: the answer is held back a moment."""
    if wait > 1:
        message = plural_form(_("You are going too fast: please wait %d seconds and try again."), wait,
                              request and request.env.lang) % wait
    else:
        message = _("You are going too fast: please wait a second and try again.")
    # a third-party page's script reads Retry-After only if CORS exposes it
    headers = [("Retry-After", str(wait)), ("Access-Control-Expose-Headers", "Retry-After")]
    return ApiError(429, "rate_limited", message, headers=headers,
                    hold_back=min(wait, HOLD_BACK_SECONDS) if repeated else 0)


def check_rate(kind, key, **more):
    """HTTP 429 with Retry-After when ``key`` (an IP, a session id) went over the limit of ``kind``
    (a row of ``livechat_rate_limit.RATE_LIMITS``: its parameter and default live there only).

    ``more``: the request's other limits, ``kind=key``, checked after this one in the same
    transaction (``check_rate("post", session.id, post_ip=address)``). Counted in the database
    (livechat.rate.limit), shared by every worker of the server. The count is committed at once:
    call this before the handler writes anything. A key this process refused a moment ago is
    refused again at once, without database work.
    """
    checks = [(kind, key)] + list(more.items())
    for check_kind, check_key in checks:
        check_recent_refusal(check_kind, check_key)
    wait = request.env["livechat.rate.limit"].sudo()._check_rate(checks)
    if wait:
        raise rate_limited(wait)


def check_recent_refusal(kind, key):
    """HTTP 429 (held back a moment), without any database work, when this process refused ``key``
    a moment ago. ``check_rate`` starts with it; a route may also call it before its lookups."""
    wait = request.env["livechat.rate.limit"].sudo()._recently_refused(kind, str(key))
    if wait:
        raise rate_limited(wait, repeated=True)


def visitor_session(data, open_only=False):
    """The session (sudo) whose token the request body holds: HTTP 403 when there is none, or when
    ``open_only`` and it has ended."""
    session = request.env["livechat.session"]._find_by_token(data.get("token"))
    if not session:
        raise ApiError(403, "invalid_token", _("This conversation is unknown: it may have been deleted."))
    if open_only and session.state == "closed":
        raise ApiError(403, "session_closed", _("This conversation has ended."))
    return session


def visitor_lang(requested=None):
    """The installed language closest to the visitor's: the page's, else the browser's, else English."""
    installed = [code for code, _name in request.env["res.lang"].get_installed()]
    candidates = []
    if requested and isinstance(requested, str):
        candidates.append(requested)
    candidates += [value for value, _quality in request.httprequest.accept_languages]
    for candidate in candidates:
        code = candidate.replace("-", "_")
        for lang in installed:
            if lang.lower() == code.lower():
                return lang
        prefix = code.split("_")[0].lower()
        for lang in installed:
            if lang.split("_")[0].lower() == prefix:
                return lang
    return "en_US" if "en_US" in installed else (installed[0] if installed else "en_US")
