"""Typing and "seen", both ways: the events' shape, nothing stored as a message, rate limits that bite."""
import json

from odoo import SUPERUSER_ID, api
from odoo.addons.bus.models.bus import json_dump
from odoo.exceptions import AccessError
from odoo.tests import common

from ..models.livechat_input import TYPING_EXPIRE_SECONDS, TYPING_IDLE_SECONDS, TYPING_INTERVAL_SECONDS
from ..models.livechat_rate_limit import BLOCKED
from .visitor_common import VisitorMixin


@common.at_install(False)
@common.post_install(True)
class TestTyping(VisitorMixin, common.HttpCase):

    def setUp(self):
        super(TestTyping, self).setUp()
        # Odoo 11's HttpCase serves requests on the registry's test cursor: the test's data goes there
        self.env = api.Environment(self.registry.test_cr, SUPERUSER_ID, {})
        BLOCKED.clear()
        self._setup_visitor_channel()
        self._set_online(self.op_anna)
        self._set_offline(self.op_bob)
        self.session = self._chat("Hello")
        self.token = self.session.sudo().access_token
        self.operator = self.session.operator_id
        self.conversation = self.session.mail_channel_id

    # helpers ----------------------------------------------------------------
    def _partner_events(self, partner, kind):
        channel = json_dump((self.env.cr.dbname, "res.partner", partner.id))
        records = self.env["bus.bus"].sudo().search([("channel", "=", channel)], order="id")
        return [message for message in (json.loads(record.message) for record in records)
                if isinstance(message, dict) and message.get("type") == kind]

    def _visitor_events(self, kind):
        return [event for event in self._bus_messages(self.session) if event.get("type") == kind]

    def _messages_count(self):
        return self.env["mail.message"].sudo().search_count([
            ("model", "=", "mail.channel"), ("res_id", "=", self.conversation.id)])

    def _limit(self, kind, value):
        self.env["ir.config_parameter"].sudo().set_param("livechat.rate_limit_%s" % kind, str(value))

    # the visitor types --------------------------------------------------------
    def test_visitor_typing_reaches_the_operator_and_is_never_stored(self):
        messages = self._messages_count()
        for typing in (True, False):
            response = self._call("/livechat/api/session/typing", {"token": self.token, "typing": typing})
            self.assertEqual((response.status_code, response.json()), (200, {"sent": True}), response.text)
        events = self._partner_events(self.operator.partner_id, "livechat_typing")
        self.assertEqual(events, [
            {"type": "livechat_typing", "channel_id": self.conversation.id, "typing": typing,
             "name": self.session.visitor_name, "expire": TYPING_EXPIRE_SECONDS}
            for typing in (True, False)])
        self.assertEqual(self._messages_count(), messages, "typing is never a message")
        self.assertFalse(self._visitor_events("typing"), "the visitor is not told of his own typing")

    def test_visitor_typing_before_the_conversation_or_after_its_end_tells_nobody(self):
        waiting = self.Session._open_for_visitor(self.channel, visitor_name="Early")
        token = waiting.sudo().access_token
        response = self._call("/livechat/api/session/typing", {"token": token})
        self.assertEqual(response.json(), {"sent": False}, "no conversation yet: no operator window to tell")
        self.session._end("visitor")
        response = self._call("/livechat/api/session/typing", {"token": self.token, "typing": True})
        self.assertEqual((response.status_code, response.json()["error"]["code"]), (403, "session_closed"))

    def test_visitor_typing_is_rate_limited(self):
        self._limit("typing", 2)
        statuses = [self._call("/livechat/api/session/typing", {"token": self.token}) for _i in range(3)]
        self.assertEqual([response.status_code for response in statuses], [200, 200, 429])
        self.assertTrue(int(statuses[2].headers["Retry-After"]) >= 1)
        self.assertEqual(len(self._partner_events(self.operator.partner_id, "livechat_typing")), 2,
                         "the refused event is not sent")

    def test_visitor_typing_refuses_what_is_not_a_boolean(self):
        response = self._call("/livechat/api/session/typing", {"token": self.token, "typing": "yes"})
        self.assertEqual((response.status_code, response.json()["error"]["code"]), (400, "invalid_typing"))
        self.assertFalse(self._partner_events(self.operator.partner_id, "livechat_typing"))

    # the visitor sees ---------------------------------------------------------
    def test_visitor_seen_is_kept_and_reaches_the_operator(self):
        reply = self.session._post("How can I help?", kind="operator")
        response = self._call("/livechat/api/session/seen", {"token": self.token, "message_id": reply["id"]})
        self.assertEqual(response.json(), {"seen": reply["id"]})
        self.assertEqual(self.session.visitor_seen_message_id, reply["id"])
        self.assertEqual(self._partner_events(self.operator.partner_id, "livechat_seen"), [
            {"type": "livechat_seen", "channel_id": self.conversation.id, "message_id": reply["id"]}])
        # the operator's web client learns it with the conversation too (after a reload)
        info = self.conversation.sudo(self.operator).channel_info()[0]
        self.assertEqual(info["livechat"]["visitor_seen_message_id"], reply["id"])
        # an older id changes nothing; an id beyond the conversation is its last message
        self.assertEqual(self._call("/livechat/api/session/seen", {"token": self.token, "message_id": 1}).json(),
                         {"seen": reply["id"]})
        later = self.session._post("Still there?", kind="operator")
        beyond = self._call("/livechat/api/session/seen", {"token": self.token, "message_id": later["id"] + 10 ** 6})
        self.assertEqual(beyond.json(), {"seen": later["id"]})
        self.assertEqual(len(self._partner_events(self.operator.partner_id, "livechat_seen")), 2)

    def test_visitor_seen_rides_on_the_long_poll(self):
        """The widget polls again as soon as a reply arrived: what it showed comes with that poll."""
        reply = self.session._post("How can I help?", kind="operator")
        cursor = self._call("/longpolling/livechat/poll", {"token": self.token, "last": 0}).json()["cursor"]
        response = self._call("/longpolling/livechat/poll", {"token": self.token, "last": cursor, "seen": reply["id"]})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(self.session.visitor_seen_message_id, reply["id"])
        self.assertEqual(self._partner_events(self.operator.partner_id, "livechat_seen"), [
            {"type": "livechat_seen", "channel_id": self.conversation.id, "message_id": reply["id"]}])
        # told again, or an older one: nothing new for the operator
        for seen in (reply["id"], 1):
            self._call("/longpolling/livechat/poll", {"token": self.token, "last": cursor, "seen": seen})
        self.assertEqual(len(self._partner_events(self.operator.partner_id, "livechat_seen")), 1)
        self.assertEqual(self.session.visitor_seen_message_id, reply["id"])
        bad = self._call("/longpolling/livechat/poll", {"token": self.token, "last": cursor, "seen": "all"})
        self.assertEqual((bad.status_code, bad.json()["error"]["code"]), (400, "invalid_seen"))

    def test_visitor_seen_is_rate_limited(self):
        self._limit("seen", 2)
        statuses = [self._call("/livechat/api/session/seen", {"token": self.token, "message_id": 1}).status_code
                    for _i in range(3)]
        self.assertEqual(statuses, [200, 200, 429])
        BLOCKED.clear()
        bad = self._call("/livechat/api/session/seen", {"token": self.token, "message_id": "last"})
        self.assertEqual((bad.status_code, bad.json()["error"]["code"]), (400, "invalid_message_id"))

    # the operator types -------------------------------------------------------
    def test_operator_typing_reaches_the_visitor_and_is_never_stored(self):
        messages = self._messages_count()
        conversation = self.conversation.sudo(self.operator)
        answer = conversation.livechat_typing(True)
        self.assertEqual(answer, {"sent": True, "retry_after": 0, "interval": TYPING_INTERVAL_SECONDS,
                                  "idle": TYPING_IDLE_SECONDS, "expire": TYPING_EXPIRE_SECONDS})
        conversation.livechat_typing(False)
        self.assertEqual(self._visitor_events("typing"), [
            {"type": "typing", "typing": {"typing": True, "name": "Anna"}},
            {"type": "typing", "typing": {"typing": False, "name": "Anna"}},
        ], "the operator's Online Chat Name, as the widget shows it")
        self.assertEqual(self._messages_count(), messages, "typing is never a message")

    def test_operator_typing_is_rate_limited(self):
        self._limit("typing_operator", 2)
        conversation = self.conversation.sudo(self.operator)
        answers = [conversation.livechat_typing(True) for _i in range(3)]
        self.assertEqual([answer["sent"] for answer in answers], [True, True, False])
        self.assertTrue(answers[2]["retry_after"] >= 1)
        self.assertEqual(len(self._visitor_events("typing")), 2, "the refused event is not sent")

    def test_only_members_say_they_type(self):
        with self.assertRaises(AccessError):
            self.conversation.sudo(self.op_bob).livechat_typing(True)
        self.assertFalse(self._visitor_events("typing"))
        self.session._end("visitor")
        self.assertFalse(self.conversation.sudo(self.operator).livechat_typing(True)["sent"])
        self.assertFalse(self._visitor_events("typing"), "nothing once the conversation ended")

    # the operator sees --------------------------------------------------------
    def test_operator_seen_reaches_the_visitor(self):
        last = self._post_visitor("Are you there?")
        seen = self.conversation.sudo(self.operator).channel_seen()
        self.assertEqual(seen, last)
        self.assertEqual(self._visitor_events("seen"), [{"type": "seen", "seen": {"message_id": last}}])
        history = self._call("/livechat/api/session/history", {"token": self.token}).json()
        self.assertEqual(history["seen"], last, "a reloaded widget shows it again")

    def _post_visitor(self, text):
        return self.session._post_visitor_message(text)["id"]

    # what the widget is told --------------------------------------------------
    def test_init_gives_the_timing_texts_and_sound_option(self):
        data = self._call("/livechat/api/init", {"channel_id": self.channel.id, "url": "https://x.example/"}).json()
        self.assertEqual((data["limits"]["typing_interval"], data["limits"]["typing_idle"],
                          data["limits"]["typing_expire"]),
                         (TYPING_INTERVAL_SECONDS, TYPING_IDLE_SECONDS, TYPING_EXPIRE_SECONDS))
        self.assertIs(data["sound"], False, "off by default")
        self.assertIn("%s", data["texts"]["typing"])
        self.assertIn("%s", data["texts"]["unread_title"])
        self.assertTrue(data["texts"]["seen"])
        self.channel.unread_sound = True
        data = self._call("/livechat/api/init", {"channel_id": self.channel.id, "url": "https://x.example/"}).json()
        self.assertIs(data["sound"], True)
