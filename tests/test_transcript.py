import pytz

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import common

from .after_chat_common import AfterChatCase, AfterChatHttpCase


class TestTranscript(AfterChatCase):
    """The conversation e-mailed to the visitor through Odoo's mail queue, and readable in the backend."""

    def setUp(self):
        super(TestTranscript, self).setUp()
        self.session = self._open_session(self.channel, visitor_name="Ana", first_message=None)
        self.session._post_visitor_message("Where is my order <script>alert(1)</script>?\nIt is late.")
        self._operator_says(self.session, "It left our warehouse this morning.")

    def test_transcript_is_queued_with_the_whole_conversation(self):
        mail = self.session._send_transcript("  ana@example.com ")
        self.assertEqual(mail.email_to, "ana@example.com")
        self.assertEqual(mail.state, "outgoing", "sent by Odoo's mail queue, not during the request")
        self.assertIn("Shop Help", mail.subject)
        self.assertIn("Where is my order", mail.body_html)
        self.assertIn("It is late.", mail.body_html)
        self.assertIn("It left our warehouse this morning.", mail.body_html)
        self.assertIn("Olga", mail.body_html, "the operator appears under his Online Chat Name")
        self.assertNotIn("Olga Operator", mail.body_html)
        self.assertFalse(mail.recipient_ids, "only the address the visitor gave")
        self.assertEqual((mail.model, mail.res_id), ("livechat.session", self.session.id))
        queued = self.env["mail.mail"].sudo().search([("email_to", "=", "ana@example.com"),
                                                      ("state", "=", "outgoing")])
        self.assertEqual(queued, mail)

    def test_visitor_text_is_escaped_in_the_email(self):
        mail = self.session._send_transcript("ana@example.com")
        self.assertNotIn("<script>", mail.body_html)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", mail.body_html)

    def test_invalid_address_is_refused_and_nothing_is_queued(self):
        Mail = self.env["mail.mail"].sudo()
        before = Mail.search_count([])
        for address in ("", "ana", "ana@example", "ana@@example.com", "ana example@x.com", "a" * 250 + "@x.com"):
            with self.assertRaisesRegex(UserError, "e-mail address"):
                self.session._send_transcript(address)
        self.assertEqual(Mail.search_count([]), before)

    def test_times_are_in_the_visitors_time_zone(self):
        mail = self.session._send_transcript("ana@example.com", tz="Asia/Tokyo")
        message = self._conversation_messages(self.session)[-1]
        utc = pytz.utc.localize(fields.Datetime.from_string(message.date))
        local = utc.astimezone(pytz.timezone("Asia/Tokyo")).strftime("%Y-%m-%d %H:%M")
        self.assertIn(local + " JST", mail.body_html)
        # an unknown zone falls back to UTC rather than failing
        mail = self.session._send_transcript("ana@example.com", tz="Mars/Olympus")
        self.assertIn(utc.strftime("%Y-%m-%d %H:%M") + " UTC", mail.body_html)

    def test_erasing_the_visitor_data_erases_his_transcripts(self):
        mail = self.session._send_transcript("ana@example.com")
        self.session._erase()
        self.assertFalse(mail.exists(), "a queued transcript leaves with the conversation")

    def test_conversation_is_readable_in_the_session_form(self):
        session = self.session.sudo(self.operator)
        html = session.conversation_html
        self.assertIn("Where is my order", html)
        self.assertIn("It left our warehouse this morning.", html)
        self.assertIn("&lt;script&gt;", html)
        self.assertEqual(session.message_count, 2)
        self.assertLess(html.index("Where is my order"), html.index("It left our warehouse"),
                        "oldest message first")


@common.at_install(False)
@common.post_install(True)
class TestTranscriptApi(AfterChatHttpCase):
    """POST /livechat/api/session/transcript, as the widget calls it."""

    def test_request_a_transcript(self):
        session = self._open_session(self.channel)
        session._post_visitor_message("Do you deliver to Cluj?")
        self._operator_says(session, "Yes, in two days.")
        status, body = self.api("/livechat/api/session/transcript", {
            "token": session.sudo().access_token, "email": "ana@example.com", "tz": "Europe/Bucharest"})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["email"], "ana@example.com")
        self.assertIn("ana@example.com", body["message"])
        mail = self.env["mail.mail"].sudo().search([("email_to", "=", "ana@example.com")])
        self.assertEqual(len(mail), 1)
        self.assertIn("Do you deliver to Cluj?", mail.body_html)

    def test_no_transcript_before_an_operator_answered(self):
        """Else a visitor could have the company's server e-mail anybody the text he typed."""
        session = self._open_session(self.channel, first_message="Buy cheap pills at spam.example")
        status, body = self.api("/livechat/api/session/transcript", {
            "token": session.sudo().access_token, "email": "victim@example.com"})
        self.assertEqual(status, 400)
        self.assertIn("once an operator has answered", body["error"]["message"])
        self.assertFalse(self.env["mail.mail"].sudo().search([("email_to", "=", "victim@example.com")]))

    def test_hourly_caps_of_the_database_and_the_channel(self):
        """Many sessions from many addresses: the whole database sends at most so many an hour."""
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("livechat.transcript_hourly_limit_per_channel", "2")
        params.set_param("livechat.transcript_hourly_limit", "3")
        params.set_param("livechat.rate_limit_transcript_per_ip", "0")
        other = self.env["livechat.channel"].create({"name": "Other Help", "user_ids": [(6, 0, [self.operator.id])]})

        def ask(channel, address):
            session = self._open_session(channel)
            self._operator_says(session, "Hello")
            return self.api("/livechat/api/session/transcript", {
                "token": session.sudo().access_token, "email": address})
        self.assertEqual(ask(self.channel, "a1@example.com")[0], 200)
        self.assertEqual(ask(self.channel, "a2@example.com")[0], 200)
        status, body = ask(self.channel, "a3@example.com")
        self.assertEqual(status, 400, "the channel's cap bites")
        self.assertIn("last hour", body["error"]["message"])
        self.assertEqual(ask(other, "b1@example.com")[0], 200, "another channel still has room")
        self.assertEqual(ask(other, "b2@example.com")[0], 400, "the database's cap bites")
        Mail = self.env["mail.mail"].sudo()
        self.assertEqual(Mail.search_count([("email_to", "in", ["a3@example.com", "b2@example.com"])]), 0)
        self.assertEqual(Mail.search_count([("email_to", "in", ["a1@example.com", "a2@example.com",
                                                                "b1@example.com"])]), 3)

    def test_invalid_address_gets_a_readable_error(self):
        session = self._open_session(self.channel)
        status, body = self.api("/livechat/api/session/transcript", {
            "token": session.sudo().access_token, "email": "ana.example.com"})
        self.assertEqual(status, 400)
        self.assertIn("is not a valid e-mail address", body["error"]["message"])
        self.assertFalse(self.env["mail.mail"].sudo().search([("email_to", "=", "ana.example.com")]))
        status, body = self.api("/livechat/api/session/transcript", {"token": "nope", "email": "a@example.com"})
        self.assertEqual(status, 403)
