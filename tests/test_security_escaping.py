"""Escaping: what a visitor types (message, name, page URL, user agent) is stored and shown as text:
in what the widget receives, in the operator's chat window and Discuss (message_format, channel_info),
in the session's history and in the transcript e-mail."""
from odoo.tests import common

from .security_common import HOSTILE_HTML, HOSTILE_TEXT, HOSTILE_URL, RLO, SecurityHttpCase

ACTIVE_MARKUP = ("<img", "<b>", "<script", 'href="javascript')


@common.at_install(False)
@common.post_install(True)
class TestEscaping(SecurityHttpCase):

    def assert_no_markup(self, html, where):
        for markup in ACTIVE_MARKUP:
            self.assertNotIn(markup, html or "", "%s renders visitor input as HTML: %r" % (where, html))

    def hostile_session(self):
        result = self.open_session(
            visitor_name="%s%s Eve" % (HOSTILE_HTML, RLO),
            url="https://shop.example.com/?q=%s" % HOSTILE_HTML,
            headers={"User-Agent": ("Mozilla/5.0 %s %s" % (HOSTILE_HTML, RLO)).encode("utf-8")})
        return result, self.session_of(result["token"])

    def operator_answers(self, session):
        """Transcripts are sent once an operator answered."""
        session.mail_channel_id.sudo(self.operator).message_post(
            body="<p>Answered</p>", message_type="comment", subtype="mail.mt_comment")

    def test_message_text_is_text_everywhere(self):
        result, session = self.hostile_session()
        status, posted = self.api("session/post", {"token": result["token"], "body": HOSTILE_TEXT})
        self.assertEqual(status, 200)
        # the widget gets the text back, to show with textContent: all of it but the bidi override
        self.assertEqual(posted["message"]["body"], HOSTILE_TEXT.replace(RLO, ""))
        status, history = self.api("session/history", {"token": result["token"]})
        self.assertIn(HOSTILE_TEXT.replace(RLO, ""), [message["body"] for message in history["messages"]])
        # the operator's chat window and Discuss render message_format()'s body as HTML: it is escaped
        message = self._conversation_messages(session).filtered(lambda m: "gnp.exe" in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assert_no_markup(message.body, "the stored message")
        self.assertIn("&lt;img", message.body)
        formatted = message.sudo(self.operator).message_format()[0]
        self.assert_no_markup(formatted["body"], "message_format (chat window, Discuss)")
        # the session's history (form view) and the transcript e-mail
        self.assert_no_markup(session.conversation_html, "the session's conversation")
        self.assertIn("&lt;img", session.conversation_html)
        self.operator_answers(session)
        mail = session._send_transcript("eve@example.com")
        self.assert_no_markup(mail.body_html, "the transcript e-mail")
        self.assertIn("&lt;img", mail.body_html)

    def test_visitor_name_page_url_and_user_agent_are_text(self):
        result, session = self.hostile_session()
        # markup stays text (shown with t-esc / textContent); the bidi override is removed
        self.assertEqual(session.visitor_name, "%s Eve" % HOSTILE_HTML)
        self.assertEqual(result["visitor_name"], session.visitor_name)
        self.assertNotIn(RLO, session.user_agent)
        self.assertIn(HOSTILE_HTML, session.user_agent)
        self.assertTrue(session.page_url.startswith("https://shop.example.com/"))
        status, _posted = self.api("session/post", {"token": result["token"], "body": "Hello"})
        self.assertEqual(status, 200)
        self.env.cache.invalidate()
        conversation = session.mail_channel_id
        self.assertEqual(conversation.name, session.visitor_name)
        info = conversation.sudo(self.operator).channel_info()[0]
        self.assertEqual(info["name"], session.visitor_name)
        # the operator is told when the visitor leaves: a message that quotes the name, escaped
        self.assertEqual(self.api("session/leave", {"token": result["token"]})[0], 200)
        notice = self._conversation_messages(session).filtered(lambda m: m.message_type == "notification")[-1:]
        self.assertTrue(notice)
        self.assert_no_markup(notice.body, "the 'left the conversation' notice")
        self.assertNotIn(RLO, notice.body)
        self.assert_no_markup(session.conversation_html, "the session's conversation")
        # the transcript e-mail names the channel: escaped as well
        self.channel.name = "Desk %s" % HOSTILE_HTML
        self.operator_answers(session)
        self.assert_no_markup(session._send_transcript("eve@example.com").body_html, "the transcript e-mail")

    def test_script_urls_are_not_stored_as_pages(self):
        for url in (HOSTILE_URL, "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,<script>",
                    "vbscript:msgbox", "//evil.example.com/", "https:alert(1)"):
            result = self.open_session(url=url)
            session = self.session_of(result["token"])
            self.assertFalse(session.page_url, "%r is no page address" % url)
            status, _answer = self.api("session/page", {"token": result["token"], "url": url})
            self.assertEqual(status, 400, url)
            self.assertFalse(session.page_ids)

    def test_operator_panel_gets_text_and_web_addresses_only(self):
        """The operator's side panel links the visitor's pages: only http(s) addresses reach it."""
        result = self.open_session(visitor_name="Mallory%s" % RLO, url=HOSTILE_URL)
        session = self.session_of(result["token"])
        self.api("session/page", {"token": result["token"], "url": "javascript:alert(2)"})
        self.api("session/page", {"token": result["token"], "url": "https://shop.example.com/cart"})
        info = session.sudo(self.operator)._operator_info()
        self.assertEqual(info["visitor_name"], "Mallory")
        self.assertEqual(info["page_url"], "")
        self.assertEqual([page["url"] for page in info["pages"]], ["https://shop.example.com/cart"])

    def test_offline_message_is_text(self):
        """The message left while nobody is available: script URL dropped, name without bidi override."""
        offline = self.env["livechat.offline.message"]._create_from_visitor(
            self.channel, name="Trudy%s %s" % (RLO, HOSTILE_HTML), email="trudy@example.com",
            message=HOSTILE_TEXT, page_url=HOSTILE_URL)
        self.assertFalse(offline.page_url)
        self.assertEqual(offline.name, "Trudy %s" % HOSTILE_HTML)
        self.assertEqual(offline.message, HOSTILE_TEXT.replace(RLO, ""))
        notification = offline.message_ids.filtered(lambda m: "gnp.exe" in (m.body or ""))
        self.assertTrue(notification)
        self.assert_no_markup(notification.body, "the offline message's notification")
