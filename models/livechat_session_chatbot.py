"""The chatbot at work in a conversation: it talks first, waits for answers, hands over to an operator."""
import re
from urllib.parse import parse_qs, urlsplit

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .livechat_chatbot_step import INPUT_STEP_TYPES
from .livechat_events import CHATBOT
from .livechat_input import CHATBOT_ANSWER_MAX_LENGTH, QUOTE_MAX_LENGTH, is_email

PHONE_RE = re.compile(r"^\+?[0-9 ().\-/]+$")
PHONE_MIN_DIGITS = 6
# Steps said in a row without waiting for the visitor, at most (a guard against endless scripts).
MAX_STEPS_IN_A_ROW = 100
INPUT_KINDS = {
    "question_selection": "choice",
    "question_email": "email",
    "question_phone": "phone",
    "free_input": "text",
}


def is_valid_phone(text):
    return bool(PHONE_RE.match(text)) and PHONE_MIN_DIGITS <= len(re.sub(r"\D", "", text)) <= 20


class LivechatSession(models.Model):
    """A session can start with a chatbot: it talks until it needs an operator or its script ends."""

    _inherit = "livechat.session"

    chatbot_script_id = fields.Many2one("livechat.chatbot.script", string="Chatbot", index=True,
                                        ondelete="set null")
    chatbot_state = fields.Selection([
        ("running", "Bot talking"),
        ("forwarded", "Forwarded to an operator"),
        ("done", "Bot finished"),
    ], string="Chatbot Status")
    chatbot_step_id = fields.Many2one(
        "livechat.chatbot.step", string="Waiting on Step", ondelete="set null",
        help="The question the bot waits an answer for.")
    chatbot_answer_ids = fields.One2many("livechat.session.answer", "session_id", string="Chatbot Answers")

    # ------------------------------------------------------------------
    # Which chatbot, if any, greets the visitor
    # ------------------------------------------------------------------
    @api.model
    def _chatbot_for_rule(self, channel, rule, available=None):
        """The chatbot of ``rule`` if it should talk now: active, with steps, and when the rule says
        "Enabled only if no operator", only while no operator is available (``available``: whether
        one is, when the caller knows)."""
        script = rule.sudo().chatbot_script_id if rule else self.env["livechat.chatbot.script"]
        if not script or not script.active or not script.step_ids:
            return script.browse()
        if available is None and rule.chatbot_only_if_no_operator:
            available = bool(channel._get_available_operators())
        if rule.chatbot_only_if_no_operator and available:
            return script.browse()
        return script

    @api.model
    def _chatbot_from_test_url(self, url):
        """The script a "Test" link of the Chatbot form forces (signed by the server), or empty."""
        scripts = self.env["livechat.chatbot.script"].sudo()
        if not url or "chatbot=" not in url:
            return scripts.browse()
        try:
            query = parse_qs(urlsplit(url).query)
            script_id = int(query.get("chatbot", ["0"])[0])
        except ValueError:
            return scripts.browse()
        script = scripts.browse(script_id).exists()
        if script and script.step_ids and script._check_test_signature(query.get("chatbot_signature", [""])[0]):
            return script
        return scripts.browse()

    @api.model
    def _chatbot_widget_texts(self):
        """The words of the inputs the bot asks for (part of the widget's texts)."""
        return {
            "chatbot_email": _("Your e-mail address"),
            "chatbot_phone": _("Your phone number"),
            "chatbot_text": _("Your answer"),
            "chatbot_choose": _("Choose an answer"),
        }

    # ------------------------------------------------------------------
    # Opening with a chatbot
    # ------------------------------------------------------------------
    @api.model
    def _create_chatbot_session(self, channel, script, visitor):
        """A session and its conversation with no operator yet: operators see it once it is forwarded.

        ``visitor``: the cleaned values of ``_open_for_visitor``, with ``country`` and ``rule``."""
        name = visitor.get("visitor_name") or self._next_visitor_name()
        values = self._visitor_session_values(channel, dict(visitor, visitor_name=name))
        title = self._conversation_title(name, values["visitor_verified"])
        return self.sudo().create(dict(values, mail_channel_id=self._create_conversation(title).id,
                                       chatbot_script_id=script.id, chatbot_state="running"))

    # ------------------------------------------------------------------
    # The bot talks
    # ------------------------------------------------------------------
    def _chatbot_say(self, text):
        """Post ``text`` (plain text) in the conversation as the bot; nothing when it is empty."""
        self.ensure_one()
        if (text or "").strip():
            self._post(text, kind="bot")

    def _chatbot_chosen_answers(self):
        return self.chatbot_answer_ids.mapped("answer_id")

    def _chatbot_run(self, step):
        """Say ``step`` and the steps after it, until one waits for the visitor, an operator takes
        over, or the script ends. Then tell the visitor's widget what the bot expects."""
        self.ensure_one()
        script = self.chatbot_script_id
        said = 0
        while step and said < MAX_STEPS_IN_A_ROW:
            said += 1
            self._chatbot_say(step.message)
            if step.step_type in INPUT_STEP_TYPES:
                self.write({"chatbot_step_id": step.id, "chatbot_state": "running"})
                break
            if step.step_type == "forward_operator":
                if self._chatbot_forward():
                    break
                self.no_one_available = True  # the outcome (livechat_session_workspace)
                self._chatbot_say(_("Sorry, no operator is available right now."))
            step = script._next_step(step, self._chatbot_chosen_answers())
        else:
            self._chatbot_script_ended()
            return
        self._chatbot_notify_visitor()

    def _chatbot_script_ended(self):
        """The script has nothing more to say. With an operator on the conversation or one available,
        it stays open (the visitor's next message hands it over: ``_chatbot_after_script``); with
        nobody, the visitor is told, offered the offline form (or to start again), and it ends: he
        never types into a conversation nobody reads."""
        self.ensure_one()
        self.write({"chatbot_step_id": False, "chatbot_state": "done"})
        if self.operator_id or self.channel_id._get_available_operators():
            self._chatbot_notify_visitor()
        else:
            self._chatbot_nobody_available()

    def _chatbot_nobody_available(self):
        """Say that nobody can take over, then end the session (``_end('chatbot')``)."""
        self.ensure_one()
        if self.channel_id.sudo().offline_form_enabled:
            self._chatbot_say(_("No one is available to continue this conversation. "
                                "Leave us a message and we will get back to you."))
        else:
            self._chatbot_say(_("No one is available to continue this conversation. Please try again later."))
        self._end("chatbot")

    def _chatbot_after_script(self):
        """The visitor wrote after the script ended: an available operator takes the conversation
        over, else the visitor is told nobody can (``_chatbot_nobody_available``)."""
        self.ensure_one()
        if self.state == "open" and self.chatbot_state == "done" and not self.operator_id:
            if not self._chatbot_forward():
                self._chatbot_nobody_available()
                return
            self._chatbot_notify_visitor()

    def _chatbot_closed_info(self):
        """What the widget's ``closed`` event says when the bot ended the conversation: nobody was
        available, and whether to offer the offline form."""
        self.ensure_one()
        return {"reason": "no_operator", "offline_form": bool(self.channel_id.sudo().offline_form_enabled)}

    def _chatbot_forward(self):
        """Hand the conversation over to an available operator, who gets the transcript so far.

        Returns False when nobody is available."""
        self.ensure_one()
        operator = self._select_operator(self.channel_id, self.visitor_uid)
        if not operator:
            return False
        self.write({"operator_id": operator.id, "chatbot_state": "forwarded", "chatbot_step_id": False})
        self._join_operator(operator)  # livechat_session_transfer: the one way an operator joins
        return True

    def _chatbot_record(self, step, value, answer=None):
        self.ensure_one()
        return self.env["livechat.session.answer"].sudo().create({
            "session_id": self.id,
            "step_id": step.id,
            "question": step.message or "",
            "answer_id": answer.id if answer else False,
            "value": value[:CHATBOT_ANSWER_MAX_LENGTH],
        })

    # ------------------------------------------------------------------
    # The visitor answers
    # ------------------------------------------------------------------
    def _chatbot_waiting_step(self):
        self.ensure_one()
        if self.state != "open" or self.chatbot_state != "running":
            return self.env["livechat.chatbot.step"]
        return self.chatbot_step_id

    def _chatbot_select_answer(self, answer):
        """The visitor clicked ``answer`` (a livechat.chatbot.answer) of the question the bot waits on."""
        self.ensure_one()
        step = self._chatbot_waiting_step()
        if not step or step.step_type != "question_selection" or answer.step_id != step:
            raise UserError(_("This answer is no longer expected: the conversation has moved on."))
        # the visitor's click is his message (the answer's label: no typed text to clean)
        self._post(answer.name, kind="visitor")
        self._chatbot_apply_answer(step, answer)

    def _chatbot_apply_answer(self, step, answer):
        self._chatbot_record(step, answer.name, answer=answer)
        if answer.next_action == "end":
            self._chatbot_script_ended()
        elif answer.next_action == "redirect" and answer.redirect_step_id:
            self._chatbot_run(answer.redirect_step_id)
        else:
            self._chatbot_run(self.chatbot_script_id._next_step(step, self._chatbot_chosen_answers()))

    def _chatbot_receive_text(self, text):
        """The visitor typed ``text`` while the bot waits: check it against the step and go on."""
        self.ensure_one()
        step = self._chatbot_waiting_step()
        if not step:
            return
        text = text.strip()
        if step.step_type == "question_selection":
            wanted = text.casefold()
            answer = step.answer_ids.filtered(lambda a: (a.name or "").strip().casefold() == wanted)[:1]
            if answer:
                self._chatbot_apply_answer(step, answer)
            else:
                self._chatbot_reask(_("Please choose one of the answers."))
            return
        if step.step_type == "question_email" and not is_email(text):
            self._chatbot_reask(_('"%s" does not look like an e-mail address. '
                                  'Please type it again, for example name@example.com.') % text[:QUOTE_MAX_LENGTH])
            return
        if step.step_type == "question_phone" and not is_valid_phone(text):
            self._chatbot_reask(_('"%s" does not look like a phone number. '
                                  'Please type it again, with digits only, for example +40 21 123 4567.')
                                % text[:QUOTE_MAX_LENGTH])
            return
        self._chatbot_record(step, text)
        self._chatbot_run(self.chatbot_script_id._next_step(step, self._chatbot_chosen_answers()))

    def _chatbot_reask(self, text):
        """The answer did not fit: say why, and wait on the same step."""
        self._chatbot_say(text)
        self._chatbot_notify_visitor()

    # ------------------------------------------------------------------
    # What the visitor's widget sees
    # ------------------------------------------------------------------
    def _chatbot_info(self):
        """The bot's name and picture, and what it waits for: {input: choice|email|phone|text|None}."""
        self.ensure_one()
        info = dict(self.chatbot_script_id._visitor_card(), state=self.chatbot_state or "done",
                    input=None, answers=[])
        step = self._chatbot_waiting_step()
        if step:
            info["input"] = INPUT_KINDS.get(step.step_type)
            info["step_id"] = step.id
            if step.step_type == "question_selection":
                info["answers"] = [{"id": answer.id, "label": answer.name} for answer in step.answer_ids]
        if self.operator_id:
            info["operator_name"] = self.operator_id._livechat_display_name()
        elif self.state == "closed" and self.chatbot_state == "done":
            # the bot ended it (reopened on another page, or opened and ended at once): what to offer
            info["closed"] = self._chatbot_closed_info()
        return info

    def _chatbot_notify_visitor(self):
        self.ensure_one()
        self._send_event(CHATBOT, self._chatbot_info())

    @api.model
    def _chatbot_author_card(self, author):
        """What a message's payload adds when its author is a bot: its picture (else nothing)."""
        scripts = self.env["livechat.chatbot.script"]
        script_id = scripts._script_ids_by_partner().get(author.id) if author else None
        if not script_id:
            return {}
        return {"is_bot": True, "author_avatar": scripts.browse(script_id)._avatar_url()}
