"""The conversation core: one way to post (``_post``), one way to end (``_end``), one event shape,
and the visitor's input capped and cleaned by one module, whatever the call looks like."""
import json

from psycopg2 import IntegrityError

from odoo.addons.bus.models.bus import json_dump
from odoo.exceptions import ValidationError
from odoo.tests import common
from odoo.tools import mute_logger

from ..models import livechat_input as inp
from ..models.livechat_events import bus_event
from ..models.livechat_session import html_to_text, stored_text
from ..models.mail_message import CLIENT_ID_INDEX
from .chatbot_common import ChatbotMixin
from .visitor_common import VisitorMixin


class TestPostAndEnd(VisitorMixin, common.TransactionCase):

    def setUp(self):
        super(TestPostAndEnd, self).setUp()
        self._setup_visitor_channel()
        self._set_online(self.op_anna, self.op_bob)

    def _message_events(self, session):
        return [event["message"] for event in self._bus_messages(session) if event.get("type") == "message"]

    def test_each_kind_of_message_is_stored_once_and_sent_as_its_payload(self):
        session = self._chat("Hello")
        operator = session.operator_id
        payloads = [
            session._post("Hi, how can I help?", kind="operator"),
            session._post("A notice", operator.partner_id, kind="system"),
            session._post("The visitor's notice", kind="system"),
        ]
        history = session._history()
        self.assertEqual(history[-3:], payloads, "what was sent is what the history gives")
        self.assertEqual(self._message_events(session)[-3:], payloads, "what the widget received")
        reply, operator_notice, visitor_notice = payloads
        self.assertEqual((reply["kind"], reply["is_visitor"], reply["author_name"]),
                         ("comment", False, operator._livechat_display_name()))
        self.assertEqual((operator_notice["kind"], operator_notice["is_visitor"]), ("notification", False))
        self.assertEqual((visitor_notice["kind"], visitor_notice["is_visitor"], visitor_notice["author_name"]),
                         ("notification", True, session.visitor_name))
        with self.assertRaises(ValueError):
            session._post("?", kind="robot")

    def test_the_visitor_text_is_stored_escaped_and_sent_as_written(self):
        session = self._chat("Hello")
        text = "  <b>one</b> & two  \n\n\n  three\r\nfour\n \n five https://example.com/?a=1&b=2"
        payload = session._post_visitor_message(text)
        message = self.env["mail.message"].sudo().browse(payload["id"])
        self.assertIn("&lt;b&gt;one&lt;/b&gt; &amp; two", message.body)
        self.assertEqual(payload, session._message_payload(message))
        self.assertEqual(payload["body"], html_to_text(message.body))
        self.assertEqual(stored_text(text), "<b>one</b> & two\nthree\nfour\nfive https://example.com/?a=1&b=2")

    def test_a_client_id_is_stored_once_per_conversation(self):
        session = self._chat("Hello")
        first = session._post_visitor_message("Any rakes?", client_id="rakes-1")
        self.assertEqual(session._post_visitor_message("Any rakes?", client_id="rakes-1"), first,
                         "a resend: the first answer, nothing posted")
        self.assertEqual([message["body"] for message in session._history()],
                         [session.channel_id.welcome_message, "Hello", "Any rakes?"], "after the stored welcome")
        self.assertEqual(self.env["mail.message"].sudo().browse(first["id"]).livechat_client_id, "rakes-1")
        # the database itself refuses the same id twice in a conversation (concurrent posts meet there)
        self.env.cr.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", (CLIENT_ID_INDEX,))
        self.assertIn("UNIQUE", self.env.cr.fetchone()[0])
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            session._post("Any rakes?", kind="visitor", client_id="rakes-1")
        # another conversation may hold the same id
        other = self._chat("Hi")
        self.assertNotEqual(other._post_visitor_message("Any rakes?", client_id="rakes-1")["id"], first["id"])
        for kind, client_id in (("operator", "rakes-2"), ("visitor", "x" * (inp.CLIENT_ID_MAX_LENGTH + 1)),
                                ("visitor", "no spaces"), ("visitor", 7)):
            with self.assertRaises(ValueError):
                session._post("?", kind=kind, client_id=client_id)

    def test_a_first_message_uses_the_conversation_a_concurrent_first_message_made(self):
        """The session was read without a conversation; another first message created one and committed
        before this request's lock (the rate check commits in between): it is used, not made twice."""
        made = self.env["livechat.session"]._create_conversation("The other request's", members=[])
        session = self.env["livechat.session"]._open_for_visitor(self.channel)
        self.assertFalse(session.mail_channel_id, "read (and cached) before the other request committed")
        self.env.cr.execute("UPDATE livechat_session SET mail_channel_id = %s WHERE id = %s", (made.id, session.id))
        payload = session._post_visitor_message("Hello")
        self.assertEqual(session.mail_channel_id, made)
        self.assertEqual(self._conversation_messages(session).ids, [payload["id"]])
        self.assertFalse(self.env["mail.channel"].sudo().search([("name", "=", session.visitor_name)]), "none made")

    def test_client_id_check(self):
        self.assertTrue(inp.is_client_id("a" * inp.CLIENT_ID_MAX_LENGTH))
        self.assertTrue(inp.is_client_id("0f-A_9"))
        for value in ("", "a" * (inp.CLIENT_ID_MAX_LENGTH + 1), "a b", "é", "a\n", "a.b", None, 12, ["a"]):
            self.assertFalse(inp.is_client_id(value), repr(value))

    def test_the_visitor_ends_the_conversation(self):
        session = self._chat("Hello")
        session._end("visitor")
        self.assertEqual(session.state, "closed")
        self.assertEqual(self._bus_messages(session)[-1], {"type": "closed"})
        notice = session._history()[-1]
        self.assertEqual((notice["kind"], notice["is_visitor"]), ("notification", True))
        self.assertIn(session.visitor_name, notice["body"])

    def test_the_operator_ends_the_conversation(self):
        session = self._chat("Hello")
        session._end("operator")
        self.assertEqual(session.state, "closed")
        self.assertEqual(self._bus_messages(session)[-1], {"type": "closed"})
        notice = session._history()[-1]
        self.assertEqual((notice["kind"], notice["is_visitor"]), ("notification", False))
        self.assertIn("left the conversation", notice["body"])

    def test_inactivity_ends_the_conversation_without_a_notice(self):
        session = self._chat("Hello")
        before = len(session._history())
        session._end("inactivity")
        self.assertEqual(session.state, "closed")
        self.assertEqual(len(session._history()), before)
        self.assertEqual(self._bus_messages(session)[-1], {"type": "closed"})
        with self.assertRaises(ValueError):
            session._end("nobody")

    def test_operators_get_what_message_format_gives(self):
        """Odoo's chat windows and Discuss get, for each message, exactly mail's message_format."""
        session = self._chat("Hello")
        operator = session.operator_id
        conversation = session.mail_channel_id
        session._post_visitor_message("Hi <b>you</b> https://example.com/?a=1&b=2\n\nnext line")
        session._post("Reply", kind="operator")
        session._post("A notice", operator.partner_id, kind="system")
        conversation.sudo(operator).message_post(body="<p>From the <i>chat window</i></p>", message_type="comment",
                                                 subtype="mail.mt_comment")
        session._end("visitor")
        records = self.env["bus.bus"].sudo().search(
            [("channel", "=", json_dump((self.env.cr.dbname, "mail.channel", conversation.id)))], order="id")
        sent = [json.loads(record.message) for record in records]
        self.assertEqual(len(sent), len(self._conversation_messages(session)), "every message, once")
        for notification in sent:
            message = self.env["mail.message"].sudo().browse(notification["id"])
            self.assertEqual(notification, json.loads(json_dump(message.message_format()[0])))

    def test_events_have_one_shape(self):
        self.assertEqual(bus_event("closed"), {"type": "closed"})
        self.assertEqual(bus_event("message", {"id": 1}), {"type": "message", "message": {"id": 1}})
        self.assertEqual(bus_event("chatbot", {"input": None}), {"type": "chatbot", "chatbot": {"input": None}})
        with self.assertRaises(ValueError):
            bus_event("typo")


class TestChatbotPosts(ChatbotMixin, common.TransactionCase):

    def test_bot_messages_carry_the_bot_card_live_and_in_history(self):
        self._setup_chatbot_channel("olivia_core")
        session = self.env["livechat.session"]._open_for_visitor(self.channel, page_url="https://shop.example.com/",
                                                                 rule=self.rule)
        history = session._history()
        self.assertTrue(history and all(message.get("is_bot") for message in history))
        self.assertEqual(history[0]["author_name"], "Botty")
        self.assertTrue(history[0]["author_avatar"].startswith("/livechat/chatbot/"))


class TestInputCaps(VisitorMixin, common.TransactionCase):
    """Each cap first proven to bite (cap + 1 refused or cut), then the cap accepted."""

    def setUp(self):
        super(TestInputCaps, self).setUp()
        self._setup_visitor_channel()
        self._set_online(self.op_anna, self.op_bob)
        self.Offline = self.env["livechat.offline.message"]

    def test_the_widget_receives_every_cap(self):
        data = self.Session._widget_init(self.channel, "/")
        self.assertEqual(data["limits"], dict(inp.WIDGET_LIMITS, **inp.file_limits(self.env)))
        self.assertEqual(data["limits"]["message"], inp.MESSAGE_MAX_LENGTH)
        self.assertNotIn("max_length", data, "one spelling of the cap: limits.message")

    def test_session_values_are_cut_at_their_caps_even_when_passed_positionally(self):
        url = "https://shop.example.com/" + "p" * (inp.URL_MAX_LENGTH - 25 + 1)
        self.assertEqual(len(url), inp.URL_MAX_LENGTH + 1)
        # positionally: channel, page_url, visitor_name, visitor_uid, country, user_agent
        session = self.Session._open_for_visitor(
            self.channel, url, "N" * (inp.VISITOR_NAME_MAX_LENGTH + 1) + "\u202e",
            "u" * (inp.VISITOR_UID_MAX_LENGTH + 1), None, "a" * (inp.USER_AGENT_MAX_LENGTH + 1))
        self.assertEqual(len(session.page_url), inp.URL_MAX_LENGTH)
        self.assertEqual(session.visitor_name, "N" * inp.VISITOR_NAME_MAX_LENGTH)
        self.assertEqual(len(session.visitor_uid), inp.VISITOR_UID_MAX_LENGTH)
        self.assertEqual(len(session.user_agent), inp.USER_AGENT_MAX_LENGTH)
        exact = self.Session._open_for_visitor(self.channel, url[:inp.URL_MAX_LENGTH],
                                               "N" * inp.VISITOR_NAME_MAX_LENGTH)
        self.assertEqual(exact.page_url, url[:inp.URL_MAX_LENGTH])
        self.assertEqual(exact.visitor_name, "N" * inp.VISITOR_NAME_MAX_LENGTH)
        script = self.Session._open_for_visitor(self.channel, "javascript:alert(1)", "Ana\u202e\x07")
        self.assertFalse(script.page_url, "a script URL is no page")
        self.assertEqual(script.visitor_name, "Ana")

    def test_a_positional_message_is_cleaned_too(self):
        session = self._chat("Hello")
        payload = session._post_visitor_message("gnp\u202e.exe\x07")
        self.assertEqual(payload["body"], "gnp.exe")

    def test_rating_comment_is_cut_at_its_cap(self):
        session = self._chat("Hello")
        session._rate("happy", "c" * (inp.RATING_COMMENT_MAX_LENGTH + 1))
        self.assertEqual(len(session.rating_comment), inp.RATING_COMMENT_MAX_LENGTH)
        session._rate("happy", "d" * inp.RATING_COMMENT_MAX_LENGTH)
        self.assertEqual(session.rating_comment, "d" * inp.RATING_COMMENT_MAX_LENGTH)

    def _email(self, length):
        return "a" * (length - len("@example.com")) + "@example.com"

    def test_email_cap_and_check(self):
        self.assertEqual(len(self._email(inp.EMAIL_MAX_LENGTH + 1)), inp.EMAIL_MAX_LENGTH + 1)
        self.assertFalse(inp.is_email(self._email(inp.EMAIL_MAX_LENGTH + 1)))
        self.assertTrue(inp.is_email(self._email(inp.EMAIL_MAX_LENGTH)))
        for bad in ("", "ana", "ana@", "@example.com", "ana@example", "ana example@x.com", None, 42):
            self.assertFalse(inp.is_email(bad), bad)
        session = self._chat("Hello")
        with self.assertRaises(Exception):
            session._check_transcript_email(self._email(inp.EMAIL_MAX_LENGTH + 1))
        self.assertEqual(session._check_transcript_email(self._email(inp.EMAIL_MAX_LENGTH)),
                         self._email(inp.EMAIL_MAX_LENGTH))

    def test_web_url_check(self):
        for good in ("http://example.com", "HTTPS://example.com/a?b#c"):
            self.assertTrue(inp.is_web_url(good), good)
        for bad in ("javascript:alert(1)", "ftp://example.com", "https://", "/relative", "", None, "http://[::1"):
            self.assertFalse(inp.is_web_url(bad), bad)

    def _offline(self, name="Ana", email="ana@example.com", message="Hello"):
        return self.Offline._create_from_visitor(self.channel, name, email, message)

    def test_offline_caps(self):
        with self.assertRaises(ValidationError):
            self._offline(name="N" * (inp.OFFLINE_NAME_MAX_LENGTH + 1))
        with self.assertRaises(ValidationError):
            self._offline(message="m" * (inp.OFFLINE_MESSAGE_MAX_LENGTH + 1))
        with self.assertRaises(ValidationError):
            self._offline(email=self._email(inp.EMAIL_MAX_LENGTH + 1))
        record = self._offline(name="N" * inp.OFFLINE_NAME_MAX_LENGTH, email=self._email(inp.EMAIL_MAX_LENGTH),
                               message="m" * inp.OFFLINE_MESSAGE_MAX_LENGTH)
        self.assertEqual(len(record.name), inp.OFFLINE_NAME_MAX_LENGTH)
        self.assertEqual(len(record.message), inp.OFFLINE_MESSAGE_MAX_LENGTH)

    def test_offline_input_is_cleaned_when_passed_positionally(self):
        record = self.Offline._create_from_visitor(self.channel, "Ana\u202e", "ana@example.com", "Hi\x07 there",
                                                   "javascript:alert(1)")
        self.assertEqual((record.name, record.message, record.page_url), ("Ana", "Hi there", False))
