"""The cap per operator, the waiting queue and the operator's status (issue 17)."""
import json
from datetime import datetime, timedelta

import pytz

from odoo import SUPERUSER_ID, api, fields
from odoo.addons.bus.models.bus import json_dump
from odoo.tests import common

from .test_operator_presence import PresenceCase, ago
from .visitor_common import VisitorMixin


class QueueCase(PresenceCase):
    """The active operator of PresenceCase, capped at one conversation; a second one, Bea, too."""

    def setUp(self):
        super(QueueCase, self).setUp()
        users = self.env["res.users"].with_context(no_reset_password=True, mail_create_nosubscribe=True)
        group_ids = [self.env.ref("base.group_user").id, self.env.ref("livechat.group_livechat_user").id]
        self.bea = users.create({"name": "Bea Busy", "login": "bea_busy", "groups_id": [(6, 0, group_ids)]})
        self.set_presence(self.bea, last_poll=ago(seconds=5), last_presence=ago(minutes=1))
        self.channel.write({"limit_conversations": True, "max_conversations": 1})
        self.Session = self.env["livechat.session"]

    def open(self, name):
        return self.Session._open_for_visitor(self.channel, visitor_name=name, visitor_uid=name.lower())

    def events(self, session, kind="queue"):
        self.env.cr.execute("SELECT message FROM bus_bus WHERE channel = %s ORDER BY id",
                            (json_dump(session._bus_channel()),))
        events = [json.loads(row[0]) for row in self.env.cr.fetchall()]
        return [event[kind] for event in events if event["type"] == kind]

    def position(self, session):
        session.invalidate_cache()
        return session._queue_info()["position"]


class TestCap(QueueCase):

    def test_an_operator_at_his_cap_gets_no_new_visitor(self):
        self.channel.max_conversations = 2
        first, second, third = self.open("Ann"), self.open("Ben"), self.open("Cid")
        self.assertEqual((first | second).mapped("state"), ["open", "open"])
        self.assertEqual((first | second).mapped("operator_id"), self.active_op)
        # the cap bites: the third waits, nobody takes him
        self.assertEqual(third.state, "waiting")
        self.assertFalse(third.operator_id)
        self.assertEqual(third._visitor_info()["queue"]["position"], 1)
        self.assertFalse(self.Session._select_operator(self.channel))
        # those served as they arrived never waited in line (the reports count those who did)
        self.assertFalse(any((first | second).mapped("queue_date")))
        self.assertTrue(third.queue_date)

    def test_unlimited_channel_has_no_queue(self):
        self.channel.limit_conversations = False
        sessions = self.open("Ann") | self.open("Ben") | self.open("Cid")
        self.assertEqual(sessions.mapped("state"), ["open"] * 3)
        self.assertFalse(any(sessions.mapped("queue_date")))

    def test_a_quiet_conversation_no_longer_counts(self):
        first = self.open("Ann")
        first._post_visitor_message("Hello")
        self.assertEqual(self.open("Ben").state, "waiting")
        # nobody wrote for 20 minutes (the channel counts 15): the operator has room again
        old = fields.Datetime.to_string(datetime.utcnow() - timedelta(minutes=20))
        self.env.cr.execute("UPDATE mail_message SET date = %s WHERE res_id = %s AND model = 'mail.channel'",
                            (old, first.mail_channel_id.id))
        self.env.cr.execute("UPDATE livechat_session SET start_date = %s, assign_date = NULL WHERE id = %s",
                            (old, first.id))
        self.channel.invalidate_cache()
        self.assertEqual(self.channel._operator_loads(self.active_op), {self.active_op.id: 0})
        self.env["livechat.channel"]._cron_queue_dispatch()
        self.assertEqual(self.Session.search([("visitor_name", "=", "Ben")]).state, "open")

    def test_dashboard_card_shows_load_and_status(self):
        self.open("Ann")
        self.open("Ben")
        self.channel.invalidate_cache()
        self.assertIn("Oscar Operator · Online · 1 / 1", self.channel.operator_load)
        self.assertEqual(self.channel.waiting_count, 1)


class TestQueue(QueueCase):

    def test_positions_move_up_as_the_first_is_assigned(self):
        current = self.open("Ann")
        line = [self.open(name) for name in ("Ben", "Cid", "Dan")]
        self.assertEqual([self.position(session) for session in line], [1, 2, 3])
        current._end("visitor")
        ben, cid, dan = line
        self.assertEqual(ben.state, "open")
        self.assertEqual(ben.operator_id, self.active_op)
        self.assertEqual(ben.queue_outcome, "assigned")
        self.assertEqual(self.events(ben)[-1], {"state": "open", "operator_name": "Oscar Operator"})
        # the others were told their new place
        self.assertEqual(self.events(cid)[-1]["position"], 1)
        self.assertEqual(self.events(dan)[-1]["position"], 2)
        self.assertEqual([self.position(cid), self.position(dan)], [1, 2])

    def test_a_freed_slot_assigns_exactly_one_visitor(self):
        current = self.open("Ann")
        line = self.open("Ben") | self.open("Cid")
        current._end("operator")
        self.assertEqual(line.mapped("state"), ["open", "waiting"])
        # the dispatcher and the cron run again: the slot is given once
        self.channel._queue_run()
        self.env["livechat.channel"]._cron_queue_dispatch()
        self.assertEqual(line.mapped("state"), ["open", "waiting"])

    def test_leaving_frees_the_place(self):
        self.open("Ann")
        ben, cid = self.open("Ben"), self.open("Cid")
        ben._end("visitor")
        self.assertEqual((ben.state, ben.queue_outcome), ("closed", "left"))
        self.assertEqual(self.position(cid), 1)
        self.assertEqual(self.events(cid)[-1]["position"], 1)

    def test_what_the_visitor_typed_while_waiting_reaches_the_operator(self):
        current = self.open("Ann")
        ben = self.open("Ben")
        ben._post_visitor_message("My order 42 never arrived")
        self.assertFalse(ben.mail_channel_id.channel_partner_ids)
        current._end("visitor")
        self.assertEqual(ben.state, "open")
        self.assertIn(self.active_op.partner_id, ben.mail_channel_id.channel_partner_ids)
        self.assertEqual([message["body"] for message in ben._history()], ["My order 42 never arrived"])

    def test_a_new_operator_takes_the_first_in_line(self):
        self.open("Ann")
        ben = self.open("Ben")
        self.channel.write({"user_ids": [(4, self.bea.id)]})
        self.assertEqual((ben.state, ben.operator_id), ("open", self.bea))

    def test_nobody_jumps_the_line(self):
        self.open("Ann")
        ben = self.open("Ben")
        # a slot frees without anybody noticing yet (the operator's limit is raised): the next visitor
        # who arrives queues behind Ben, and Ben is assigned first
        self.env.cr.execute("UPDATE livechat_channel SET max_conversations = 2 WHERE id = %s", (self.channel.id,))
        self.channel.invalidate_cache()
        cid = self.open("Cid")
        self.assertEqual((ben.state, cid.state), ("open", "waiting"))

    def test_longest_wait_offers_the_offline_form(self):
        self.channel.offline_form_enabled = True
        self.open("Ann")
        ben = self.open("Ben")
        self.env.cr.execute("UPDATE livechat_session SET queue_date = %s WHERE id = %s",
                            (fields.Datetime.to_string(datetime.utcnow() - timedelta(minutes=9)), ben.id))
        ben.invalidate_cache()
        self.env["livechat.channel"]._cron_queue_dispatch()
        self.assertEqual(ben.state, "waiting")
        self.env.cr.execute("UPDATE livechat_session SET queue_date = %s WHERE id = %s",
                            (fields.Datetime.to_string(datetime.utcnow() - timedelta(minutes=11)), ben.id))
        ben.invalidate_cache()
        self.env["livechat.channel"]._cron_queue_dispatch()
        self.assertEqual((ben.state, ben.queue_outcome), ("closed", "timeout"))
        self.assertEqual(self.events(ben)[-1], {"state": "timeout", "offline": True})
        self.assertIn("closed", self.kinds(ben))

    def kinds(self, session):
        self.env.cr.execute("SELECT message FROM bus_bus WHERE channel = %s ORDER BY id",
                            (json_dump(session._bus_channel()),))
        return [json.loads(row[0])["type"] for row in self.env.cr.fetchall()]

    def test_estimated_wait_grows_with_the_place_in_line(self):
        self.open("Ann")
        line = [self.open(name) for name in ("Ben", "Cid", "Dan")]
        minutes = [session._queue_info()["wait_minutes"] for session in line]
        self.assertEqual(minutes, sorted(minutes))
        self.assertLess(minutes[0], minutes[2])

    def test_nobody_available_is_no_queue(self):
        self.channel.write({"user_ids": [(6, 0, [self.gone_op.id])]})
        self.assertFalse(self.open("Ann"))


class TestOperatorStatus(QueueCase):

    def test_busy_takes_no_new_visitor_unless_the_channel_says_so(self):
        self.channel.limit_conversations = False
        self.env["res.users"].sudo(self.active_op).livechat_set_status("busy")
        self.assertNotIn(self.active_op, self.channel._get_available_operators())
        self.channel.busy_takes_new = True
        self.assertIn(self.active_op, self.channel._get_available_operators())

    def test_away_takes_none(self):
        self.channel.busy_takes_new = True
        self.env["res.users"].sudo(self.active_op).livechat_set_status("away")
        self.assertNotIn(self.active_op, self.channel._get_available_operators())
        self.assertFalse(self.open("Ann"))

    def test_busy_keeps_his_conversations(self):
        ann = self.open("Ann")
        self.env["res.users"].sudo(self.active_op).livechat_set_status("busy")
        self.assertEqual(ann.state, "open")
        ann._post_visitor_message("Still there?")
        self.assertEqual(ann.operator_id, self.active_op)

    def test_back_online_takes_the_first_in_line(self):
        self.channel.write({"user_ids": [(4, self.bea.id)]})
        self.env["res.users"].sudo(self.bea).livechat_set_status("away")
        self.open("Ann")
        ben = self.open("Ben")
        self.assertEqual(ben.state, "waiting")
        self.env["res.users"].sudo(self.bea).livechat_set_status("online")
        self.assertEqual((ben.state, ben.operator_id), ("open", self.bea))

    def test_status_is_shown_to_the_operator(self):
        self.assertEqual(self.env["res.users"].sudo(self.active_op).livechat_get_status(),
                         {"status": "online", "is_operator": True})


class TestQueueReport(QueueCase):
    """The report: wait in line to the first answer, visitors who left the line, per operator and hour."""

    def test_wait_and_leavers_per_operator_and_hour(self):
        current = self.open("Ann")
        ben, cid = self.open("Ben"), self.open("Cid")
        cid._end("visitor")
        current._end("visitor")
        queued = fields.Datetime.from_string(ben.queue_date)
        ben._post_visitor_message("Hello?")
        answer = ben.mail_channel_id.sudo(self.active_op).message_post(
            body="Hi!", message_type="comment", subtype="mail.mt_comment")
        answer.sudo().write({"date": fields.Datetime.to_string(queued + timedelta(seconds=150))})
        Report = self.env["livechat.session.report"]
        Report.invalidate_cache()
        ben_row = Report.search([("session_id", "=", ben.id)])
        cid_row = Report.search([("session_id", "=", cid.id)])
        self.assertEqual((ben_row.nbr_queued, ben_row.nbr_left_queue, ben_row.operator_id), (1, 0, self.active_op))
        self.assertAlmostEqual(ben_row.queue_wait, 150, delta=1)
        self.assertEqual((cid_row.nbr_queued, cid_row.nbr_left_queue, cid_row.queue_outcome), (1, 1, "left"))
        # the hour of the day in the operator's time zone (the report's hour_of_day)
        started = pytz.utc.localize(fields.Datetime.from_string(ben.start_date))
        self.assertEqual(ben_row.hour_of_day, started.astimezone(pytz.timezone(self.active_op.tz or "UTC")).hour)
        groups = Report.read_group([("session_id", "in", (ben | cid).ids)],
                                   ["hour_of_day", "nbr_left_queue", "nbr_queued"], ["hour_of_day"])
        self.assertEqual(sum(group["nbr_left_queue"] for group in groups), 1)
        self.assertEqual(sum(group["nbr_queued"] for group in groups), 2)


class TestDashboardStatus(QueueCase):

    def test_card_shows_away_and_offline_operators(self):
        self.env["res.users"].sudo(self.active_op).livechat_set_status("away")
        self.channel.invalidate_cache()
        lines = self.channel.operator_load.splitlines()
        self.assertIn("Oscar Operator · Away · 0 / 1", lines)
        self.assertIn("Gus Gone · Offline · 0 / 1", lines)


class TestQueueGone(QueueCase):

    def test_a_visitor_whose_widget_stopped_polling_leaves_the_line(self):
        self.open("Ann")
        ben, cid = self.open("Ben"), self.open("Cid")
        ben._queue_seen()
        self.env.cr.execute("UPDATE livechat_session SET queue_seen_date = %s WHERE id = %s",
                            (fields.Datetime.to_string(datetime.utcnow() - timedelta(minutes=4)), ben.id))
        ben.invalidate_cache()
        self.env["livechat.channel"]._cron_queue_dispatch()
        self.assertEqual((ben.state, ben.queue_outcome), ("closed", "left"))
        self.assertEqual(self.position(cid), 1)
        # a poll keeps the visitor in line
        self.env.cr.execute("UPDATE livechat_session SET queue_seen_date = %s WHERE id = %s",
                            (fields.Datetime.to_string(datetime.utcnow() - timedelta(minutes=2)), cid.id))
        cid._queue_seen()
        cid.invalidate_cache()
        self.env["livechat.channel"]._cron_queue_dispatch()
        self.assertEqual(cid.state, "waiting")


class TestQueueApi(VisitorMixin, common.HttpCase):
    """The queue over the visitor API: opening in line, writing while waiting, leaving, the poll."""

    def setUp(self):
        super(TestQueueApi, self).setUp()
        # the server reads the registry's test cursor (see test_visitor_api)
        self.env = api.Environment(self.registry.test_cr, SUPERUSER_ID, {})
        self._setup_visitor_channel()
        self._set_online(self.op_anna)
        self.channel.write({"limit_conversations": True, "max_conversations": 1,
                            "user_ids": [(3, self.op_bob.id)]})
        self.env["ir.config_parameter"].sudo().set_param("livechat.rate_limit_open", "0")

    def _ok(self, path, payload):
        response = self._call(path, payload)
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()

    def _open(self):
        return self._ok("/livechat/api/session/open",
                        {"channel_id": self.channel.id, "url": "https://shop.example.com/"})

    def test_open_in_line_write_while_waiting_then_served(self):
        first = self._open()
        self.assertEqual((first["state"], first["operator_name"]), ("open", "Anna"))
        second = self._open()
        self.assertTrue(second["available"])
        self.assertEqual(second["state"], "waiting")
        self.assertEqual(second["queue"]["position"], 1)
        self.assertEqual(second["operator_name"], "")
        # he writes while waiting: accepted, shown, kept
        posted = self._ok("/livechat/api/session/post", {"token": second["token"], "body": "Is the rake in stock?"})
        self.assertEqual(posted["message"]["body"], "Is the rake in stock?")
        history = self._ok("/livechat/api/session/history", {"token": second["token"]})
        self.assertEqual(history["state"], "waiting")
        self.assertEqual(history["queue"]["position"], 1)
        # the first leaves: the second is served, and his poll says so
        self._ok("/livechat/api/session/leave", {"token": first["token"]})
        polled = self._ok("/longpolling/livechat/poll", {"token": second["token"], "last": second["cursor"]})
        queue_events = [event["queue"] for event in polled["events"] if event["type"] == "queue"]
        self.assertEqual(queue_events[-1], {"state": "open", "operator_name": "Anna"})
        history = self._ok("/livechat/api/session/history", {"token": second["token"]})
        self.assertEqual((history["state"], history["operator_name"]), ("open", "Anna"))
        self.assertEqual([message["body"] for message in history["messages"]], ["Is the rake in stock?"])

    def test_leaving_the_line_moves_the_others_up(self):
        self._open()
        second, third = self._open(), self._open()
        self.assertEqual(third["queue"]["position"], 2)
        self._ok("/livechat/api/session/leave", {"token": second["token"]})
        polled = self._ok("/longpolling/livechat/poll", {"token": third["token"], "last": third["cursor"]})
        self.assertEqual([event["queue"]["position"] for event in polled["events"] if event["type"] == "queue"], [1])
        # his widget texts say where he stands, in the visitor's words
        texts = self._ok("/livechat/api/init",
                         {"channel_id": self.channel.id, "url": "https://shop.example.com/"})["texts"]
        self.assertEqual(texts["queue_position"], "You are number %(position)s in line")
        self.assertEqual(texts["queue_leave"], "Leave a message instead")


class TestQueueOrder(QueueCase):

    def test_the_line_is_the_order_of_arrival_given_under_the_lock(self):
        self.open("Ann")
        ben, cid = self.open("Ben"), self.open("Cid")
        self.assertEqual((ben.queue_number, cid.queue_number), (1, 2))
        # a session that arrives unnumbered (its arrival committed after the others') goes last,
        # whatever its id, and gets its number at the next dispatch
        self.env.cr.execute("UPDATE livechat_session SET queue_number = NULL WHERE id = %s", (ben.id,))
        ben.invalidate_cache()
        self.assertEqual(self.channel._queue_waiting().ids, [cid.id, ben.id])
        self.channel._queue_run()
        ben.invalidate_cache()
        self.assertEqual(ben.queue_number, 3)
        self.assertEqual([self.position(cid), self.position(ben)], [1, 2])
