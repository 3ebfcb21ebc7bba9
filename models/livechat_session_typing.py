"""Typing indicators and "seen", both ways (``livechat_events``: ``typing``, ``seen``, ``livechat_typing``,
``livechat_seen``).

Typing is never stored: an event on the bus, rate-limited (``RATE_LIMITS``: ``typing`` for the visitor,
``typing_operator`` for the operators), throttled by the clients (one every ``TYPING_INTERVAL_SECONDS``
while typing, a stop event) and forgotten by the receiver after ``TYPING_EXPIRE_SECONDS``. What each side
has read is kept: the operators' in Odoo's ``mail.channel.partner.seen_message_id`` (``channel_seen``), the
visitor's in the session (``visitor_seen_message_id``), so that a reload shows it again. On the bus a
"seen" waits for the receiver's next news, ``SEEN_DEFER_SECONDS`` at most (``livechat_events``).
"""
from odoo import _, api, fields, models

from .livechat_events import SEEN, TYPING
from .livechat_input import TYPING_EXPIRE_SECONDS, TYPING_IDLE_SECONDS, TYPING_INTERVAL_SECONDS

# what the operator's web client needs to throttle his typing events (answer of ``livechat_typing``)
OPERATOR_TYPING_TIMING = {
    "interval": TYPING_INTERVAL_SECONDS,
    "idle": TYPING_IDLE_SECONDS,
    "expire": TYPING_EXPIRE_SECONDS,
}


class LivechatSession(models.Model):
    """Who is writing, and who read what."""

    _inherit = "livechat.session"

    visitor_seen_message_id = fields.Integer(
        string="Last Message Seen by the Visitor", readonly=True, copy=False,
        help="The last message of the conversation the visitor's chat window showed him.")

    @api.model
    def _typing_widget_texts(self):
        return {
            "typing": _("%s is typing..."),
            "seen": _("Seen"),
            "unread_title": _("(%s) New message"),
            "unread_label": _("Unread messages: %s"),
        }

    def _operator_partner_ids(self):
        """The members of the conversation who get the visitor's typing and seen: its operators (the
        partners of active users), in one query: typing is sent every few seconds."""
        self.ensure_one()
        self.env.cr.execute("""
            SELECT member.partner_id
              FROM livechat_session session
              JOIN mail_channel_partner member ON member.channel_id = session.mail_channel_id
             WHERE session.id = %s
               AND EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = member.partner_id AND u.active)
             ORDER BY member.partner_id
        """, (self.id,))
        return [partner_id for partner_id, in self.env.cr.fetchall()]

    def _notify_operators(self, values):
        """Send ``values`` (with the conversation's id) to the operators' web clients, on their partner's
        channel. No order lock: nothing the visitor's long-poll reads."""
        partner_ids = self._operator_partner_ids()
        if not partner_ids:
            return False
        message = dict(values, channel_id=self.sudo().mail_channel_id.id)
        self.env["bus.bus"].sendmany([((self.env.cr.dbname, "res.partner", partner_id), message)
                                      for partner_id in partner_ids])
        return True

    # ------------------------------------------------------------------
    # The visitor's side
    # ------------------------------------------------------------------
    def _visitor_typing(self, typing):
        """The visitor is writing (``typing``: true) or stopped: his operators' chat windows and Discuss
        say so. Nothing before the conversation exists (the operator has no window yet) nor once it ended.
        Returns whether someone was told."""
        self.ensure_one()
        session = self.sudo()
        if session.state != "open" or not session.mail_channel_id:
            return False
        return self._notify_operators({
            "type": "livechat_typing", "typing": bool(typing), "name": session.visitor_name,
            "expire": TYPING_EXPIRE_SECONDS,
        })

    def _visitor_seen(self, message_id):
        """The visitor's window showed the conversation up to ``message_id``: kept, and the operators
        see "Seen" under their last message up to it. An id that is not of this conversation is taken
        as its last message; an older one than kept changes nothing. Returns the id kept."""
        self.ensure_one()
        # one statement: it rides on most of the widget's long-polls (a column of the session only:
        # no ORM write, its cache entry dropped)
        self.env.cr.execute("""
            WITH seen AS (
                SELECT session.id, session.visitor_seen_message_id AS kept,
                       (SELECT max(message.id) FROM mail_message message
                         WHERE message.model = 'mail.channel' AND message.res_id = session.mail_channel_id
                           AND message.id <= %(message_id)s) AS shown
                  FROM livechat_session session
                 WHERE session.id = %(id)s AND session.mail_channel_id IS NOT NULL
            ), kept AS (
                UPDATE livechat_session session SET visitor_seen_message_id = seen.shown
                  FROM seen WHERE session.id = seen.id AND seen.shown > coalesce(seen.kept, 0)
                RETURNING session.visitor_seen_message_id
            )
            SELECT (SELECT visitor_seen_message_id FROM kept), (SELECT coalesce(kept, 0) FROM seen)
        """, {"id": self.id, "message_id": message_id})
        newly_seen, kept = self.env.cr.fetchone()
        if not newly_seen:
            return kept or 0
        self.invalidate_cache(["visitor_seen_message_id"], self.ids)
        self._notify_operators({"type": "livechat_seen", "message_id": newly_seen})
        return newly_seen

    def _operator_seen_id(self):
        """The last message an operator of the conversation has read (0: none), for the visitor."""
        self.ensure_one()
        conversation = self.sudo().mail_channel_id
        if not conversation:
            return 0
        self.env.cr.execute("""SELECT max(seen_message_id) FROM mail_channel_partner
                                WHERE channel_id = %s AND partner_id IN %s""",
                            (conversation.id, tuple(self._operator_partner_ids()) or (0,)))
        return self.env.cr.fetchone()[0] or 0

    # ------------------------------------------------------------------
    # The operator's side
    # ------------------------------------------------------------------
    def _operator_typing(self, typing, user):
        """``user`` (an operator of the conversation) is writing or stopped: the visitor's widget says so.

        Rate-limited per conversation (``typing_operator``, the count committed at once: call before
        writing anything). Returns ``{"sent": bool, "retry_after": seconds}`` and the timing the web
        client throttles with."""
        self.ensure_one()
        session = self.sudo()
        result = dict(OPERATOR_TYPING_TIMING, sent=False, retry_after=0)
        if session.state != "open":
            return result
        wait = self.env["livechat.rate.limit"].sudo()._check_rate([("typing_operator", session.id)])
        if wait:
            result["retry_after"] = wait
            return result
        session._send_event(TYPING, {"typing": bool(typing), "name": user._livechat_display_name()})
        result["sent"] = True
        return result

    def _operator_seen(self, message_id):
        """An operator read the conversation up to ``message_id`` (Odoo's ``channel_seen``): the visitor's
        widget shows "Seen" under his last message up to it."""
        for session in self.sudo().filtered(lambda session: session.state == "open"):
            session._send_event(SEEN, {"message_id": message_id})
        return True
