"""The visitor talks with the chatbot through the public API, as the widget does."""
import json

from odoo import SUPERUSER_ID, api
from odoo.tests import common

from .chatbot_common import ChatbotMixin

PAGE = "https://shop.example.com/spades"


@common.at_install(False)
@common.post_install(True)
class TestChatbotHttp(ChatbotMixin, common.HttpCase):

    def setUp(self):
        super(TestChatbotHttp, self).setUp()
        # Odoo 11's HttpCase serves requests on the registry's test cursor, not on self.cr: the test's
        # data goes there for the server to see it (all rolled back when the test mode ends)
        self.env = api.Environment(self.registry.test_cr, SUPERUSER_ID, {})
        self._setup_chatbot_channel("olivia_chatbot_http")
        self.seen = 0

    # ------------------------------------------------------------------ helpers
    def api(self, path, payload):
        # the test cursor's commit is a savepoint: a request that fails rolls back to here, not further
        self.env.cr.commit()  # pylint: disable=invalid-commit
        response = self.url_open(path, data=json.dumps(payload), timeout=30)
        self.env["livechat.session"].invalidate_cache()  # the whole cache: the server changed the data
        return response.status_code, response.json()

    def open_chat(self, url=PAGE):
        status, result = self.api("/livechat/api/session/open", {"channel_id": self.channel.id, "url": url})
        self.assertEqual(status, 200, result)
        self.token = result.get("token")
        if result.get("messages"):
            self.seen = result["messages"][-1]["id"]
        return result

    def new_messages(self):
        """What the visitor's widget gets since it last looked: [(author, text)]."""
        status, result = self.api("/livechat/api/session/history", {"token": self.token, "after_id": self.seen})
        self.assertEqual(status, 200, result)
        if result["messages"]:
            self.seen = result["messages"][-1]["id"]
        self.chatbot = result.get("chatbot")
        return [("visitor" if message["is_visitor"] else message["author_name"], message["body"])
                for message in result["messages"]]

    def click(self, answer):
        status, result = self.api("/livechat/api/chatbot/answer", {"token": self.token, "answer_id": answer.id})
        self.assertEqual(status, 200, result)
        return result["chatbot"]

    def type_text(self, text):
        status, result = self.api("/livechat/api/session/post", {"token": self.token, "body": text})
        self.assertEqual(status, 200, result)

    def chat_session(self):
        return self.env["livechat.session"]._find_by_token(self.token)

    # ------------------------------------------------------------------ tests
    def test_bot_greets_and_asks(self):
        result = self.open_chat()
        self.assertTrue(result["available"])
        self.assertEqual(result["operator_name"], "Botty")
        self.assertEqual([(m["author_name"], m["body"]) for m in result["messages"]],
                         [("Botty", "Hi, I am Botty."), ("Botty", "What brings you here?")])
        self.assertTrue(all(m["is_bot"] for m in result["messages"]))
        chatbot = result["chatbot"]
        self.assertEqual(chatbot["input"], "choice")
        self.assertEqual([a["label"] for a in chatbot["answers"]], ["Buy", "Help", "Bye"])
        self.assertTrue(chatbot["avatar_url"].startswith("/livechat/chatbot/%d/" % self.script.id))

    def test_walk_every_step_type_without_operator(self):
        self.open_chat()
        chatbot = self.click(self.answer_buy)
        self.assertEqual(chatbot["input"], "phone")
        self.assertEqual(self.new_messages(), [("visitor", "Buy"), ("Botty", "Your phone number?")])

        self.type_text("call me maybe")
        messages = self.new_messages()
        self.assertEqual(messages[0], ("visitor", "call me maybe"))
        self.assertIn("does not look like a phone number", messages[1][1])
        self.assertEqual(self.chatbot["input"], "phone", "an invalid phone number is asked again")

        self.type_text("+40 721 000 111")
        self.assertEqual(self.new_messages(), [("visitor", "+40 721 000 111"),
                                               ("Botty", "What would you like to buy?")])
        self.assertEqual(self.chatbot["input"], "text")

        self.type_text("Three <b>spades</b>")
        self.assertEqual(self.new_messages(), [("visitor", "Three <b>spades</b>"),
                                               ("Botty", "Your e-mail address?")],
                         "'Noted.' is only for visitors who asked for help; nothing typed becomes markup")
        self.assertEqual(self.chatbot["input"], "email")

        self.type_text("ana@example")
        messages = self.new_messages()
        self.assertIn("does not look like an e-mail address", messages[1][1])
        self.assertEqual(self.chatbot["input"], "email", "an invalid e-mail is asked again")

        self.type_text("ana@example.com")
        self.assertEqual(self.new_messages(), [
            ("visitor", "ana@example.com"),
            ("Botty", "Let me find a colleague."),
            ("Botty", "Sorry, no operator is available right now."),
            ("Botty", "We will write to you."),
            ("Botty", "No one is available to continue this conversation. Please try again later."),
        ], "nobody to forward to: the bot says so, goes on, and says nobody can take over")
        self.assertEqual(self.chatbot["state"], "done")
        self.assertIsNone(self.chatbot["input"])
        self.assertEqual(self.chatbot["closed"], {"reason": "no_operator", "offline_form": False})

        session = self.chat_session()
        self.assertFalse(session.operator_id)
        self.assertEqual(session.state, "closed", "nobody types into a dead conversation")
        self.assertEqual(session.chatbot_answer_ids.mapped("value"),
                         ["Buy", "+40 721 000 111", "Three <b>spades</b>", "ana@example.com"])

    def test_jump_then_forward_to_an_operator_who_answers(self):
        self._set_online(self.operator)
        self.open_chat()
        chatbot = self.click(self.answer_help)
        self.assertEqual(chatbot["input"], "email", "Help jumps over the phone and free text steps")
        self.assertEqual(self.new_messages(), [("visitor", "Help"), ("Botty", "Your e-mail address?")])

        self.type_text("ana@example.com")
        messages = self.new_messages()
        self.assertEqual(messages[:2], [("visitor", "ana@example.com"), ("Botty", "Let me find a colleague.")])
        self.assertEqual(messages[2], ("Olivia", "Olivia joined the conversation."))
        self.assertEqual(len(messages), 3, "once forwarded, the bot stops")
        self.assertEqual(self.chatbot["state"], "forwarded")
        self.assertEqual(self.chatbot["operator_name"], "Olivia")

        session = self.chat_session()
        self.assertEqual(session.operator_id, self.operator)
        self.assertIn(self.operator.partner_id, session.mail_channel_id.channel_partner_ids)
        # the operator sees the whole transcript in his conversation
        transcript = self.env["mail.message"].sudo(self.operator).search(
            [("model", "=", "mail.channel"), ("res_id", "=", session.mail_channel_id.id)], order="id")
        self.assertEqual(len(transcript), 7, "2 bot messages, Help, the e-mail question and answer, forward, joined")
        self.assertEqual(transcript[0].author_id, self.script.operator_partner_id)

        session.mail_channel_id.sudo(self.operator).with_context(mail_create_nosubscribe=True).message_post(
            body="<p>Hello Ana, how can I help?</p>", message_type="comment", subtype="mail.mt_comment")
        self.assertEqual(self.new_messages(), [("Olivia", "Hello Ana, how can I help?")])
        self.type_text("My order is late")
        self.assertEqual(self.new_messages(), [("visitor", "My order is late")], "the bot no longer answers")

    def test_answer_ends_the_script(self):
        self.open_chat()
        chatbot = self.click(self.answer_bye)
        self.assertEqual(chatbot["state"], "done")
        self.assertEqual(self.new_messages()[0], ("visitor", "Bye"))

    def test_script_end_with_nobody_available_ends_and_offers_the_offline_form(self):
        self.channel.offline_form_enabled = True
        self.open_chat()
        self.click(self.answer_bye)
        self.assertEqual(self.new_messages(), [
            ("visitor", "Bye"),
            ("Botty", "No one is available to continue this conversation. "
                      "Leave us a message and we will get back to you."),
        ])
        self.assertEqual(self.chat_session().state, "closed")
        self.assertEqual(self.chatbot["closed"], {"reason": "no_operator", "offline_form": True})
        status, result = self.api("/livechat/api/session/post", {"token": self.token, "body": "Hello?"})
        self.assertEqual(status, 403, "the conversation is over: nothing is typed into it")
        self.assertEqual(result["error"]["code"], "session_closed")

    def test_script_end_without_offline_form_offers_to_start_again(self):
        self.channel.offline_form_enabled = False
        self.open_chat()
        self.click(self.answer_bye)
        self.assertIn("Please try again later.", self.new_messages()[-1][1])
        self.assertEqual(self.chatbot["closed"], {"reason": "no_operator", "offline_form": False})

    def test_script_end_with_someone_available_hands_over_when_the_visitor_writes(self):
        self.open_chat()
        self._set_online(self.operator)
        self.click(self.answer_bye)
        session = self.chat_session()
        self.assertEqual(session.state, "open", "someone can take over")
        self.assertEqual(self.new_messages(), [("visitor", "Bye")])
        self.type_text("Actually, one more question")
        self.assertEqual(self.new_messages(), [("visitor", "Actually, one more question"),
                                               ("Olivia", "Olivia joined the conversation.")])
        session = self.chat_session()
        self.assertEqual(session.operator_id, self.operator)
        self.assertEqual(session.chatbot_state, "forwarded")
        self.assertEqual(self.chatbot["operator_name"], "Olivia")

    def test_script_end_and_everyone_gone_when_the_visitor_writes(self):
        self.open_chat()
        self._set_online(self.operator)
        self.click(self.answer_bye)
        self._set_offline(self.operator)
        self.type_text("Anyone?")
        self.assertIn("No one is available", self.new_messages()[-1][1])
        self.assertEqual(self.chat_session().state, "closed")

    def test_typed_answer_and_unknown_answer(self):
        self.open_chat()
        self.type_text("what?")
        messages = self.new_messages()
        self.assertEqual(messages, [("visitor", "what?"), ("Botty", "Please choose one of the answers.")])
        self.assertEqual(self.chatbot["input"], "choice")
        self.type_text("  help ")
        self.assertEqual(self.new_messages(), [("visitor", "help"), ("Botty", "Your e-mail address?")],
                         "typing an answer counts as clicking it")

    def test_stale_or_foreign_answer_refused(self):
        self._set_online(self.operator)  # the conversation goes on after the script (someone can take over)
        self.open_chat()
        self.click(self.answer_bye)
        status, result = self.api("/livechat/api/chatbot/answer",
                                  {"token": self.token, "answer_id": self.answer_buy.id})
        self.assertEqual(status, 400)
        self.assertIn("no longer expected", result["error"]["message"])
        status, result = self.api("/livechat/api/chatbot/answer", {"token": "nope", "answer_id": self.answer_buy.id})
        self.assertEqual(status, 403)
        status, result = self.api("/livechat/api/chatbot/answer", {"token": self.token, "answer_id": "x"})
        self.assertEqual(status, 400)

    def test_enabled_only_if_no_operator_gives_the_operator(self):
        self.rule.chatbot_only_if_no_operator = True
        self._set_online(self.operator)
        result = self.open_chat()
        self.assertEqual(result["operator_name"], "Olivia")
        self.assertNotIn("chatbot", result)

    def test_test_link_forces_the_script(self):
        self.rule.chatbot_script_id = False
        url = "https://shop.example.com" + self.script._test_url()
        result = self.open_chat(url)
        self.assertTrue(result["available"])
        self.assertEqual(result["operator_name"], "Botty")
        result = self.open_chat(url.rsplit("=", 1)[0] + "=forged")
        self.assertFalse(result["available"], "a forged test link gives no bot, and nobody is online")

    def test_avatar(self):
        self.env.cr.commit()  # pylint: disable=invalid-commit
        response = self.url_open("/livechat/chatbot/%d/avatar" % self.script.id, timeout=30)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "image/png")
        self.assertTrue(response.content.startswith(b"\x89PNG"))
