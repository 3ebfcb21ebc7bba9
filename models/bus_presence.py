"""Odoo's ``bus.presence``: an operator's web client long-polls after every event it receives, and
Odoo 11 writes his presence (and commits) at the start of every long-poll. A busy operator's web
client polls several times a second (each message, each "seen" and typing event of each of his
conversations wakes it): the write is skipped while the stored presence is fresh enough to say the
same thing.

How fresh: a poll that skips the write may then wait Odoo's whole bus timeout (``TIMEOUT``, 50 s)
before the next one writes, and whoever has not polled for ``DISCONNECTION_TIMER`` (55 s) is offline
(Odoo's ``im_status``, and the operators available to a channel, ``livechat_channel_presence``):
``PRESENCE_REFRESH_SECONDS`` stays within those 5 seconds of margin."""
from odoo import api, models

PRESENCE_REFRESH_SECONDS = 2  # TIMEOUT + this < DISCONNECTION_TIMER (tests/test_operator_presence.py)


class BusPresence(models.Model):
    """A long-poll's presence write, only when the stored one is no longer fresh."""

    _inherit = "bus.presence"

    @api.model
    def update(self, inactivity_period):
        """Odoo's ``update`` (last poll now, last presence ``inactivity_period`` ms ago if later than
        stored, committed), unless the stored presence is fresh: then nothing is written."""
        if self._livechat_presence_is_fresh(inactivity_period):
            return None
        return super(BusPresence, self).update(inactivity_period)

    @api.model
    def _livechat_presence_is_fresh(self, inactivity_period):
        """Whether the current user's stored presence is within ``PRESENCE_REFRESH_SECONDS`` of what
        ``update(inactivity_period)`` would write (its last poll, and its last presence when later)."""
        try:
            inactivity_ms = max(int(inactivity_period), 0)
        except (TypeError, ValueError):
            return False
        self.env.cr.execute("""
            SELECT 1 FROM bus_presence
             WHERE user_id = %(uid)s
               AND last_poll >= (now() AT TIME ZONE 'UTC') - interval '1 second' * %(refresh)s
               AND last_presence >= (now() AT TIME ZONE 'UTC') - interval '1 millisecond' * %(inactivity)s
                                    - interval '1 second' * %(refresh)s
        """, {"uid": self.env.uid, "refresh": PRESENCE_REFRESH_SECONDS, "inactivity": inactivity_ms})
        return bool(self.env.cr.fetchone())
