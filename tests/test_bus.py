"""The bus as live chat uses it: notifications never lost, waiting long-polls woken at once.

These tests work with transactions of their own (committed, as the server's requests are),
and remove what they wrote.
"""
import json
import threading
import time
import uuid

from odoo import SUPERUSER_ID, api
from odoo.addons.bus.models import bus as odoo_bus
from odoo.addons.bus.models.bus import dispatch, json_dump
from odoo.addons.livechat.models.livechat_events import SEEN_DEFER_SECONDS
from odoo.tests import common


@common.at_install(False)
@common.post_install(True)
class TestBusOrdering(common.TransactionCase):
    """After the installation's commit: its transaction still holds locks on the bus table."""

    def setUp(self):
        super(TestBusOrdering, self).setUp()
        self.tag = "test-bus-%s" % uuid.uuid4().hex
        self.cursors = []
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        for cr in self.cursors:
            if not cr.closed:
                cr.rollback()
                cr.close()
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM bus_bus WHERE channel LIKE %s", ("%" + self.tag + "%",))

    def _env(self):
        """An environment on a transaction of its own, as one request of the server."""
        cr = self.registry.cursor()
        self.cursors.append(cr)
        return api.Environment(cr, SUPERUSER_ID, {})

    def _send_in_thread(self, cr, channel, message):
        """Another request: notify on ``channel`` and commit, in a thread."""
        done = threading.Event()

        def send():
            with api.Environment.manage():
                api.Environment(cr, SUPERUSER_ID, {})["bus.bus"].sendone(channel, message)
                cr.commit()  # pylint: disable=invalid-commit
            done.set()
        thread = threading.Thread(target=send)
        thread.start()
        self.addCleanup(thread.join, 10)
        return done

    def test_chat_notifications_commit_in_the_order_they_are_numbered(self):
        """A later notification never becomes visible before an earlier one (a poll would skip it)."""
        visitor_channel = (self.env.cr.dbname, "livechat.session", self.tag)
        first, second = self._env(), self._env()
        first["bus.bus"].sendone(visitor_channel, {"n": 1})
        done = self._send_in_thread(second.cr, visitor_channel, {"n": 2})
        self.assertFalse(done.wait(0.5), "the second notification waits for the first to commit")
        first.cr.commit()  # pylint: disable=invalid-commit
        self.assertTrue(done.wait(10))
        reader = self._env().cr
        reader.execute("SELECT message FROM bus_bus WHERE channel = %s ORDER BY id",
                       (json_dump(visitor_channel),))
        self.assertEqual([json.loads(row[0])["n"] for row in reader.fetchall()], [1, 2])

    def test_other_notifications_never_wait_for_a_chat(self):
        """A transaction that notified something else (a long one, say) does not hold chats back."""
        elsewhere = self._env()
        elsewhere["bus.bus"].sendone((self.env.cr.dbname, "res.partner", self.tag), {"n": 1})
        visitor_channel = (self.env.cr.dbname, "livechat.session", self.tag)
        done = self._send_in_thread(self._env().cr, visitor_channel, {"n": 2})
        self.assertTrue(done.wait(5), "the chat notification went through at once")

    def _poll_in_thread(self, channel):
        """A long-poll (timeout 20 s) on ``channel`` from the bus' present end, in a thread: its result
        and its duration in the dict returned."""
        env = self._env()
        env.cr.execute("SELECT max(id) FROM bus_bus")
        last = env.cr.fetchone()[0] or 1
        env.cr.commit()  # pylint: disable=invalid-commit
        result = {}

        def poll():
            started = time.monotonic()
            with api.Environment.manage():
                result["notifications"] = dispatch.poll(self.env.cr.dbname, [channel], last, {}, timeout=20)
            result["seconds"] = time.monotonic() - started
        thread = threading.Thread(target=poll)
        thread.start()
        self.addCleanup(thread.join, 25)
        time.sleep(0.5)  # the poll waits
        return env, thread, result

    def test_waiting_poll_is_woken_by_a_commit(self):
        """A long-poll waiting on a channel returns as soon as a notification for it is committed."""
        channel = (self.env.cr.dbname, "livechat.session", self.tag)
        env, thread, result = self._poll_in_thread(channel)
        env["bus.bus"].sendone(channel, {"text": "hello"})
        env.cr.commit()  # pylint: disable=invalid-commit
        thread.join(25)
        self.assertEqual([n["message"] for n in result["notifications"]], [{"text": "hello"}])
        self.assertLess(result["seconds"], 10, "woken by the commit, not by the poll's timeout")

    def test_seen_waits_for_what_comes_next(self):
        """A "seen" alone does not end a long-poll at once: it comes with the next notification."""
        channel = (self.env.cr.dbname, "livechat.session", self.tag)
        env, thread, result = self._poll_in_thread(channel)
        env["bus.bus"].sendone(channel, {"type": "seen", "seen": {"message_id": 7}})
        env.cr.commit()  # pylint: disable=invalid-commit
        time.sleep(0.5)
        self.assertTrue(thread.is_alive(), "the poll still waits for company")
        env["bus.bus"].sendone(channel, {"type": "message", "message": {"id": 8}})
        env.cr.commit()  # pylint: disable=invalid-commit
        thread.join(25)
        self.assertEqual([n["message"]["type"] for n in result["notifications"]], ["seen", "message"],
                         "one answer: the seen and the message")
        self.assertLess(result["seconds"], 10)

    def test_seen_alone_is_answered_after_the_defer_time(self):
        """With nothing else coming, the "seen" is answered SEEN_DEFER_SECONDS after it, not at the
        poll's timeout."""
        channel = (self.env.cr.dbname, "res.partner", self.tag)
        env, thread, result = self._poll_in_thread(channel)
        env["bus.bus"].sendone(channel, {"type": "livechat_seen", "channel_id": 1, "message_id": 7})
        env.cr.commit()  # pylint: disable=invalid-commit
        sent = time.monotonic()
        thread.join(25)
        self.assertEqual([n["message"]["type"] for n in result["notifications"]], ["livechat_seen"])
        waited = time.monotonic() - sent
        self.assertGreater(waited, SEEN_DEFER_SECONDS / 2.0, "it waited for company")
        self.assertLess(waited, 10, "answered after the defer time, not at the poll's timeout (20 s)")


class TestBusPoll(common.TransactionCase):
    """The one-query ``bus.bus.poll`` gives what Odoo's gives."""

    def test_poll_returns_what_odoos_poll_returns(self):
        Bus = self.env["bus.bus"]
        tag = uuid.uuid4().hex
        channels = [(self.env.cr.dbname, "livechat.session", tag), (self.env.cr.dbname, "res.partner", tag)]
        self.env.cr.execute("SELECT max(id) FROM bus_bus")
        last = self.env.cr.fetchone()[0] or 1
        Bus.sendmany([(channels[0], {"n": 1}), ((self.env.cr.dbname, "other", tag), {"n": 2}),
                      (channels[1], {"n": 3}), (channels[0], {"n": 4})])
        partner = self.env.ref("base.partner_root")
        options = {"bus_presence_partner_ids": [partner.id]}
        for arguments in ((channels, last), (channels, 0), (channels[1:], last), ([], last)):
            for force_status in (False, True):
                ours = Bus.poll(*arguments, options=options, force_status=force_status)
                odoos = odoo_bus.ImBus.poll(Bus, *arguments, options=options, force_status=force_status)
                self.assertEqual(ours, odoos, "%s, force_status=%s" % (arguments, force_status))
        messages = [n["message"]["n"] for n in Bus.poll(channels, last) if n["id"] > 0]
        self.assertEqual(messages, [1, 3, 4], "the channels' notifications, in order")
        self.assertEqual(Bus.poll(channels, last + 10 ** 9, options=options), [], "nothing new: no presence either")
