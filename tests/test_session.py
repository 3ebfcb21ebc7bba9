import json

from odoo import fields
from odoo.addons.bus.models.bus import json_dump
from odoo.exceptions import ValidationError
from odoo.tests import common

from ..models.livechat_session import html_to_text
from .visitor_common import VisitorMixin


class TestSession(VisitorMixin, common.TransactionCase):
    """Sessions: operator assignment, the conversation the operator sees, messages both ways."""

    def setUp(self):
        super(TestSession, self).setUp()
        self._setup_visitor_channel()
        self._set_online(self.op_anna, self.op_bob)

    def _open(self, **kwargs):
        return self.Session._open_for_visitor(self.channel, **kwargs)

    # operator assignment ------------------------------------------------
    def test_operator_with_fewest_open_sessions_is_chosen(self):
        first = self._open()
        second = self._open()
        self.assertEqual(first.operator_id | second.operator_id, self.op_anna | self.op_bob,
                         "the second visitor goes to the operator who has no conversation yet")
        first._end("visitor")
        self.assertEqual(self._open().operator_id, first.operator_id,
                         "closed sessions do not count: the first operator is free again")

    def test_ties_are_broken_at_random(self):
        chosen = {self.Session._select_operator(self.channel) for _index in range(40)}
        self.assertEqual(chosen, {self.op_anna, self.op_bob})

    def test_previous_operator_is_preferred_when_available(self):
        first = self._open(visitor_uid="browser-1")
        self._open(visitor_uid="someone-else")  # loads are now equal
        self._open(visitor_uid="someone-else-2")  # one operator has two sessions
        for _index in range(5):
            self.assertEqual(self.Session._select_operator(self.channel, "browser-1"), first.operator_id)
        self._set_offline(first.operator_id)
        self.assertEqual(self._open(visitor_uid="browser-1").operator_id,
                         (self.op_anna | self.op_bob) - first.operator_id)

    def test_nobody_available(self):
        self._set_offline(self.op_anna, self.op_bob)
        self.assertFalse(self.Session._select_operator(self.channel))
        self.assertFalse(self._open())
        self.assertFalse(self.Session.search([("channel_id", "=", self.channel.id)]))

    def test_operators_of_other_channels_are_not_chosen(self):
        self.channel.write({"user_ids": [(6, 0, [self.op_bob.id])]})
        self.assertEqual({self._open().operator_id for _index in range(4)}, {self.op_bob})

    # opening --------------------------------------------------------------
    def test_first_message_creates_the_conversation_the_operator_sees(self):
        romania = self.env.ref("base.ro")
        session = self._open(page_url="https://shop.example.com/garden", country=romania,
                             user_agent="Mozilla/5.0 Test", visitor_uid="uid-1")
        self.assertEqual(session.state, "open")
        self.assertTrue(session.operator_id, "an operator is reserved for the visitor")
        self.assertFalse(session.mail_channel_id, "no conversation until the visitor writes")
        session._post_visitor_message("Hello")
        self.assertRegex(session.visitor_name, r"^Visitor #\d+$")
        self.assertEqual((session.country_id, session.page_url, session.user_agent, session.channel_id),
                         (romania, "https://shop.example.com/garden", "Mozilla/5.0 Test", self.channel))
        self.assertTrue(session.start_date and not session.end_date)
        self.assertGreaterEqual(len(session.sudo().access_token), 40)
        conversation = session.mail_channel_id
        self.assertEqual((conversation.channel_type, conversation.public, conversation.name),
                         ("livechat", "private", session.visitor_name))
        membership = conversation.channel_last_seen_partner_ids
        self.assertEqual(membership.partner_id, session.operator_id.partner_id)
        self.assertTrue(membership.is_minimized and membership.is_pinned)
        self.assertEqual(membership.fold_state, "open")

    def test_visitor_names_are_numbered_or_given(self):
        first, second = self._open(), self._open()
        number = int(first.visitor_name.split("#")[1])
        self.assertEqual(second.visitor_name, "Visitor #%d" % (number + 1))
        self.assertEqual(self._open(visitor_name="Maria").visitor_name, "Maria")

    def test_operator_is_told_to_open_a_chat_window(self):
        session = self._open()
        partner = session.operator_id.partner_id
        channel = json_dump((self.env.cr.dbname, "res.partner", partner.id))

        def notifications():
            return [json.loads(bus.message) for bus in self.env["bus.bus"].search([("channel", "=", channel)])]
        self.assertFalse([info for info in notifications() if info.get("livechat_session_id") == session.id],
                         "a chat opened without a word disturbs no operator")
        session._post_visitor_message("Hello")
        infos = [info for info in notifications() if info.get("id") == session.mail_channel_id.id]
        self.assertTrue(infos, "the operator's web client hears of the new conversation")
        self.assertEqual((infos[-1]["channel_type"], infos[-1]["state"], infos[-1]["is_minimized"]),
                         ("livechat", "open", True))

    def test_tokens_are_unguessable_and_unique(self):
        tokens = {self._open().sudo().access_token for _index in range(6)}
        self.assertEqual(len(tokens), 6)
        self.assertTrue(all(len(token) >= 40 for token in tokens))
        self.assertFalse(self.Session._find_by_token("x" * 43))
        self.assertFalse(self.Session._find_by_token(""))
        self.assertFalse(self.Session._find_by_token({"$ne": None}))

    # messages ---------------------------------------------------------------
    def test_visitor_text_is_never_markup(self):
        session = self._open()
        text = '<b>bold</b> & <script>alert("x")</script>\nsecond line'
        posted = session._post_visitor_message(text)
        message = self.env["mail.message"].browse(posted["id"])
        self.assertNotIn("<b>", message.body)
        self.assertNotIn("<script>", message.body)
        self.assertIn("&lt;b&gt;", message.body)
        self.assertFalse(message.author_id)
        self.assertEqual(message.email_from, session.visitor_name)
        payload = session._message_payload(message)
        self.assertEqual(payload, posted, "a new message's payload is the one its history gives")
        self.assertEqual(payload["body"], text)
        self.assertTrue(payload["is_visitor"])
        self.assertEqual(payload["author_name"], session.visitor_name)

    def test_operator_reply_reaches_the_visitor_bus_channel(self):
        session = self._chat()
        operator = session.operator_id
        session.mail_channel_id.sudo(operator).message_post(
            body="<p>Hello <b>there</b><br>how can I help?</p>", message_type="comment",
            subtype="mail.mt_comment")
        events = [event for event in self._bus_messages(session) if event.get("type") == "message"]
        self.assertEqual(len(events), 3, "the welcome, the visitor's first message, then the reply")
        message = events[-1]["message"]
        self.assertEqual(message["body"], "Hello there\nhow can I help?")
        self.assertEqual(message["author_name"], operator._livechat_display_name())
        self.assertFalse(message["is_visitor"])
        self.assertTrue(message["date"].endswith("Z"))

    def test_online_chat_name_is_what_visitors_see(self):
        self._set_offline(self.op_bob)
        session = self._chat()
        self.assertEqual(session._visitor_info()["operator_name"], "Anna")
        message = session.mail_channel_id.sudo(self.op_anna).message_post(
            body="Hi", message_type="comment", subtype="mail.mt_comment")
        self.assertEqual(session._message_payload(message)["author_name"], "Anna")

    def test_history_in_order_and_after_an_id(self):
        session = self._open()
        first = session._post_visitor_message("one")
        session.mail_channel_id.sudo(session.operator_id).message_post(
            body="two", message_type="comment", subtype="mail.mt_comment")
        session._post_visitor_message("three")
        self.assertEqual([m["body"] for m in session._history()],
                         [session.channel_id.welcome_message, "one", "two", "three"], "after the stored welcome")
        self.assertEqual([m["body"] for m in session._history(after_id=first["id"])], ["two", "three"])
        other = self._open()
        self.assertEqual(other._history(), [], "a session never shows another session's messages")

    def test_visitor_leaves(self):
        session = self._chat()
        session._end("visitor")
        self.assertEqual(session.state, "closed")
        self.assertTrue(session.end_date)
        last = session._history()[-1]
        self.assertEqual(last["kind"], "notification")
        self.assertIn(session.visitor_name, last["body"])
        self.assertIn({"type": "closed"}, self._bus_messages(session))
        session._end("visitor")  # twice: nothing more happens
        self.assertEqual(len([m for m in session._history() if m["kind"] == "notification"]), 1)

    def test_chat_closed_without_a_word_leaves_no_conversation(self):
        session = self._open()
        session._end("visitor")
        self.assertEqual(session.state, "closed")
        self.assertFalse(session.mail_channel_id)
        self.assertIn({"type": "closed"}, self._bus_messages(session))

    def test_silent_chats_are_closed_after_an_hour_and_count_only_a_while(self):
        silent, recent_silent = self._open(), self._open()
        self.assertEqual(silent.operator_id | recent_silent.operator_id, self.op_anna | self.op_bob,
                         "a chat just opened counts in its operator's load")
        silent.write({"start_date": "2000-01-01 00:00:00"})
        self.assertNotEqual(self._open().operator_id, recent_silent.operator_id,
                            "an old chat without a word no longer counts")
        self.Session._gc_abandoned_sessions()
        self.assertEqual((silent.state, recent_silent.state), ("closed", "open"))

    def test_abandoned_sessions_are_closed(self):
        old, recent = self._chat(), self._chat()
        old.write({"start_date": "2000-01-01 00:00:00"})
        self.env.cr.execute("UPDATE mail_message SET date = '2000-01-01 00:00:00' WHERE model = 'mail.channel' "
                            "AND res_id = %s", (old.mail_channel_id.id,))
        self.Session._gc_abandoned_sessions()
        self.assertEqual((old.state, recent.state), ("closed", "open"))
        self.assertTrue(old.end_date <= fields.Datetime.now())

    def test_html_to_text(self):
        self.assertEqual(html_to_text("<p>a<br/>b</p><p>c &amp; d</p>"), "a\nb\nc & d")
        self.assertEqual(html_to_text("<p>&lt;script&gt;</p>"), "<script>")
        self.assertEqual(html_to_text(False), "")

    def test_page_of_a_session_is_never_a_script_url(self):
        """Operators may write sessions; the backend shows the page as a link: http(s) only."""
        session = self._open(page_url="https://shop.example.com/")
        for url in ("javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "//evil.example.com/"):
            with self.assertRaises(ValidationError, msg=url):
                session.sudo(session.operator_id).write({"page_url": url})
        session.sudo(session.operator_id).write({"page_url": "https://shop.example.com/cart"})
        self.assertEqual(session.page_url, "https://shop.example.com/cart")
