from odoo import fields, models


class LivechatSessionAnswer(models.Model):
    """What a visitor answered to a chatbot step: kept on the session for operators."""

    _name = "livechat.session.answer"
    _description = "Live Chat Chatbot Answer of a Visitor"
    _order = "session_id desc, id"
    _rec_name = "value"

    session_id = fields.Many2one("livechat.session", string="Session", required=True, index=True,
                                 ondelete="cascade")
    script_id = fields.Many2one(related="session_id.chatbot_script_id", string="Chatbot", store=True,
                                readonly=True)
    visitor_name = fields.Char(related="session_id.visitor_name", string="Visitor", readonly=True)
    step_id = fields.Many2one("livechat.chatbot.step", string="Step", ondelete="set null")
    step_type = fields.Selection(related="step_id.step_type", string="Step Type", readonly=True)
    question = fields.Text(string="Question", readonly=True,
                           help="What the bot asked, as the visitor saw it.")
    answer_id = fields.Many2one("livechat.chatbot.answer", string="Chosen Answer", ondelete="set null")
    value = fields.Char(string="Answer", required=True, readonly=True,
                        help="The answer the visitor chose or typed.")
