from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class LivechatChatbotAnswer(models.Model):
    """A predefined answer of a chatbot question: a button the visitor clicks."""

    _name = "livechat.chatbot.answer"
    _description = "Live Chat Chatbot Answer"
    _order = "sequence, id"

    name = fields.Char(string="Answer", required=True, translate=True)
    sequence = fields.Integer(default=10)
    step_id = fields.Many2one("livechat.chatbot.step", string="Question", required=True, index=True,
                              ondelete="cascade")
    script_id = fields.Many2one(related="step_id.script_id", string="Chatbot", store=True, readonly=True)
    next_action = fields.Selection([
        ("next", "Go on with the next step"),
        ("redirect", "Jump to a step"),
        ("end", "End the script"),
    ], string="Then", required=True, default="next",
        help="What the bot does once the visitor chose this answer.")
    redirect_step_id = fields.Many2one(
        "livechat.chatbot.step", string="Jump to", ondelete="set null",
        domain="[('script_id', '=', script_id)]",
        help="The step the bot goes on with (whatever its Only If Answered says), then the steps after it.")

    def name_get(self):
        """The answer; 'Question: answer' where answers of several questions mix (step conditions)."""
        if not self.env.context.get("livechat_answer_with_question"):
            return super(LivechatChatbotAnswer, self).name_get()
        result = []
        for answer in self:
            question = answer.step_id.display_name or ""
            result.append((answer.id, "%s: %s" % (question, answer.name) if question else answer.name))
        return result

    @api.constrains("next_action", "redirect_step_id", "step_id")
    def _check_redirect_step(self):
        for answer in self:
            if answer.next_action != "redirect":
                continue
            if not answer.redirect_step_id:
                raise ValidationError(_("The answer \"%s\" jumps to a step: choose which one.") % answer.name)
            if answer.redirect_step_id.script_id != answer.step_id.script_id:
                raise ValidationError(_("The answer \"%s\" can only jump to a step of its own chatbot.")
                                      % answer.name)
