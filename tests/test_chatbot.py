import json

from odoo.addons.bus.models.bus import json_dump
from odoo.exceptions import ValidationError
from odoo.tests import common

from .chatbot_common import ChatbotMixin


class TestChatbotScript(ChatbotMixin, common.TransactionCase):
    """Scripts, steps and answers as an administrator edits them."""

    def setUp(self):
        super(TestChatbotScript, self).setUp()
        self._setup_chatbot_channel("olivia_chatbot_model")

    def test_bot_talks_as_its_own_contact(self):
        partner = self.script.operator_partner_id
        self.assertEqual(partner.name, "Botty")
        self.assertTrue(self.script.image, "a new bot gets a default picture")
        self.script.bot_name = "Robin"
        self.assertEqual(partner.name, "Robin")

    def test_steps_in_order_with_conditions(self):
        nothing = self.env["livechat.chatbot.answer"]
        self.assertEqual(self.script._next_step(), self.step_hello)
        self.assertEqual(self.script._next_step(self.step_need, self.answer_buy), self.step_phone)
        self.assertEqual(self.script._next_step(self.step_need, nothing), self.step_free,
                         "the phone step is only for visitors who chose Buy")
        self.assertEqual(self.script._next_step(self.step_free, self.answer_buy), self.step_email,
                         "'Noted.' is only for visitors who chose Help")
        self.assertEqual(self.script._next_step(self.step_free, self.answer_help), self.step_noted)
        self.assertFalse(self.script._next_step(self.step_later, self.answer_buy))

    def test_question_needs_answers(self):
        with self.assertRaises(ValidationError):
            self.env["livechat.chatbot.step"].create({
                "script_id": self.script.id, "step_type": "question_selection", "message": "Which one?"})

    def test_step_needs_message_except_forward(self):
        with self.assertRaises(ValidationError):
            self.env["livechat.chatbot.step"].create({
                "script_id": self.script.id, "step_type": "text", "message": "  "})
        forward = self.env["livechat.chatbot.step"].create({
            "script_id": self.script.id, "step_type": "forward_operator"})
        self.assertTrue(forward)

    def test_jump_needs_a_step_of_the_same_script(self):
        answer = self.answer_buy
        with self.assertRaises(ValidationError):
            answer.write({"next_action": "redirect", "redirect_step_id": False})
        self._make_script()
        with self.assertRaises(ValidationError):
            answer.write({"next_action": "redirect", "redirect_step_id": self.step_email.id})

    def test_condition_on_answers_of_another_script_refused(self):
        own_answer, step_later = self.answer_bye, self.step_later
        self._make_script()
        with self.assertRaises(ValidationError):
            step_later.triggering_answer_ids = [(6, 0, [own_answer.id, self.answer_buy.id])]

    def test_copy_brings_its_own_steps(self):
        copy = self.script.copy()
        self.assertEqual(copy.title, "Test Bot (copy)")
        self.assertNotEqual(copy.operator_partner_id, self.script.operator_partner_id)
        self.assertEqual(copy.step_ids.mapped("message"), self.script.step_ids.mapped("message"))
        help_copy = copy.step_ids.mapped("answer_ids").filtered(lambda a: a.name == "Help")
        self.assertEqual(help_copy.redirect_step_id.script_id, copy, "the jump points inside the copy")
        phone_copy = copy.step_ids.filtered(lambda s: s.step_type == "question_phone")
        self.assertEqual(phone_copy.triggering_answer_ids.mapped("name"), ["Buy"])
        self.assertEqual(phone_copy.triggering_answer_ids.step_id.script_id, copy)

    def test_test_button_opens_the_direct_chat_page(self):
        action = self.script.action_test()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn("/livechat/support/%d?chatbot=%d" % (self.channel.id, self.script.id), action["url"])
        session_model = self.env["livechat.session"]
        self.assertEqual(session_model._chatbot_from_test_url("https://x.example.com" + action["url"]), self.script)
        forged = action["url"].rsplit("=", 1)[0] + "=" + "0" * 32
        self.assertFalse(session_model._chatbot_from_test_url(forged))


class TestChatbotRule(ChatbotMixin, common.TransactionCase):
    """A rule with a chatbot: who greets the visitor."""

    def setUp(self):
        super(TestChatbotRule, self).setUp()
        self._setup_chatbot_channel("olivia_chatbot_rule")
        self.Session = self.env["livechat.session"]

    def test_button_shows_for_the_bot_when_nobody_is_available(self):
        init = self.Session._widget_init(self.channel, "/shop")
        self.assertFalse(init["available"])
        self.assertTrue(init["show_button"])
        self.assertEqual(init["chatbot"]["name"], "Botty")

    def test_bot_greets_even_when_an_operator_is_online(self):
        self._set_online(self.operator)
        session = self.Session._open_for_visitor(self.channel, page_url="https://shop.example.com/", rule=self.rule)
        self.assertEqual(session.chatbot_script_id, self.script)
        self.assertFalse(session.operator_id, "the bot talks first; operators come when it forwards")

    def test_enabled_only_if_no_operator(self):
        self.rule.chatbot_only_if_no_operator = True
        self._set_online(self.operator)
        self.assertIsNone(self.Session._widget_init(self.channel, "/")["chatbot"])
        session = self.Session._open_for_visitor(self.channel, page_url="https://shop.example.com/", rule=self.rule)
        self.assertFalse(session.chatbot_script_id)
        self.assertEqual(session.operator_id, self.operator)

        self._set_offline(self.operator)
        self.assertEqual(self.Session._widget_init(self.channel, "/")["chatbot"]["name"], "Botty")
        session = self.Session._open_for_visitor(self.channel, page_url="https://shop.example.com/", rule=self.rule)
        self.assertEqual(session.chatbot_script_id, self.script)

    def test_archived_bot_does_not_talk(self):
        self.script.active = False
        self.assertIsNone(self.Session._widget_init(self.channel, "/")["chatbot"])
        self.assertFalse(self.Session._widget_init(self.channel, "/")["show_button"])
        session = self.Session._open_for_visitor(self.channel, page_url="https://shop.example.com/", rule=self.rule)
        self.assertFalse(session, "no bot, nobody online: no conversation")

    def test_operator_reads_the_answers(self):
        session = self.Session._open_for_visitor(self.channel, page_url="https://shop.example.com/", rule=self.rule)
        session._chatbot_select_answer(self.answer_help)
        session._post_visitor_message("ana@example.com")
        answers = session.sudo(self.operator).chatbot_answer_ids
        self.assertEqual(answers.mapped("value"), ["Help", "ana@example.com"])
        self.assertEqual(answers.mapped("question"), ["What brings you here?", "Your e-mail address?"])


class TestChatbotEnd(ChatbotMixin, common.TransactionCase):
    """The script ends: with nobody to take over, the visitor is told and the session ends."""

    def setUp(self):
        super(TestChatbotEnd, self).setUp()
        self._setup_chatbot_channel("olivia_chatbot_end")

    def open_bot_session(self):
        return self.env["livechat.session"]._open_for_visitor(self.channel, rule=self.rule)

    def _bus_messages(self, session):
        """Payloads sent so far on the bus channel the visitor's widget listens on."""
        records = self.env["bus.bus"].sudo().search([("channel", "=", json_dump(session._bus_channel()))], order="id")
        return [json.loads(record.message) for record in records]

    def test_widget_is_told_what_to_offer(self):
        self.channel.offline_form_enabled = True
        session = self.open_bot_session()
        session._chatbot_select_answer(self.answer_bye)
        self.assertEqual(session.state, "closed")
        events = self._bus_messages(session)
        self.assertEqual(events[-1], {"type": "closed", "closed": {"reason": "no_operator", "offline_form": True}})
        self.assertEqual(events[-2]["message"]["author_name"], "Botty")
        self.assertIn("Leave us a message", events[-2]["message"]["body"])
        self.assertNotIn("left the conversation", " ".join(
            event["message"]["body"] for event in events if event["type"] == "message"), "nobody left: no notice")

    def test_other_ends_send_no_payload(self):
        self._set_online(self.operator)
        session = self.env["livechat.session"]._open_for_visitor(self.channel)
        session._end("visitor")
        self.assertEqual(self._bus_messages(session)[-1], {"type": "closed"})

    def test_someone_available_keeps_it_open(self):
        self._set_online(self.operator)
        session = self.open_bot_session()
        session._chatbot_select_answer(self.answer_bye)
        self.assertEqual(session.state, "open")
        self.assertEqual(self._bus_messages(session)[-1]["type"], "chatbot")
