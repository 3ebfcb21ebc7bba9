"""A session waiting in its channel's queue: its place in line, its assignment, its leaving.

A visitor nobody can take now (every available operator is at the channel's cap) gets a session
in the state 'waiting' (``queue_date`` set); the channel's dispatcher (livechat_channel_queue)
assigns him to the first operator with room, first come first served. What he types while he
waits is posted in the conversation (created without operator); the operator he is assigned to
joins it and finds it in his chat window. The widget learns its place in line and the estimated
wait, then its operator or the end of the wait, from the ``queue`` event (livechat_events).
"""
from datetime import timedelta

from odoo import _, fields, models

from .livechat_channel_queue import in_tests
from .livechat_events import QUEUE, bus_event

# a waiting visitor whose widget has not polled for this long closed his page: he leaves the line
QUEUE_GONE_AFTER = timedelta(minutes=3)
# how often a waiting visitor's polls record that he is still there
QUEUE_SEEN_EVERY_SECONDS = 20

QUEUE_OUTCOMES = [
    ("assigned", "Assigned"),
    ("left", "Left the Queue"),
    ("timeout", "Waited Too Long"),
]


class LivechatSession(models.Model):
    """The waiting queue of a session."""

    _inherit = "livechat.session"

    queue_date = fields.Datetime(string="Queued", readonly=True, index=True,
                                 help="When the visitor started to wait in line (empty: nobody had to wait).")
    assign_date = fields.Datetime(string="Assigned", readonly=True,
                                  help="When the visitor waiting in line got his operator.")
    queue_outcome = fields.Selection(QUEUE_OUTCOMES, string="End of the Wait", readonly=True)
    queue_number = fields.Integer(
        string="Number in Line", readonly=True, copy=False,
        help="The order of arrival in the channel's line, given by the dispatcher under the channel's lock: "
             "the order in which waiting visitors are served.")
    queue_seen_date = fields.Datetime(string="Last Seen in Line", readonly=True,
                                      help="The last time the waiting visitor's widget asked for news.")

    def _queue_values(self):
        """What a session waiting in line records when it is created (``_open_for_visitor``)."""
        now = fields.Datetime.now()
        return {"state": "waiting", "queue_date": now, "queue_seen_date": now}

    def _queue_enter(self):
        """This session (new, waiting) joins its channel's line, and the line moves at once: the
        session is committed first, so that the dispatcher (its own transaction, under the channel's
        lock) sees it. Returns the session, assigned or still waiting."""
        self.ensure_one()
        if not in_tests(self.pool):
            self.env.cr.commit()  # pylint: disable=invalid-commit
        self.channel_id.with_context(livechat_queue_entering=self.id)._queue_run(notify=False)
        self.invalidate_cache()
        return self

    def _queue_positions(self):
        """{session id: its place in its channel's line (1: next)} for these waiting sessions."""
        positions = {}
        for channel in self.mapped("channel_id"):
            for position, session in enumerate(channel._queue_waiting(), 1):
                positions[session.id] = position
        return positions

    def _queue_info(self, position=None, minutes=None):
        """What the widget shows of a waiting session: its place in line, the estimated wait (minutes),
        and whether the visitor may leave a message instead (the channel's offline form)."""
        self.ensure_one()
        session = self.sudo()
        if position is None:
            position = session._queue_positions().get(session.id, 1)
        if minutes is None:
            minutes = session.channel_id._queue_estimates(position)[-1]
        return {"state": "waiting", "position": position, "wait_minutes": minutes,
                "offline": bool(session.channel_id._offline_form_info())}

    def _queue_notify_positions(self):
        """Send each of these waiting sessions (of one channel, in line order) its place in line."""
        if not self:
            return
        channel = self[0].channel_id
        estimates = channel._queue_estimates(len(self))
        offline = bool(channel._offline_form_info())
        notifications = [
            (session._bus_channel(), bus_event(QUEUE, {
                "state": "waiting", "position": position, "wait_minutes": estimates[position - 1],
                "offline": offline}))
            for position, session in enumerate(self, 1)
        ]
        self.env["bus.bus"]._livechat_sendmany(notifications)

    def _queue_assign(self, operator):
        """The visitor's wait is over: ``operator`` takes him. What he wrote while waiting is in the
        conversation, which the operator joins (its chat window opens); the widget gets its operator."""
        self.ensure_one()
        session = self.sudo()
        values = {"state": "open", "operator_id": operator.id, "assign_date": fields.Datetime.now(),
                  "queue_outcome": "assigned"}
        arriving = self.env.context.get("livechat_queue_entering") == session.id
        if arriving:
            # served as he arrived: he never waited in line (the reports count those who did), and the
            # answer of his opening tells his widget
            values.update(queue_date=False, queue_seen_date=False, queue_outcome=False)
        session.write(values)
        if session.mail_channel_id:
            session.mail_channel_id.write({
                "channel_last_seen_partner_ids": [(0, 0, session._operator_membership(operator))]})
            session._notify_operator_new_conversation()
        if not arriving:
            session._send_event(QUEUE, {"state": "open", "operator_name": operator._livechat_display_name()})

    def _queue_expired(self):
        """Those of these waiting sessions that waited longer than their channel allows."""
        now = fields.Datetime.from_string(fields.Datetime.now())
        return self.filtered(lambda session: session.state == "waiting" and fields.Datetime.from_string(
            session.queue_date) < now - timedelta(minutes=session.channel_id.queue_max_wait_minutes or 1))

    def _queue_seen(self):
        """The waiting visitor's widget polls: he is still there (recorded every few seconds, committed
        at once: the long-poll that follows holds no transaction)."""
        self.ensure_one()
        self.env.cr.execute("""
            UPDATE livechat_session SET queue_seen_date = (now() AT TIME ZONE 'UTC')
             WHERE id = %s AND state = 'waiting'
               AND queue_seen_date < (now() AT TIME ZONE 'UTC') - interval '1 second' * %s
        """, (self.id, QUEUE_SEEN_EVERY_SECONDS))
        if self.env.cr.rowcount and not in_tests(self.pool):
            self.env.cr.commit()  # pylint: disable=invalid-commit
        return True

    def _queue_gone(self):
        """Those of these waiting sessions whose widget stopped polling: the visitor closed the page."""
        limit = fields.Datetime.from_string(fields.Datetime.now()) - QUEUE_GONE_AFTER
        return self.filtered(lambda session: session.state == "waiting" and session.queue_seen_date
                             and fields.Datetime.from_string(session.queue_seen_date) < limit)

    def _queue_timeout(self):
        """These visitors waited too long: their widget offers the offline form, the sessions end."""
        for session in self:
            session._send_event(QUEUE, {"state": "timeout", "offline": bool(session.channel_id._offline_form_info())})
        self.write({"queue_outcome": "timeout"})
        self._end("inactivity")

    def _queue_release(self, waiting):
        """These sessions ended (``_end``): those that were ``waiting`` left the line; the others freed
        a slot. Either way their channels' queues move, once this transaction is committed."""
        left = waiting.filtered(lambda session: not session.queue_outcome)
        if left:
            left.write({"queue_outcome": "left"})
        self.mapped("channel_id")._queue_run_after_commit()

    def _queue_widget_texts(self):
        """The widget's words about the queue (%(position)s and %(minutes)s filled in by the widget)."""
        return {
            "queue_position": _("You are number %(position)s in line"),
            "queue_next": _("You are next in line"),
            "queue_wait": _("about %(minutes)s minutes"),
            "queue_wait_one": _("about 1 minute"),
            "queue_leave": _("Leave a message instead"),
            "queue_typing": _("You can already write your question: the operator will read it."),
            "queue_timeout": _("Sorry, all our operators are still busy. Please try again later."),
        }
