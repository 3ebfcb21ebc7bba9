"""A channel's capacity: the cap of conversations per operator, and the queue of visitors who wait.

When the channel caps its operators (``limit_conversations``), an operator who already has
``max_conversations`` conversations counting (open, and someone wrote in them in the last
``active_window_minutes``, or just assigned) gets no new visitor; when every available operator
is at his cap the visitor waits in the channel's queue (a session in the state 'waiting', first
come first served) and is assigned as soon as a slot frees.

Prefork-safe: the queue is dispatched (``_queue_dispatch``) under a PostgreSQL advisory lock per
channel, in a transaction of its own in READ COMMITTED (``_queue_run``): two workers, or a worker
and the cron, that see the same free slot take turns, and the second sees what the first
assigned. A visitor is assigned once, a slot given once; a waiting visitor is never lost (the
cron re-checks the queues every minute).
"""
import logging
import math
import threading
from datetime import timedelta

import odoo
from odoo import _, api, fields, models

_logger = logging.getLogger(__name__)

# the advisory lock's first key (the second is the channel's id): "LQ" for the live chat queue
QUEUE_LOCK_KEY = 0x4C51
DEFAULT_MAX_CONVERSATIONS = 5
DEFAULT_ACTIVE_WINDOW_MINUTES = 15
DEFAULT_QUEUE_MAX_WAIT_MINUTES = 10
# an assigned chat in which the visitor has not written yet counts this long in its operator's load
RESERVED_COUNTS = timedelta(minutes=10)
# estimated wait: the average handling time of the channel's last conversations (of the last week)
HANDLING_SAMPLE = 20
HANDLING_PERIOD = timedelta(days=7)
DEFAULT_HANDLING_MINUTES = 5.0


def in_tests(registry):
    """Odoo's tests run in one transaction, which a cursor of its own could not see."""
    return bool(getattr(threading.current_thread(), "testing", False)) or registry.in_test_mode()


class LivechatChannel(models.Model):
    """The cap per operator and the waiting queue of a channel."""

    _inherit = "livechat.channel"

    limit_conversations = fields.Boolean(
        string="Limit Conversations per Operator",
        help="An operator who has this many conversations going takes no new visitor; "
             "when every operator is at his limit, visitors wait in line.")
    max_conversations = fields.Integer(
        string="Conversations per Operator", default=DEFAULT_MAX_CONVERSATIONS,
        help="How many conversations an operator has at most at the same time.")
    active_window_minutes = fields.Integer(
        string="Conversation Counts For (min)", default=DEFAULT_ACTIVE_WINDOW_MINUTES,
        help="A conversation counts in its operator's load while someone wrote in it in the last "
             "minutes given here.")
    queue_max_wait_minutes = fields.Integer(
        string="Longest Wait in Line (min)", default=DEFAULT_QUEUE_MAX_WAIT_MINUTES,
        help="A visitor who waited this long is offered the offline form (or told to come back).")
    busy_takes_new = fields.Boolean(
        string="Busy Operators Take New Visitors",
        help="Operators whose status is Busy still get new visitors (Away ones never do).")
    waiting_count = fields.Integer(string="Waiting Visitors", compute="_compute_operator_load")
    operator_load = fields.Text(
        string="Operators' Load", compute="_compute_operator_load",
        help="Each operator's status and conversations going, against the channel's limit.")

    _sql_constraints = [
        ("max_conversations_positive", "CHECK(max_conversations > 0)",
         "An operator must be able to take at least one conversation."),
        ("active_window_positive", "CHECK(active_window_minutes > 0)",
         "A conversation must count for at least one minute."),
        ("queue_max_wait_positive", "CHECK(queue_max_wait_minutes > 0)",
         "Visitors must be able to wait at least one minute."),
    ]

    # ------------------------------------------------------------------
    # The cap
    # ------------------------------------------------------------------
    def _operator_loads(self, operators):
        """{user id: number of his conversations that count}, for ``operators`` (every channel).

        A conversation counts while it is open and someone wrote in it in the last
        ``active_window_minutes`` (or it was assigned that recently); an assigned chat in which the
        visitor has not written yet counts for RESERVED_COUNTS.
        """
        self.ensure_one()
        loads = dict.fromkeys(operators.ids, 0)
        if not operators:
            return loads
        now = fields.Datetime.from_string(fields.Datetime.now())
        window = fields.Datetime.to_string(now - timedelta(minutes=self.active_window_minutes or 1))
        reserved = fields.Datetime.to_string(now - RESERVED_COUNTS)
        self.env.cr.execute("""
            SELECT s.operator_id, count(*) FROM livechat_session s
             WHERE s.state = 'open' AND s.operator_id IN %(operators)s
               AND CASE WHEN s.mail_channel_id IS NULL
                        THEN COALESCE(s.assign_date, s.start_date) > %(reserved)s
                        ELSE COALESCE(s.assign_date, s.start_date) > %(window)s
                             OR EXISTS (SELECT 1 FROM mail_message m
                                         WHERE m.res_id = s.mail_channel_id AND m.model = 'mail.channel'
                                           AND m.date > %(window)s)
                   END
          GROUP BY s.operator_id
        """, {"operators": tuple(operators.ids), "reserved": reserved, "window": window})
        loads.update(dict(self.env.cr.fetchall()))
        return loads

    def _operators_with_room(self, operators=None):
        """``operators`` (default: the available ones) and their loads, those at the cap left out."""
        self.ensure_one()
        if operators is None:
            operators = self._get_available_operators()
        loads = self._operator_loads(operators)
        if self.limit_conversations:
            cap = self.max_conversations or DEFAULT_MAX_CONVERSATIONS
            operators = operators.filtered(lambda user: loads[user.id] < cap)
        return operators, {uid: load for uid, load in loads.items() if uid in operators.ids}

    def _compute_operator_load(self):
        statuses = dict(self.env["res.users"]._fields["livechat_status"]._description_selection(self.env))
        Session = self.env["livechat.session"].sudo()
        for channel in self:
            if not isinstance(channel.id, int):
                channel.waiting_count, channel.operator_load = 0, ""
                continue
            sudo = channel.sudo()
            active_ids = sudo._active_user_ids(sudo.user_ids)
            loads = sudo._operator_loads(sudo.user_ids)
            lines = []
            for user in sudo.user_ids:
                status = statuses[user.livechat_status] if user.id in active_ids else _("Offline")
                load = ("%d / %d" % (loads[user.id], sudo.max_conversations) if sudo.limit_conversations
                        else "%d" % loads[user.id])
                lines.append("%s · %s · %s" % (user._livechat_display_name(), status, load))
            channel.operator_load = "\n".join(lines)
            channel.waiting_count = Session.search_count([("channel_id", "=", channel.id), ("state", "=", "waiting")])

    # ------------------------------------------------------------------
    # The queue
    # ------------------------------------------------------------------
    def _queue_accepts(self):
        """A visitor nobody can take now may wait: the channel caps its operators and one of them
        is available (all are busy with other visitors)."""
        self.ensure_one()
        return bool(self.limit_conversations and self._get_available_operators())

    def _queue_waiting(self):
        """The sessions waiting on this channel, first come first served (those the dispatcher has not
        numbered yet, still arriving, last)."""
        self.ensure_one()
        return self.env["livechat.session"].sudo().search(
            [("channel_id", "=", self.id), ("state", "=", "waiting")], order="queue_number, id")

    def _queue_number_arrivals(self):
        """Give the visitors who joined the line since the last dispatch their number in line, in the
        order they arrived. Under the channel's lock: the line's order is the order in which their
        arrivals were committed, the same for every worker (two arriving at once may commit in the
        other order than their ids)."""
        self.ensure_one()
        self.env.cr.execute("""
            SELECT COALESCE(max(queue_number), 0) FROM livechat_session WHERE channel_id = %s AND state = 'waiting'
        """, (self.id,))
        last = self.env.cr.fetchone()[0]
        self.env.cr.execute("""
            SELECT id FROM livechat_session
             WHERE channel_id = %s AND state = 'waiting' AND queue_number IS NULL ORDER BY id
        """, (self.id,))
        for number, (session_id,) in enumerate(self.env.cr.fetchall(), last + 1):
            self.env.cr.execute("UPDATE livechat_session SET queue_number = %s WHERE id = %s", (number, session_id))
        self.env["livechat.session"].invalidate_cache(["queue_number"])

    def _queue_handling_minutes(self):
        """The average length of the channel's last conversations (minutes): the estimated wait's unit."""
        self.ensure_one()
        since = fields.Datetime.to_string(fields.Datetime.from_string(fields.Datetime.now()) - HANDLING_PERIOD)
        self.env.cr.execute("""
            SELECT avg(EXTRACT(EPOCH FROM end_date - COALESCE(assign_date, start_date))) / 60.0 FROM (
                SELECT end_date, assign_date, start_date FROM livechat_session
                 WHERE channel_id = %s AND state = 'closed' AND operator_id IS NOT NULL
                   AND mail_channel_id IS NOT NULL AND end_date > %s
              ORDER BY end_date DESC LIMIT %s) recent
        """, (self.id, since, HANDLING_SAMPLE))
        minutes = self.env.cr.fetchone()[0]
        return float(minutes) if minutes else DEFAULT_HANDLING_MINUTES

    def _queue_estimates(self, count):
        """The estimated wait (whole minutes, at least 1) of the first ``count`` places in line:
        one average conversation per slot of the channel (available operators x cap)."""
        self.ensure_one()
        slots = max(1, len(self._get_available_operators()) * (self.max_conversations or 1))
        handling = self._queue_handling_minutes()
        return [max(1, int(math.ceil(position * handling / slots))) for position in range(1, count + 1)]

    def _queue_dispatch(self, notify=True):
        """Assign the waiting visitors of these channels to operators with room, first come first
        served; expire those who waited too long, drop those who closed their page (their widget
        stopped polling); tell the others their new place in line.

        Call it through ``_queue_run`` (a transaction of its own): the lock taken here is only
        safe if what is read after it is read fresh (READ COMMITTED). ``notify``: tell every
        waiting visitor his place even when nobody left the line. Returns the sessions assigned.
        """
        # the sessions this ends (too long a wait) do not start another dispatch (``_queue_run_after_commit``)
        self = self.with_context(livechat_queue_dispatching=True)
        Session = self.env["livechat.session"].sudo()
        assigned = Session
        for channel in self.sudo():
            self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (QUEUE_LOCK_KEY, channel.id))
            self.env["livechat.session"].invalidate_cache()
            channel._queue_number_arrivals()
            waiting = channel._queue_waiting()
            gone = waiting._queue_gone()
            gone._end("visitor")
            expired = (waiting - gone)._queue_expired()
            expired._queue_timeout()
            expired |= gone
            moved = bool(expired)
            for session in (waiting - expired).filtered(lambda session: session.state == "waiting"):
                operator = Session._select_operator(channel, session.visitor_uid)
                if not operator:
                    break
                session._queue_assign(operator)
                assigned |= session
                moved = True
            if moved or notify:
                channel._queue_waiting()._queue_notify_positions()
        return assigned

    def _queue_run(self, notify=True):
        """``_queue_dispatch`` in a transaction of its own (READ COMMITTED, committed here): what a
        worker or the cron sees after the lock is what the others committed. In Odoo's tests (one
        transaction), in the current one."""
        if not self:
            return True
        if in_tests(self.pool):
            self._queue_dispatch(notify=notify)
            return True
        with self.pool._db.cursor(serialized=False) as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, dict(self.env.context))
            self.with_env(env)._queue_dispatch(notify=notify)
        return True

    def _queue_run_after_commit(self, notify=True):
        """A slot may have freed (a conversation ended, an operator came back): dispatch the queues of
        these channels once the current transaction is committed (at once in Odoo's tests)."""
        channels = self.sudo().filtered("limit_conversations")
        if not channels or self.env.context.get("livechat_queue_dispatching"):
            return True
        if in_tests(self.pool):
            return channels._queue_run(notify=notify)
        ids, registry, context = channels.ids, self.pool, dict(self.env.context)

        def run():
            try:
                with api.Environment.manage(), registry._db.cursor(serialized=False) as cr:
                    env = api.Environment(cr, odoo.SUPERUSER_ID, context)
                    env["livechat.channel"].browse(ids)._queue_dispatch(notify=notify)
            except Exception:
                # the cron dispatches the queues again within a minute: nobody is lost
                _logger.exception("Live chat: dispatching the queues of channels %s failed", ids)
        self.env.cr.after("commit", run)
        return True

    @api.model
    def _cron_queue_dispatch(self):
        """Scheduled action: every queue is dispatched again (conversations went quiet, operators came
        back online, visitors waited too long) and the waiting visitors get fresh estimates."""
        self.env.cr.execute("SELECT DISTINCT channel_id FROM livechat_session WHERE state = 'waiting'")
        channels = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        for channel in channels:
            channel._queue_run()
        return True
