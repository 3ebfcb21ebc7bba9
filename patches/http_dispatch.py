"""``Root.dispatch`` (``odoo/http.py``), where every request enters Odoo's web layer: a reverse
proxy's headers, and the visitor's long-poll handled aside in the gevent process.

**The proxy's headers.** Under ``--proxy-mode``, every request takes the client's address, scheme
and host from the ``X-Forwarded-For``, ``X-Forwarded-Proto`` and ``X-Forwarded-Host`` headers of
the reverse proxy, whichever of them it sends. Odoo 11 applies werkzeug's ``ProxyFix`` only to a
request that has an ``X-Forwarded-Host`` header (``odoo/service/wsgi_server.application``), and the
werkzeug it runs on here (0.16) then applies ``X-Forwarded-For`` and ``-Proto`` but not ``-Host``.
Behind a proxy that sends only ``X-Forwarded-For`` (a common nginx set-up), every visitor had the
proxy's address: one rate-limit bucket for all, no GeoIP country; and the URLs built from the
request (the widget's long-poll URL) named the address the proxy connected to, which visitors
cannot reach. Under ``--proxy-mode`` (Odoo's switch for "behind a trusted proxy"), this sets the
request's address (``REMOTE_ADDR``), scheme (``wsgi.url_scheme``) and host (``HTTP_HOST``,
``SERVER_NAME``, ``SERVER_PORT``) from the last value of each header sent, the one the proxy in
front of Odoo added (nginx's ``$proxy_add_x_forwarded_for`` appends the address it saw: what a
client writes in the header itself comes before it and is not used). It reads the headers, never
the values Odoo's own ``ProxyFix`` may have set, so that both together give the same answer.
Without ``--proxy-mode`` nothing changes: a client cannot claim another address with the header.

**The visitor's long-poll, aside** (the gevent long-polling process only). A request to
``/longpolling/livechat/`` (``controllers/main.py``) runs Odoo's whole dispatch (routing,
``ir.http``, the controller) in a short-lived greenlet of its own, which ends once the answer is
built; the answer's body, the wait for events (``controllers/common.deferred_json_response``), is
then written by the connection's greenlet, whose stack never went deep. A greenlet keeps the
memory its deepest stack touched (Python 3.11's frame stack, allocated per greenlet) for as long as
it lives, and Odoo's dispatch is deep: a long-poll parked in the greenlet that ran it kept about
8 kB more (measured on a plain gevent server, 2,000 parked connections: 26 kB each after a deep
call in the same greenlet, 18 kB after the same call in a greenlet of its own). A shop with
thousands of widgets left open parks thousands of long-polls in this process (``bench/README.rst``,
*Scale*). At most half the process's connection pool (``--db_maxconn``) of them go through Odoo's
dispatch at once, the others waiting their turn on that shallow stack: when thousands come back
together (the bus timeout), they no longer pile up deep in Odoo waiting for a connection. One that
could not enter within 30 s, or whose connection pool stayed full, is answered 503 with
``Retry-After`` (an overload, not a bug: the widget waits and polls again; measured on two servers
with 10,000 idle visitors on a saturated machine, those long-polls got a 500). Every other request,
and every request of another process, is Odoo's as it was.

Why here: ``Root.dispatch`` is where every request of every server process (threaded, prefork
workers, gevent long-polling) enters Odoo's web layer, before anything reads the request; the
greenlet of a gevent connection is the server's (``WSGIHandler``), which calls Odoo's WSGI
application. The ``application`` function that chooses Odoo's ``ProxyFix`` is held by the servers
from before any addon is loaded: replacing it would reach none of them. In a process that loads the
addon only with its first request (see the package's docstring), that first request is not changed.

Drop the headers' part when porting to an Odoo whose own ``ProxyFix`` applies all three headers
(Odoo 17's does, with ``x_host=1``) and when the proxy always sends ``X-Forwarded-Host``
(``deploy/nginx-livechat.conf`` does); check that the ported version still ignores the headers
without ``--proxy-mode``. Drop the long-poll's part with Odoo 16 or later, whose long-polling
process serves WebSockets (the widget would use one).
"""
import logging

from psycopg2.pool import PoolError

import odoo
from odoo import api, http
from odoo.tools import config

from .replace import replace

_logger = logging.getLogger(__name__)

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")
SCHEMES = ("http", "https")
# the visitor's long-poll (controllers/main.POLL_PATH), dispatched aside in the gevent process
VISITOR_LONGPOLL_PREFIX = "/longpolling/livechat/"


def is_forwarded(environ):
    """Whether the request came through the trusted reverse proxy: ``--proxy-mode`` and at least
    one ``X-Forwarded-*`` header."""
    return bool(config.get("proxy_mode")) and any(environ.get(header) for header in FORWARDED_HEADERS)


def last_value(header):
    """The last of a header's comma-separated values (None when empty): the one the nearest proxy
    added."""
    value = (header or "").rsplit(",", 1)[-1].strip()
    return value or None


def apply_forwarded_headers(environ):
    """Set the WSGI ``environ``'s client address, scheme and host from the proxy's headers, in
    place, when ``is_forwarded``. Idempotent: the headers are read, not what was set before."""
    if not is_forwarded(environ):
        return environ
    address = last_value(environ.get("HTTP_X_FORWARDED_FOR"))
    if address:
        environ["REMOTE_ADDR"] = address
    scheme = (last_value(environ.get("HTTP_X_FORWARDED_PROTO")) or "").lower()
    if scheme in SCHEMES:
        environ["wsgi.url_scheme"] = scheme
    host = last_value(environ.get("HTTP_X_FORWARDED_HOST"))
    if host:
        environ["HTTP_HOST"] = host
        name, _colon, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
        if not name or not port.isdigit():
            name, port = host, ("443" if environ.get("wsgi.url_scheme") == "https" else "80")
        environ["SERVER_NAME"], environ["SERVER_PORT"] = name, port
    return environ


def dispatch(self, environ, start_response):
    apply_forwarded_headers(environ)
    if odoo.evented and environ.get("PATH_INFO", "").startswith(VISITOR_LONGPOLL_PREFIX):
        return dispatch_aside(self, environ, start_response)
    return dispatch.original(self, environ, start_response)


class LongPollGate(object):
    """How many visitors' long-polls go through Odoo's dispatch at once in the gevent process: half
    its connection pool (``--db_maxconn``; the other half for the long-polls' bus reads and the
    operators' web clients). Each needs one connection at a time, for a few milliseconds: the others
    wait here, on a shallow stack, rather than deep in Odoo for a connection."""

    def __init__(self):
        self._semaphore = None

    def acquire(self, timeout):
        if self._semaphore is None:
            from gevent.lock import BoundedSemaphore  # pylint: disable=import-outside-toplevel
            self._semaphore = BoundedSemaphore(max(1, int(config.get("db_maxconn") or 64) // 2))
        return self._semaphore.acquire(timeout=timeout)

    def release(self):
        self._semaphore.release()


LONGPOLL_GATE = LongPollGate()
# a long-poll that could not enter Odoo's dispatch in this time (an overloaded process) is answered
# 503 with Retry-After: the widget waits that long and polls again (it shows nothing: the text is for
# whoever reads the server's answers, not for the visitor)
LONGPOLL_GATE_SECONDS = 30.0
BUSY_BODY = b'{"error":{"code":"busy","message":"The server is busy: please try again in a moment."}}'
BUSY_HEADERS = [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store"),
                ("Retry-After", "1"), ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Expose-Headers", "Retry-After"), ("Content-Length", str(len(BUSY_BODY)))]


def dispatch_aside(root, environ, start_response):
    """Odoo's dispatch of a visitor's long-poll, in a greenlet of its own (gevent process only), at
    most ``LONGPOLL_GATE``'s number at once; 503 when the process is too busy to take it."""
    # only the gevent process has gevent loaded
    import gevent  # pylint: disable=import-outside-toplevel

    def run():
        with api.Environment.manage():  # the ORM's environments belong to a greenlet: its own
            return dispatch.original(root, environ, start_response)

    def busy(why):
        _logger.warning("Live chat: a visitor's long-poll answered 503: %s", why)
        start_response("503 Service Unavailable", list(BUSY_HEADERS))
        return [BUSY_BODY]

    if not LONGPOLL_GATE.acquire(timeout=LONGPOLL_GATE_SECONDS):
        return busy("it waited %d s to be served" % LONGPOLL_GATE_SECONDS)
    try:
        return gevent.spawn(run).get()
    except PoolError:
        # the connection pool stayed full (patches/sql_db_pool.py waited): an overload, not a bug
        return busy("the connection pool stayed full")
    finally:
        LONGPOLL_GATE.release()


def apply():
    replace(http.Root, "dispatch", dispatch)
