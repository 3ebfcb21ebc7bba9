"""The chatbot at work in a conversation: it talks first, waits for answers, hands over to an operator."""
import re
from urllib.parse import parse_qs, urlsplit

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from .livechat_chatbot_step import INPUT_STEP_TYPES

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
PHONE_RE = re.compile(r"^\+?[0-9 ().\-/]+$")
PHONE_MIN_DIGITS = 6
ANSWER_MAX_LENGTH = 1000
# Steps said in a row without waiting for the visitor, at most (a guard against endless scripts).
MAX_STEPS_IN_A_ROW = 100
INPUT_KINDS = {
    "question_selection": "choice",
    "question_email": "email",
    "question_phone": "phone",
    "free_input": "text",
}


def is_valid_email(text):
    return len(text) <= 254 and bool(EMAIL_RE.match(text))


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
    def _chatbot_for_rule(self, channel, rule):
        """The chatbot of ``rule`` if it should talk now: active, with steps, and when the rule says
        "Enabled only if no operator", only while no operator is available."""
        script = rule.sudo().chatbot_script_id if rule else self.env["livechat.chatbot.script"]
        if not script or not script.active or not script.step_ids:
            return script.browse()
        if rule.chatbot_only_if_no_operator and channel._get_available_operators():
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
    def _widget_init(self, channel, url_path, country_code=None):
        """The button also shows when nobody is available but a chatbot greets the visitor."""
        result = super(LivechatSession, self)._widget_init(channel, url_path, country_code)
        rule = self.env["livechat.channel.rule"].sudo().browse(result.get("rule_id") or [])
        script = self._chatbot_for_rule(channel, rule)
        result["chatbot"] = script._visitor_card() if script else None
        result["show_button"] = result.get("action") != "hide_button" and (
            bool(result.get("available")) or bool(script))
        return result

    @api.model
    def _widget_texts(self):
        texts = super(LivechatSession, self)._widget_texts()
        texts.update({
            "chatbot_email": _("Your e-mail address"),
            "chatbot_phone": _("Your phone number"),
            "chatbot_text": _("Your answer"),
            "chatbot_choose": _("Choose an answer"),
        })
        return texts

    # ------------------------------------------------------------------
    # Opening with a chatbot
    # ------------------------------------------------------------------
    @api.model
    def _open_for_visitor(self, channel, page_url=None, visitor_name=None, visitor_uid=None, country=None,
                          user_agent=None, rule=None, **kwargs):
        """With a chatbot on the rule (or a Test link), the bot opens the conversation, not an operator."""
        kwargs.update(page_url=page_url, visitor_name=visitor_name, visitor_uid=visitor_uid, country=country,
                      user_agent=user_agent, rule=rule)
        script = self._chatbot_from_test_url(page_url) or self._chatbot_for_rule(channel, rule)
        if not script:
            return super(LivechatSession, self)._open_for_visitor(channel, **kwargs)
        session = self._create_chatbot_session(channel, script, **kwargs)
        session._chatbot_run(script._next_step())
        return session

    @api.model
    def _create_chatbot_session(self, channel, script, page_url=None, visitor_name=None, visitor_uid=None,
                                country=None, user_agent=None, rule=None, **_kwargs):
        """A session and its conversation with no operator yet: operators see it once it is forwarded."""
        lang = channel.sudo().user_ids[:1].lang or self.env.lang
        name = visitor_name or self.with_context(lang=lang)._next_visitor_name()
        values = self._visitor_session_values(channel, name, page_url=page_url, visitor_uid=visitor_uid,
                                              country=country, user_agent=user_agent, rule=rule)
        return self.sudo().create(dict(values, mail_channel_id=self._create_conversation(name).id,
                                       chatbot_script_id=script.id, chatbot_state="running"))

    # ------------------------------------------------------------------
    # The bot talks
    # ------------------------------------------------------------------
    def _chatbot_say(self, text, message_type="comment"):
        """Post ``text`` (plain text) in the conversation as the bot."""
        self.ensure_one()
        if not (text or "").strip():
            return self.env["mail.message"]
        return self.mail_channel_id.sudo().with_context(mail_create_nosubscribe=True).message_post(
            body=plaintext2html(text.strip()), author_id=self.chatbot_script_id.operator_partner_id.id,
            message_type=message_type, subtype="mail.mt_comment")

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
                self._chatbot_say(_("Sorry, no operator is available right now."))
            step = script._next_step(step, self._chatbot_chosen_answers())
        else:
            self.write({"chatbot_step_id": False, "chatbot_state": "done"})
        self._chatbot_notify_visitor()

    def _chatbot_forward(self):
        """Hand the conversation over to an available operator, who gets the transcript so far.

        Returns False when nobody is available."""
        self.ensure_one()
        operator = self._select_operator(self.channel_id, self.visitor_uid)
        if not operator:
            return False
        self.mail_channel_id.sudo().write({
            "channel_last_seen_partner_ids": [(0, 0, self._operator_membership(operator))]})
        self.write({"operator_id": operator.id, "chatbot_state": "forwarded", "chatbot_step_id": False})
        self.mail_channel_id.sudo().with_context(mail_create_nosubscribe=True).message_post(
            body=plaintext2html(self._chatbot_joined_text(operator)), author_id=operator.partner_id.id,
            message_type="notification", subtype="mail.mt_comment")
        self._notify_operator_new_conversation()
        return True

    def _chatbot_joined_text(self, operator):
        return _("%s joined the conversation.") % operator._livechat_display_name()

    def _chatbot_record(self, step, value, answer=None):
        self.ensure_one()
        return self.env["livechat.session.answer"].sudo().create({
            "session_id": self.id,
            "step_id": step.id,
            "question": step.message or "",
            "answer_id": answer.id if answer else False,
            "value": value[:ANSWER_MAX_LENGTH],
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
        self.with_context(livechat_chatbot_answering=True)._post_visitor_message(answer.name)
        self._chatbot_apply_answer(step, answer)

    def _chatbot_apply_answer(self, step, answer):
        self._chatbot_record(step, answer.name, answer=answer)
        if answer.next_action == "end":
            self.write({"chatbot_step_id": False, "chatbot_state": "done"})
            self._chatbot_notify_visitor()
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
        if step.step_type == "question_email" and not is_valid_email(text):
            self._chatbot_reask(_('"%s" does not look like an e-mail address. '
                                  'Please type it again, for example name@example.com.') % text[:100])
            return
        if step.step_type == "question_phone" and not is_valid_phone(text):
            self._chatbot_reask(_('"%s" does not look like a phone number. '
                                  'Please type it again, with digits only, for example +40 21 123 4567.')
                                % text[:100])
            return
        self._chatbot_record(step, text)
        self._chatbot_run(self.chatbot_script_id._next_step(step, self._chatbot_chosen_answers()))

    def _chatbot_reask(self, text):
        """The answer did not fit: say why, and wait on the same step."""
        self._chatbot_say(text)
        self._chatbot_notify_visitor()

    def _post_visitor_message(self, body):
        """While the bot waits for a typed answer, what the visitor writes is that answer."""
        message = super(LivechatSession, self)._post_visitor_message(body)
        if not self.env.context.get("livechat_chatbot_answering"):
            for session in self.filtered(lambda s: s.chatbot_state == "running" and s.chatbot_step_id):
                session._chatbot_receive_text(body)
        return message

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
        return info

    def _chatbot_notify_visitor(self):
        self.ensure_one()
        self.env["bus.bus"].sendone(self._bus_channel(), {"type": "chatbot", "chatbot": self._chatbot_info()})

    def _visitor_info(self):
        info = super(LivechatSession, self)._visitor_info()
        if self.chatbot_script_id:
            info["chatbot"] = self._chatbot_info()
            if not self.operator_id:
                info["operator_name"] = self.chatbot_script_id.bot_name
        return info

    @api.model
    def _message_payload(self, message):
        """Bot messages carry the bot's picture."""
        payload = super(LivechatSession, self)._message_payload(message)
        scripts = self.env["livechat.chatbot.script"]
        script_id = scripts._script_ids_by_partner().get(message.author_id.id)
        if script_id:
            payload.update(is_bot=True, author_avatar=scripts.browse(script_id)._avatar_url())
        return payload
