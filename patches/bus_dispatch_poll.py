"""``ImDispatch.poll`` (Odoo's bus long-poll, ``bus/models/bus.py``) registers its wake-up first,
and answers a "seen" with what comes next.

What it changes: Odoo 11's ``ImDispatch.poll`` reads the bus, then registers the event the
dispatcher sets when a ``NOTIFY imbus`` arrives. A notification committed between the read and the
registration wakes nobody: the poll waits Odoo's bus timeout (50 s) although a message is there.
The replacement registers the event for every channel first, then reads, and waits only when the
read found nothing; it unregisters in all cases. Each read opens the ORM's environments it needs
and closes them: a poll may wait outside any request (the visitor's long-poll in the gevent
process waits once Odoo's request has ended, ``controllers/common.deferred_json_response``).
What it adds: a poll that found only news that can wait ("seen", either way:
``livechat_events.is_deferrable``) keeps waiting, up to ``SEEN_DEFER_SECONDS`` after that news, for
something to answer with it. "Seen" follows every reply read at once, and each one ended the other
side's long-poll, which then came back as a new request: with 20 conversations typing, 2.4 ms of
Odoo CPU per message more than quiet ones, 0.6 ms with the deferral (``bench/README.rst``, "Seen,
deferred"). Everything else is Odoo's: ``peek``, the final read with ``force_status``, the daemonic
request thread of the threaded server.

Why here: ``ImDispatch`` is a plain class, instantiated once per process as ``bus.dispatch``; no
model or controller of the addon can change it. It serves every bus client (Odoo's web client and
the visitor's long-poll of ``controllers/main.py``), so the fix helps operators too.

Drop when porting to Odoo 16 or later because their clients get the bus over a WebSocket
(``/websocket``, ``ir.websocket``), not from ``ImDispatch.poll``; check there that a notification
committed while a client subscribes still reaches it (``tests/test_bus.py`` says what must hold).
A WebSocket carries a "seen" without a new request: the deferral has nothing to save there.
"""
import contextlib
import threading
import time

import odoo
from odoo import api
from odoo.addons.bus.models import bus as odoo_bus

from ..models.livechat_events import SEEN_DEFER_SECONDS, is_deferrable
from .replace import replace


def poll_listening_first(self, dbname, channels, last, options=None, timeout=odoo_bus.TIMEOUT):
    """``ImDispatch.poll`` that registers its wake-up before reading the bus: none is missed. What
    it found that can wait for company ("seen", ``livechat_events.is_deferrable``) it answers with
    what comes next, or after ``SEEN_DEFER_SECONDS``."""
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
    keys = [odoo_bus.hashable(channel) for channel in channels]
    deadline = time.monotonic() + timeout
    woken = False
    while True:
        # the dispatcher takes the lists of the channels it wakes: a new registration at each turn
        event = self.Event()
        for key in keys:
            self.channels.setdefault(key, []).append(event)
        try:
            notifications = read(force_status=woken)
            news = [notification for notification in notifications if notification["id"] > 0]  # not presence
            if news and not all(is_deferrable(notification["message"]) for notification in news):
                return notifications
            if news:
                # only what can wait: wait for company, up to SEEN_DEFER_SECONDS after it was first read
                deadline = min(deadline, time.monotonic() + SEEN_DEFER_SECONDS)
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (woken and not news):
                return notifications
            woken = event.wait(timeout=remaining)
            if not woken:
                return read(force_status=True)
        finally:
            for key in keys:
                waiting = self.channels.get(key) or []
                # the dispatcher may take the list meanwhile: remove only what is still there
                with contextlib.suppress(ValueError):
                    waiting.remove(event)


def apply():
    replace(odoo_bus.ImDispatch, "poll", poll_listening_first)
