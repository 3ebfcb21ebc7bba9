from odoo import fields, models, tools

from ..models.livechat_session_workspace import OUTCOME_SELECTION


class LivechatSessionTagReport(models.Model):
    """Conversations per tag: a row per tag of a conversation (a conversation with two tags counts once
    under each), with the measures of ``livechat.session.report``."""

    _name = "livechat.session.tag.report"
    _description = "Live Chat Statistics by Tag"
    _auto = False
    _order = "start_date desc"
    _rec_name = "tag_id"

    tag_id = fields.Many2one("livechat.session.tag", string="Tag", readonly=True)
    session_id = fields.Many2one("livechat.session", string="Session", readonly=True)
    channel_id = fields.Many2one("livechat.channel", string="Channel", readonly=True)
    operator_id = fields.Many2one("res.users", string="Operator", readonly=True)
    start_date = fields.Datetime(string="Started", readonly=True)
    outcome = fields.Selection(OUTCOME_SELECTION, string="Outcome", readonly=True)
    nbr_sessions = fields.Integer(string="Sessions", readonly=True)
    time_to_answer = fields.Float(string="Time to First Answer (s)", readonly=True, group_operator="avg")
    rating_satisfaction = fields.Float(string="Satisfaction (%)", readonly=True, group_operator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE VIEW livechat_session_tag_report AS (
                SELECT row_number() OVER (ORDER BY rel.session_id, rel.tag_id) AS id,
                       rel.tag_id,
                       r.session_id,
                       r.channel_id,
                       r.operator_id,
                       r.start_date,
                       r.outcome,
                       r.nbr_sessions,
                       r.time_to_answer,
                       r.rating_satisfaction
                  FROM livechat_session_tag_rel rel
                  JOIN livechat_session_report r ON r.session_id = rel.session_id
            )
        """)
