"""The rough edges of a conversation, server side: one name for the operator on both sides, the welcome
message stored in his name, renames reaching open widgets, text that reads exactly as typed."""
from .test_discuss import DiscussCase

WELCOME = "Hello, how may I help you?"


class TestOperatorName(DiscussCase):
    """The operator (Online Chat Name "Oscar", user name "Oscar Operator") is "Oscar" everywhere."""

    def setUp(self):
        super(TestOperatorName, self).setUp()
        self.channel.welcome_message = WELCOME

    def operator_posts(self, session, text):
        channel = session.mail_channel_id.sudo(self.operator)
        return channel.message_post(body="<p>%s</p>" % text, message_type="comment", subtype="mail.mt_comment")

    def test_operators_messages_signed_with_his_chat_name_in_odoo(self):
        session = self.open_session("Ana")
        self.operator_posts(session, "Hi Ana")
        # the notification his chat window and Discuss receive
        notification = [message for message in self.bus_messages(
            (self.env.cr.dbname, "mail.channel", session.mail_channel_id.id)) if message.get("body")][-1]
        self.assertEqual(notification["author_id"][1], "Oscar")
        # what they fetch (message_format), as he reads them
        messages = session.mail_channel_id.sudo(self.operator).channel_fetch_message()
        self.assertEqual({message["author_id"][1] for message in messages if message["author_id"][0]}, {"Oscar"})
        # the widget and the transcript
        self.assertEqual(session._history()[-1]["author_name"], "Oscar")
        self.assertIn("Oscar", session.conversation_html)
        self.assertNotIn("Oscar Operator", session.conversation_html)

    def test_other_channels_keep_odoos_names(self):
        team = self.env["mail.channel"].create({"name": "team", "public": "public"})
        message = team.sudo(self.operator).message_post(body="hi", message_type="comment",
                                                        subtype="mail.mt_comment")
        self.assertNotEqual(message.message_format()[0]["author_id"][1], "Oscar")

    def test_without_chat_name_his_name(self):
        self.operator.livechat_username = False
        session = self.open_session("Ana")
        self.operator_posts(session, "Hi")
        self.assertEqual(session._history()[-1]["author_name"], "Oscar Operator")
        formatted = self._conversation_messages(session)[-1].message_format()[0]
        self.assertEqual(formatted["author_id"][1], "Oscar Operator")

    def test_welcome_is_stored_first_in_the_operators_name(self):
        session = self.open_session("Ana", first_message="I need help")
        history = session._history()
        self.assertEqual([(m["author_name"], m["body"]) for m in history[:2]],
                         [("Oscar", WELCOME), ("Ana", "I need help")])
        self.assertTrue(history[0]["welcome"])
        self.assertNotIn("welcome", history[1])
        # the operator sees it in his window, as his
        first = self._conversation_messages(session)[0]
        self.assertEqual(first.author_id, self.operator.partner_id)
        self.assertEqual(first.message_format()[0]["author_id"][1], "Oscar")
        # it is not his answer: the transcript is offered once he writes
        self.assertFalse(session._operator_answered())
        self.operator_posts(session, "Sure")
        self.assertTrue(session._operator_answered())

    def test_no_welcome_without_one(self):
        self.channel.welcome_message = False
        session = self.open_session("Ana", first_message="Hi")
        self.assertEqual([m["body"] for m in session._history()], ["Hi"])

    def test_rename_reaches_open_widgets(self):
        session = self.open_session("Ana")
        ended = self.open_session("Bogdan")
        ended._end("visitor")
        self.operator.sudo(self.operator).write({"livechat_username": "Oscar B."})
        self.assertEqual(self.bus_messages(session._bus_channel())[-1],
                         {"type": "operator", "operator": {"operator_name": "Oscar B."}})
        self.assertEqual(self.bus_messages(ended._bus_channel())[-1], {"type": "closed"}, "an ended chat is left alone")
        self.assertEqual(session._visitor_info()["operator_name"], "Oscar B.")


class TestTextAsTyped(DiscussCase):
    """A visitor who types "&lt;i&gt;" is shown "&lt;i&gt;" to the operator, not "<i>"."""

    def test_entities_stay_text(self):
        session = self.open_session("Ana", first_message="&lt;i&gt; & <b>x</b>")
        message = self._conversation_messages(session).filtered(lambda m: not m.livechat_welcome)[-1]
        # stored escaped once more: read back as HTML, it gives the characters typed
        self.assertIn("&amp;lt;i&amp;gt; &amp; &lt;b&gt;x&lt;/b&gt;", message.body)
        self.assertEqual(session._history()[-1]["body"], "&lt;i&gt; & <b>x</b>")
        formatted = message.sudo(self.operator).message_format()[0]
        self.assertIn("&amp;lt;i&amp;gt;", formatted["body"])
