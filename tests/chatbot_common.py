"""A chatbot script with every kind of step, a channel and its operator, for the chatbot tests."""
from .visitor_common import OperatorMixin


class ChatbotMixin(OperatorMixin):
    """Builds the "Botty" script:

    10 text        "Hi, I am Botty."
    20 question    "What brings you here?"  Buy -> next | Help -> jump to 60 | Bye -> end
    30 phone       "Your phone number?"      only if "Buy"
    40 free input  "What would you like to buy?"
    50 text        "Noted."                  only if "Help" (never reached by a jump past it)
    60 e-mail      "Your e-mail address?"
    70 forward     "Let me find a colleague."
    80 text        "We will write to you."
    """

    def _set_offline(self, user):
        self.env["bus.presence"].sudo().search([("user_id", "=", user.id)]).unlink()

    def _make_script(self):
        """The script; its steps and answers are kept as attributes of the test (step_*, answer_*)."""
        Step = self.env["livechat.chatbot.step"]
        script = self.env["livechat.chatbot.script"].create({"title": "Test Bot", "bot_name": "Botty"})

        def step(sequence, step_type, message, **values):
            return Step.create(dict(values, script_id=script.id, sequence=sequence, step_type=step_type,
                                    message=message))

        self.step_hello = step(10, "text", "Hi, I am Botty.")
        self.step_need = step(20, "question_selection", "What brings you here?", answer_ids=[
            (0, 0, {"name": "Buy", "sequence": 1}),
            (0, 0, {"name": "Help", "sequence": 2}),
            (0, 0, {"name": "Bye", "sequence": 3, "next_action": "end"}),
        ])
        self.answer_buy, self.answer_help, self.answer_bye = self.step_need.answer_ids
        self.step_phone = step(30, "question_phone", "Your phone number?",
                               triggering_answer_ids=[(6, 0, self.answer_buy.ids)])
        self.step_free = step(40, "free_input", "What would you like to buy?")
        self.step_noted = step(50, "text", "Noted.", triggering_answer_ids=[(6, 0, self.answer_help.ids)])
        self.step_email = step(60, "question_email", "Your e-mail address?")
        self.step_forward = step(70, "forward_operator", "Let me find a colleague.")
        self.step_later = step(80, "text", "We will write to you.")
        self.answer_help.write({"next_action": "redirect", "redirect_step_id": self.step_email.id})
        return script

    def _setup_chatbot_channel(self, login):
        self.operator = self._make_operator(login, "Olivia Operator", chat_name="Olivia")
        self.script = self._make_script()
        self.channel = self.env["livechat.channel"].create({
            "name": "Bot Shop", "user_ids": [(6, 0, [self.operator.id])],
            "rule_ids": [(0, 0, {"action": "display_button", "regex_url": "/",
                                 "chatbot_script_id": self.script.id})],
        })
        self.rule = self.channel.rule_ids
        self._set_offline(self.operator)
