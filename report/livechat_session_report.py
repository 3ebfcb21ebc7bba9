from odoo import fields, models, tools

from ..models.livechat_session_queue import QUEUE_OUTCOMES
from ..models.livechat_session_rating import RATING_SELECTION
from ..models.livechat_session_workspace import OUTCOME_SELECTION, STATUS_SELECTION

WEEKDAY_SELECTION = [
    ("1", "Monday"), ("2", "Tuesday"), ("3", "Wednesday"), ("4", "Thursday"), ("5", "Friday"),
    ("6", "Saturday"), ("7", "Sunday"),
]


class LivechatSessionReport(models.Model):
    """Statistics per conversation, for pivot and graph reports by channel, operator, country, language,
    date, hour of the day, weekday and outcome.

    Only conversations in which someone wrote (the visitor, an operator or the bot) are rows: a chat
    window that opened by itself and stayed silent is no conversation. Hours and weekdays are those of
    the operator's time zone (UTC when he has none), when the visitors' day is lived."""

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
    hour_of_day = fields.Integer(string="Hour of Day", readonly=True, group_operator=False,
                                 help="Hour the conversation started, in the operator's time zone.")
    weekday = fields.Selection(WEEKDAY_SELECTION, string="Weekday", readonly=True,
                               help="Day of the week the conversation started, in the operator's time zone.")
    visitor_lang = fields.Char(string="Visitor Language", readonly=True)
    outcome = fields.Selection(OUTCOME_SELECTION, string="Outcome", readonly=True)
    conversation_status = fields.Selection(STATUS_SELECTION, string="Conversation Status", readonly=True)
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
                -- the time zones PostgreSQL knows (a partner's may be one it does not)
                WITH zones AS (SELECT name FROM pg_timezone_names)
                SELECT s.id AS id,
                       s.id AS session_id,
                       s.channel_id,
                       s.operator_id,
                       s.country_id,
                       s.start_date,
                       s.state,
                       s.rating,
                       EXTRACT(HOUR FROM local.start)::int AS hour_of_day,
                       EXTRACT(ISODOW FROM local.start)::int::varchar AS weekday,
                       s.visitor_lang,
                       s.outcome,
                       s.conversation_status,
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
                       s.queue_outcome,
                       CASE WHEN s.queue_date IS NULL THEN 0 ELSE 1 END AS nbr_queued,
                       CASE WHEN s.queue_outcome IN ('left', 'timeout') THEN 1 ELSE 0 END AS nbr_left_queue,
                       EXTRACT(EPOCH FROM queue_answer.first_answer - s.queue_date) AS queue_wait
                  FROM livechat_session s
             LEFT JOIN res_users operator ON operator.id = s.operator_id
             LEFT JOIN res_partner operator_partner ON operator_partner.id = operator.partner_id
             LEFT JOIN zones ON zones.name = operator_partner.tz
             LEFT JOIN LATERAL (
                       SELECT (s.start_date AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(zones.name, 'UTC') AS start
                   ) local ON TRUE
             LEFT JOIN LATERAL (
                       SELECT count(*) FILTER (WHERE m.message_type = 'comment'
                                                 AND m.livechat_welcome IS NOT TRUE) AS message_count,
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
                          AND m.livechat_welcome IS NOT TRUE
                          AND m.date >= stats.first_visitor_message
                   ) answer ON TRUE
             LEFT JOIN LATERAL (
                       SELECT min(m.date) AS first_answer
                         FROM mail_message m
                        WHERE s.queue_date IS NOT NULL
                          AND m.model = 'mail.channel' AND m.res_id = s.mail_channel_id
                          AND m.message_type = 'comment' AND m.author_id = operator.partner_id
                          AND m.livechat_welcome IS NOT TRUE
                          AND m.date >= s.queue_date
                   ) queue_answer ON TRUE
                 WHERE (s.mail_channel_id IS NOT NULL AND stats.message_count > 0) OR s.queue_date IS NOT NULL
            )
        """)
