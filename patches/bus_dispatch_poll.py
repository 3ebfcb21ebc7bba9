"""``ImDispatch.poll`` (Odoo's bus long-poll, ``bus/models/bus.py``) registers its wake-up first.

What it changes: Odoo 11's ``ImDispatch.poll`` reads the bus, then registers the event the
dispatcher sets when a ``NOTIFY imbus`` arrives. A notification committed between the read and the
registration wakes nobody: the poll waits Odoo's bus timeout (50 s) although a message is there.
The replacement registers the event for every channel first, then reads, and waits only when the
read found nothing; it unregisters in all cases. Each read opens the ORM's environments it needs
and closes them: a poll may wait outside any request (the visitor's long-poll in the gevent
process waits once Odoo's request has ended, ``controllers/common.deferred_json_response``).
Everything else is Odoo's: ``peek``, the final read with ``force_status``, the daemonic request
thread of the threaded server.

Why here: ``ImDispatch`` is a plain class, instantiated once per process as ``bus.dispatch``; no
model or controller of the addon can change it. It serves every bus client (Odoo's web client and
the visitor's long-poll of ``controllers/main.py``), so the fix helps operators too.

Drop when porting to Odoo 16 or later because their clients get the bus over a WebSocket
(``/websocket``, ``ir.websocket``), not from ``ImDispatch.poll``; check there that a notification
committed while a client subscribes still reaches it (``tests/test_bus.py`` says what must hold).
"""
import contextlib
import threading

import odoo
from odoo import api
from odoo.addons.bus.models import bus as odoo_bus

from .replace import replace


def poll_listening_first(self, dbname, channels, last, options=None, timeout=odoo_bus.TIMEOUT):
    """``ImDispatch.poll`` that registers its wake-up before reading the bus: none is missed."""
    options = options or {}
    if not odoo.evented:
        current = threading.current_thread()
        current._daemonic = True  # don't hold Ctrl-C for a long-poll
        current.name = "openerp.longpolling.request.%s" % current.ident
    registry = odoo.registry(dbname)

    def read(force_status=False):
        # environments only while reading: a long-poll parked here holds none (nor does it need an
        # enclosing ``Environment.manage()``, see controllers/common.deferred_json_response)
        with api.Environment.manage(), registry.cursor() as cr:
            return api.Environment(cr, odoo.SUPERUSER_ID, {})["bus.bus"].poll(
                channels, last, options, force_status=force_status)

    if options.get("peek"):
        return dict(notifications=read(), channels=channels)
    if not self.started:
        self.start()
    event = self.Event()
    keys = [odoo_bus.hashable(channel) for channel in channels]
    for key in keys:
        self.channels.setdefault(key, []).append(event)
    try:
        notifications = read()
        if not notifications:
            event.wait(timeout=timeout)
            notifications = read(force_status=True)
        return notifications
    finally:
        for key in keys:
            waiting = self.channels.get(key) or []
            # the dispatcher may take the list meanwhile: remove only what is still there
            with contextlib.suppress(ValueError):
                waiting.remove(event)


def apply():
    replace(odoo_bus.ImDispatch, "poll", poll_listening_first)
