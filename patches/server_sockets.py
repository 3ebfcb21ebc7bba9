"""The sockets of Odoo 11's servers: no Nagle delay on answers, a listen backlog for bursts.

What it changes, server by server (every socket Odoo 11 opens to serve HTTP):

* **The gevent long-polling server** (prefork mode, ``--longpolling-port``): its connections get
  ``TCP_NODELAY``. Odoo 11 leaves Nagle's algorithm on there: when a long-poll returns, its answer
  leaves in more than one write, the second waits for the client's ACK of the first, and the
  client delays that ACK (about 40 ms on Linux). Measured on loopback with ``--workers=2``: the
  notification of a visitor's message came back from his parked long-poll 46-49 ms after the
  post was answered, 4-5 ms with ``TCP_NODELAY``. Set in ``WSGIHandler.handle_one_request``, once
  per connection, so that a connection accepted before the patch is applied in its process (the
  request that loads the registry) gets it from its next request on.
* **The threaded server** (``--workers=0``, werkzeug): its request handler gets
  ``disable_nagle_algorithm`` (the standard library's switch for ``TCP_NODELAY``), for the same
  reason: the long-poll and the API answers are small writes that must not wait for an ACK.
* **The prefork HTTP workers** already set ``TCP_NODELAY`` on every connection they accept
  (``WorkerHTTP.process_request``): nothing to change. Their shared listening socket gets a
  larger backlog: Odoo listens with 8 per worker (16 with 2 workers), and a burst of visitors
  opening their chat at once got connection resets (``bench/README.rst``); it queues up to
  ``LISTEN_BACKLOG`` connections (at least 8 per worker, as Odoo does), as a reverse proxy in
  front would. ``listen()`` again on a listening socket only changes its backlog, so whichever
  process of the server applies this first (the master with ``-d``, else a worker) raises it
  for all; the kernel caps it at ``net.core.somaxconn``. When the addon is a server-wide module
  (``--load=base,web,livechat``, as for several servers) it is patched before the server listens:
  ``PreforkServer.start`` raises the backlog once it has listened (the benchmark's scale part, run
  that way, got connection resets at 50 concurrent opens without it).

Why here: the servers are built by ``odoo.service.server`` before any addon runs; no extension
point reaches their sockets.

Drop when porting to Odoo 16 or later for the gevent part, because the long-polling server there
serves WebSockets (check that the ported version's ``gevent`` server sets ``TCP_NODELAY``, as
Odoo's prefork workers do); drop the threaded part when the ported version's ``RequestHandler``
sets ``disable_nagle_algorithm``; drop the backlog when the ported version takes it from the
configuration (or when a reverse proxy queues the connections).
"""
import socket

import odoo
from odoo.service import server as odoo_server

from .replace import replace

LISTEN_BACKLOG = 128


def set_nodelay(sock):
    """``TCP_NODELAY`` on a TCP socket (another kind of socket, or a closed one, is left alone)."""
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except (OSError, AttributeError):
        return False
    return True


def handle_one_request(self):
    """gevent's ``WSGIHandler.handle_one_request``, on a connection without Nagle's algorithm."""
    if not getattr(self, "livechat_nodelay", False):
        self.livechat_nodelay = True
        set_nodelay(self.socket)
    return handle_one_request.original(self)


def _patch_gevent():
    if not odoo.evented:
        return  # gevent's server runs only in the long-polling process (``odoo-bin gevent``)
    from gevent import pywsgi
    replace(pywsgi.WSGIHandler, "handle_one_request", handle_one_request)


def _patch_threaded():
    odoo_server.RequestHandler.disable_nagle_algorithm = True


def listen_backlog(population):
    return max(LISTEN_BACKLOG, 8 * population)


def prefork_start(self, *args, **kwargs):
    """``PreforkServer.start``, then the larger backlog: when the addon is a server-wide module
    (``--load=base,web,livechat``) it is loaded, and patched, before the server has a socket."""
    result = prefork_start.original(self, *args, **kwargs)
    _raise_prefork_backlog(self)
    return result


def _raise_prefork_backlog(server=None):
    server = server or getattr(odoo_server, "server", None)
    if not isinstance(server, odoo_server.PreforkServer) or getattr(server, "socket", None) is None:
        return
    if getattr(server, "livechat_backlog", None) == listen_backlog(server.population):
        return
    try:
        server.socket.listen(listen_backlog(server.population))
    except OSError:
        return  # closed (the server is stopping): nothing to tune
    server.livechat_backlog = listen_backlog(server.population)


def apply():
    _patch_gevent()
    _patch_threaded()
    replace(odoo_server.PreforkServer, "start", prefork_start)
    _raise_prefork_backlog()
