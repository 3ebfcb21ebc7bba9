from odoo import fields, models, tools

from ..models.livechat_session_queue import QUEUE_OUTCOMES
from ..models.livechat_session_rating import RATING_SELECTION


class LivechatSessionReport(models.Model):
    """Statistics per session, for pivot and graph reports by channel, operator, country and date."""

    _name = "livechat.session.report"
    _description = "Live Chat Session Statistics"
    _auto = False
    _order = "start_date desc"
    _rec_name = "session_id"

    session_id = fields.Many2one("livechat.session", string="Session", readonly=True)
    channel_id = fields.Many2one("livechat.channel", string="Channel", readonly=True)
    operator_id = fields.Many2one("res.users", string="Operator", readonly=True)
    country_id = fields.Many2one("res.country", string="Country", readonly=True)
    start_date = fields.Datetime(string="Started", readonly=True)
    state = fields.Selection([("waiting", "Waiting in Line"), ("open", "In Progress"), ("closed", "Closed")],
                             string="Status", readonly=True)
    rating = fields.Selection(RATING_SELECTION, string="Rating", readonly=True)
    nbr_sessions = fields.Integer(string="Sessions", readonly=True)
    nbr_rated = fields.Integer(string="Rated Sessions", readonly=True)
    nbr_happy = fields.Integer(string="Happy Ratings", readonly=True)
    rating_satisfaction = fields.Float(
        string="Satisfaction (%)", readonly=True, group_operator="avg",
        help="Average of the ratings given: happy 100, neutral 50, unhappy 0. Unrated sessions do not count.")
    message_count = fields.Integer(string="Messages", readonly=True)
    visitor_message_count = fields.Integer(string="Visitor Messages", readonly=True)
    time_to_answer = fields.Float(
        string="Time to First Answer (s)", readonly=True, group_operator="avg",
        help="Seconds between the visitor's first message and the operator's first answer.")
    # the waiting queue (livechat_session_queue)
    start_hour = fields.Integer(string="Hour of the Day (UTC)", readonly=True, group_operator="min",
                                help="The hour (0-23, UTC) the visitor opened the chat.")
    queue_outcome = fields.Selection(QUEUE_OUTCOMES, string="End of the Wait", readonly=True)
    nbr_queued = fields.Integer(string="Visitors in Line", readonly=True,
                                help="Sessions whose visitor had to wait in line.")
    nbr_left_queue = fields.Integer(
        string="Left the Line", readonly=True,
        help="Visitors who left the line, or waited too long, before an operator took them.")
    queue_wait = fields.Float(
        string="Wait in Line to First Answer (s)", readonly=True, group_operator="avg",
        help="Seconds between the visitor's arrival in line and the operator's first answer.")
    duration = fields.Float(
        string="Duration (min)", readonly=True, group_operator="avg",
        help="Minutes between the start of the conversation and its end (or its last message).")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE VIEW livechat_session_report AS (
                SELECT s.id AS id,
                       s.id AS session_id,
                       s.channel_id,
                       s.operator_id,
                       s.country_id,
                       s.start_date,
                       s.state,
                       s.rating,
                       1 AS nbr_sessions,
                       CASE WHEN s.rating IS NULL THEN 0 ELSE 1 END AS nbr_rated,
                       CASE WHEN s.rating = 'happy' THEN 1 ELSE 0 END AS nbr_happy,
                       CASE s.rating WHEN 'happy' THEN 100.0 WHEN 'neutral' THEN 50.0
                                     WHEN 'unhappy' THEN 0.0 END AS rating_satisfaction,
                       COALESCE(stats.message_count, 0) AS message_count,
                       COALESCE(stats.visitor_message_count, 0) AS visitor_message_count,
                       EXTRACT(EPOCH FROM answer.first_answer - stats.first_visitor_message) AS time_to_answer,
                       EXTRACT(EPOCH FROM COALESCE(s.end_date, stats.last_message, s.start_date) - s.start_date)
                           / 60.0 AS duration,
                       EXTRACT(HOUR FROM s.start_date)::integer AS start_hour,
                       s.queue_outcome,
                       CASE WHEN s.queue_date IS NULL THEN 0 ELSE 1 END AS nbr_queued,
                       CASE WHEN s.queue_outcome IN ('left', 'timeout') THEN 1 ELSE 0 END AS nbr_left_queue,
                       EXTRACT(EPOCH FROM queue_answer.first_answer - s.queue_date) AS queue_wait
                  FROM livechat_session s
             LEFT JOIN res_users operator ON operator.id = s.operator_id
             LEFT JOIN LATERAL (
                       SELECT count(*) FILTER (WHERE m.message_type = 'comment') AS message_count,
                              count(*) FILTER (WHERE m.message_type = 'comment' AND m.author_id IS NULL)
                                  AS visitor_message_count,
                              min(m.date) FILTER (WHERE m.message_type = 'comment' AND m.author_id IS NULL)
                                  AS first_visitor_message,
                              max(m.date) AS last_message
                         FROM mail_message m
                        WHERE m.model = 'mail.channel' AND m.res_id = s.mail_channel_id
                   ) stats ON TRUE
             LEFT JOIN LATERAL (
                       SELECT min(m.date) AS first_answer
                         FROM mail_message m
                        WHERE m.model = 'mail.channel' AND m.res_id = s.mail_channel_id
                          AND m.message_type = 'comment' AND m.author_id = operator.partner_id
                          AND m.date >= stats.first_visitor_message
                   ) answer ON TRUE
             LEFT JOIN LATERAL (
                       SELECT min(m.date) AS first_answer
                         FROM mail_message m
                        WHERE s.queue_date IS NOT NULL
                          AND m.model = 'mail.channel' AND m.res_id = s.mail_channel_id
                          AND m.message_type = 'comment' AND m.author_id = operator.partner_id
                          AND m.date >= s.queue_date
                   ) queue_answer ON TRUE
            )
        """)
