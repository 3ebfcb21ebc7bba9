"""Every change this addon makes to Odoo 11 itself, in one place.

Odoo's extension points (models with ``_inherit``, controllers) cover almost everything the addon
does; what they cannot reach is process-wide: the HTTP layer that runs before any database is
chosen (what a reverse proxy's headers mean, how a request is built, the cookies of the answer),
the bus' long-polling dispatcher and the servers' sockets. Those few objects are replaced here,
one module per patched Odoo object, each saying what it changes, why, and when a port may drop it.
A normal model override (``models/ir_http.py``, ``models/mail_channel.py``, ...) is not a patch
and stays with its model.

``apply()`` is the manifest's ``post_load`` hook (``__init__.post_load``): Odoo 11 calls it right
after it imports the addon, once per process, whenever the addon is loaded:

* with ``-d`` (``./run``, ``./test``, the benchmark), when the server preloads the database's
  registry at start-up, before it serves anything; in prefork, in the master, before it forks
  the HTTP workers, which inherit the patched objects;
* in a process that loads the database only on its first request (the gevent long-polling
  process of a prefork server, a server started without ``-d``), during that first request, once
  its registry is loaded. A server-wide module (``--load=base,web,livechat``, or
  ``server_wide_modules`` in the configuration file) is loaded before any request instead: that
  setting makes every process patched from its start. Without it, the request that loads the
  registry may still be built by Odoo's own ``Root.get_request`` (``models/ir_http.py`` covers it)
  and its connection keeps Nagle's algorithm until its next request (``server_sockets``).

Each patch is applied once per process (its replacement carries a marker; a second ``apply()``
changes nothing) and keeps the original it wraps as ``.original``.
"""
from . import bus_dispatch_poll
from . import http_dispatch
from . import http_get_request
from . import http_get_response
from . import server_sockets
from . import sql_db_pool

PATCHES = (bus_dispatch_poll, http_dispatch, http_get_request, http_get_response, server_sockets, sql_db_pool)


def apply():
    """Apply every patch (idempotent)."""
    for patch in PATCHES:
        patch.apply()
