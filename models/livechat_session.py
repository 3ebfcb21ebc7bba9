import secrets

from odoo import fields, models


class LivechatSession(models.Model):
    """One conversation between a website visitor and an operator (or a chatbot)."""

    _name = "livechat.session"
    _description = "Live Chat Session"
    _order = "id desc"
    _rec_name = "visitor_name"

    channel_id = fields.Many2one("livechat.channel", string="Channel", required=True, index=True,
                                 ondelete="cascade")
    rule_id = fields.Many2one("livechat.channel.rule", string="Rule", ondelete="set null")
    mail_channel_id = fields.Many2one("mail.channel", string="Conversation", ondelete="set null",
                                      index=True)
    operator_id = fields.Many2one("res.users", string="Operator", index=True, ondelete="set null")
    visitor_name = fields.Char(string="Visitor", required=True)
    country_id = fields.Many2one("res.country", string="Country")
    page_url = fields.Char(string="Started on Page")
    user_agent = fields.Char(string="User Agent")
    start_date = fields.Datetime(string="Started", default=fields.Datetime.now, required=True)
    end_date = fields.Datetime(string="Ended")
    state = fields.Selection([
        ("open", "In Progress"),
        ("closed", "Closed"),
    ], default="open", required=True, index=True)
    access_token = fields.Char(
        required=True, copy=False, index=True, groups="base.group_system",
        default=lambda self: secrets.token_urlsafe(32),
        help="Secret the visitor's browser holds to read and post to this session only.")

    _sql_constraints = [
        ("access_token_unique", "unique(access_token)", "Session tokens are unique."),
    ]

    def _bus_channel(self):
        """The bus channel the visitor's widget listens on (a tuple: not reachable by /longpolling/send)."""
        self.ensure_one()
        return (self.env.cr.dbname, "livechat.session", self.sudo().access_token)
