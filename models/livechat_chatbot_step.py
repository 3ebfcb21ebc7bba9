from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# Steps after which the bot waits for the visitor.
INPUT_STEP_TYPES = ("question_selection", "question_email", "question_phone", "free_input")


class LivechatChatbotStep(models.Model):
    """One step of a chatbot script: a message, a question, or the hand-over to an operator."""

    _name = "livechat.chatbot.step"
    _description = "Live Chat Chatbot Step"
    _order = "sequence, id"
    _rec_name = "message"

    script_id = fields.Many2one("livechat.chatbot.script", string="Chatbot", required=True, index=True,
                                ondelete="cascade")
    sequence = fields.Integer(default=10)
    step_type = fields.Selection([
        ("text", "Text message"),
        ("question_selection", "Question with answers"),
        ("question_email", "Ask for an e-mail"),
        ("question_phone", "Ask for a phone number"),
        ("free_input", "Free text input"),
        ("forward_operator", "Forward to an operator"),
    ], string="Step Type", required=True, default="text",
        help="Text message: the bot says it and goes on. "
             "Question with answers: the visitor clicks one of the answers. "
             "Ask for an e-mail / a phone number: the visitor types it; an invalid one is asked again. "
             "Free text input: the visitor types anything. "
             "Forward to an operator: an available operator takes over the conversation; "
             "when nobody is available the bot says so and goes on.")
    message = fields.Text(
        string="Message", translate=True,
        help="What the bot writes. Required, except for a forward to an operator.")
    answer_ids = fields.One2many("livechat.chatbot.answer", "step_id", string="Answers", copy=True)
    triggering_answer_ids = fields.Many2many(
        "livechat.chatbot.answer", "livechat_chatbot_step_triggering_answer_rel", "step_id", "answer_id",
        string="Only If Answered", copy=False,
        domain="[('step_id.script_id', '=', script_id)]",
        help="The step runs only for visitors who chose one of these answers (for each question listed here). "
             "Empty: every visitor.")
    is_input = fields.Boolean(string="Waits for the Visitor", compute="_compute_is_input")

    @api.depends("step_type")
    def _compute_is_input(self):
        for step in self:
            step.is_input = step.step_type in INPUT_STEP_TYPES

    # whether a script has steps decides whether its bot shows on a page: the widget's answer is
    # cached (livechat.session._widget_init)
    @api.model
    def create(self, vals):
        step = super(LivechatChatbotStep, self).create(vals)
        self.clear_caches()
        return step

    def write(self, vals):
        result = super(LivechatChatbotStep, self).write(vals)
        if "script_id" in vals:
            self.clear_caches()
        return result

    def unlink(self):
        result = super(LivechatChatbotStep, self).unlink()
        self.clear_caches()
        return result

    def name_get(self):
        result = []
        for step in self:
            text = (step.message or dict(self._fields["step_type"]._description_selection(self.env)).get(
                step.step_type) or "").strip().splitlines()
            label = text[0] if text else ""
            if len(label) > 60:
                label = label[:57] + "..."
            result.append((step.id, label))
        return result

    @api.constrains("step_type", "message")
    def _check_message(self):
        for step in self:
            if step.step_type != "forward_operator" and not (step.message or "").strip():
                raise ValidationError(_("A step of type \"%s\" needs a message: what should the bot say?")
                                      % dict(self._fields["step_type"]._description_selection(self.env))[
                                          step.step_type])

    @api.constrains("step_type", "answer_ids")
    def _check_answers(self):
        for step in self:
            if step.step_type == "question_selection" and not step.answer_ids:
                raise ValidationError(_("The question \"%s\" needs at least one answer for the visitor to "
                                        "choose.") % (step.message or "").strip())

    @api.constrains("triggering_answer_ids", "script_id", "sequence")
    def _check_triggering_answers(self):
        for step in self:
            for answer in step.triggering_answer_ids:
                if answer.step_id.script_id != step.script_id:
                    raise ValidationError(_("A step can only depend on answers of its own chatbot."))
                if answer.step_id == step:
                    raise ValidationError(_("A step cannot depend on its own answers."))

    def _is_allowed_for(self, chosen_answers):
        """Whether a visitor who chose ``chosen_answers`` gets this step.

        For each question the step's conditions name, the visitor must have chosen one of the
        named answers of that question.
        """
        self.ensure_one()
        for question in self.triggering_answer_ids.mapped("step_id"):
            wanted = self.triggering_answer_ids.filtered(lambda answer: answer.step_id == question)
            if not wanted & chosen_answers:
                return False
        return True
