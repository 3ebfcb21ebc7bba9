"""Odoo's bus, made reliable and cheaper for live chat.

Odoo 11's bus loses notifications in two ways, and pays a new PostgreSQL connection per commit:

* **Numbered at write, visible at commit.** A long-poll returns the notifications whose id is
  above the client's cursor. When two transactions write notifications, the later-numbered one
  may commit first; a poll in between moves the cursor past the other, which is then never
  returned (an operator's "new conversation" could be lost for good). Transactions that write
  to a visitor's channel (every message of a live chat, its opening and closing) therefore take
  an exclusive transaction lock before writing their notifications: they commit in the order of
  their numbers. Only live chat transactions take it, and only from their first notification to
  their commit: a long transaction elsewhere never makes a chat wait.
* **Query, then listen.** ``ImDispatch.poll`` reads the bus, then registers its wake-up: a
  notification committed in between wakes nobody and waits for the 50 s timeout. The wake-up is
  registered before the read: a patch of Odoo's dispatcher, ``patches/bus_dispatch_poll.py``.
* Every commit that wrote notifications opened a new connection to the ``postgres`` database for
  its ``NOTIFY`` (Odoo keeps no pool for it); one connection per process is kept instead.
* Every long-poll (the visitor's and Odoo's web client's) reads the bus at least twice; Odoo's
  ``poll`` reads each notification with every field through the ORM (the names of its creator and
  last writer included): ``poll`` reads the three columns it returns in one query instead.
"""
import datetime
import json
import logging
import os
import random
import threading

import psycopg2

import odoo
from odoo import api, models
from odoo.addons.bus.models import bus as odoo_bus
from odoo.tools.misc import DEFAULT_SERVER_DATETIME_FORMAT

_logger = logging.getLogger(__name__)

# pg_advisory_xact_lock key of the live chat notifications' ordering (any fixed 64-bit number)
ORDER_LOCK_KEY = 0x6C69766563686174  # "livechat"


def is_livechat_channel(channel):
    """A visitor's bus channel: (db, 'livechat.session', token)."""
    return isinstance(channel, (list, tuple)) and len(channel) == 3 and channel[1] == "livechat.session"


class BusNotifier(object):
    """One connection per process to the ``postgres`` database, where Odoo's dispatcher listens."""

    def __init__(self):
        self._lock = threading.Lock()
        self._connection = None
        self._pid = None

    def _connect(self):
        _dbname, params = odoo.sql_db.connection_info_for("postgres")
        connection = psycopg2.connect(**params)
        connection.autocommit = True
        return connection

    def notify(self, channels):
        payload = odoo_bus.json_dump(list(channels))
        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._connection is None or self._connection.closed or self._pid != os.getpid():
                        self._connection, self._pid = self._connect(), os.getpid()
                    with self._connection.cursor() as cr:
                        cr.execute("NOTIFY imbus, %s", (payload,))
                    return
                except psycopg2.Error:
                    self._connection = None
                    if attempt == 2:
                        _logger.exception("Live chat: could not notify the bus")


notifier = BusNotifier()


class BusBus(models.Model):
    """Notifications written in one statement, ordered for live chat, notified on a kept connection."""

    _inherit = "bus.bus"

    @api.model
    def sendmany(self, notifications):
        notifications = [(channel, message) for channel, message in notifications]
        if not notifications:
            return
        cr = self.env.cr
        if self.env.context.get("livechat_bus_ordered") or any(
                is_livechat_channel(channel) for channel, _message in notifications):
            cr.execute("SELECT pg_advisory_xact_lock(%s)", (ORDER_LOCK_KEY,))
        # one statement for all, numbered in the order given
        cr.execute("""
            INSERT INTO bus_bus (create_date, channel, message, create_uid, write_uid, write_date)
            SELECT now() AT TIME ZONE 'UTC', channel, message, %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC'
              FROM unnest(%(channels)s::varchar[], %(messages)s::varchar[]) AS notification(channel, message)
        """, {
            "uid": self.env.uid,
            "channels": [odoo_bus.json_dump(channel) for channel, _message in notifications],
            "messages": [odoo_bus.json_dump(message) for _channel, message in notifications],
        })
        if random.random() < 0.01 * len(notifications):
            self.gc()
        channels = {odoo_bus.hashable(channel) for channel, _message in notifications}
        cr.after("commit", lambda: notifier.notify(channels))

    @api.model
    def poll(self, channels, last=0, options=None, force_status=False):
        """Odoo's ``bus.bus.poll`` (same notifications, same order, same presence entries) in one query."""
        options = options or {}
        result = []
        if channels:
            if last == 0:  # the first poll returns the notifications of the last TIMEOUT seconds
                since = datetime.datetime.utcnow() - datetime.timedelta(seconds=odoo_bus.TIMEOUT)
                condition, value = "create_date > %s", since.strftime(DEFAULT_SERVER_DATETIME_FORMAT)
            else:
                condition, value = "id > %s", last
            self.env.cr.execute("SELECT id, channel, message FROM bus_bus WHERE " + condition +
                                " AND channel IN %s ORDER BY id",
                                (value, tuple(odoo_bus.json_dump(channel) for channel in channels)))
            result = [{"id": notification_id, "channel": json.loads(channel), "message": json.loads(message)}
                      for notification_id, channel, message in self.env.cr.fetchall()]
        if result or force_status:
            partner_ids = options.get("bus_presence_partner_ids")
            if partner_ids:
                partners = self.env["res.partner"].browse(partner_ids)
                result += [{
                    "id": -1,
                    "channel": (self._cr.dbname, "bus.presence"),
                    "message": {"id": partner.id, "im_status": partner.im_status}} for partner in partners]
        return result

    @api.model
    def _livechat_sendmany(self, notifications):
        """``sendmany`` in the order of live chat notifications (see the module's docstring)."""
        return self.with_context(livechat_bus_ordered=True).sendmany(notifications)
