import logging

from odoo import _, api, models
from odoo.addons.bus.models.bus_presence import DISCONNECTION_TIMER

from .livechat_plural import plural_form

_logger = logging.getLogger(__name__)

INACTIVITY_PARAM = "livechat.operator_inactivity_minutes"
DEFAULT_INACTIVITY_MINUTES = 30


class LivechatChannel(models.Model):
    """Operator presence: who can take a new conversation, and who is dropped after inactivity.

    An operator is available when he is a member of the channel, online on the bus (his web
    client polled in the last minute) and active (a click or a key press in Odoo) in the last
    N minutes, N being the system parameter ``livechat.operator_inactivity_minutes``.
    """

    _inherit = "livechat.channel"

    @api.model
    def _operator_inactivity_minutes(self):
        """N: after N minutes without activity an operator counts as disconnected."""
        value = self.env["ir.config_parameter"].sudo().get_param(INACTIVITY_PARAM)
        try:
            minutes = int(value)
        except (TypeError, ValueError):
            minutes = 0
        if minutes <= 0:
            if value:
                _logger.warning("System parameter %s=%r is not a positive number of minutes: using %d.",
                                INACTIVITY_PARAM, value, DEFAULT_INACTIVITY_MINUTES)
            return DEFAULT_INACTIVITY_MINUTES
        return minutes

    @api.model
    def _active_user_ids(self, users):
        """Ids of ``users`` online on the bus now and active in the last N minutes."""
        if not users:
            return set()
        self.env.cr.execute("""
            SELECT user_id FROM bus_presence
             WHERE user_id IN %s
               AND last_poll >= (now() AT TIME ZONE 'UTC') - interval '1 second' * %s
               AND last_presence >= (now() AT TIME ZONE 'UTC') - interval '1 minute' * %s
        """, (tuple(users.ids), DISCONNECTION_TIMER, self._operator_inactivity_minutes()))
        return {row[0] for row in self.env.cr.fetchall()}

    def _get_available_operators(self, hours_open=None):
        """Operators who can take a new conversation now: members, online and recently active, within
        the channel's business hours (livechat_channel_hours), and whose status says so
        (res_users_livechat_status: Away never, Busy only when the channel lets busy operators take new
        visitors). Their cap is checked by ``_operators_with_room``.

        One small query (members joined to their presence), never cached: every page view asks
        (``livechat.session._widget_init``), and an operator who comes online or goes away must show
        at once. ``hours_open``: whether the channel's business hours are open now, when the caller
        knows it already (``init`` computes them once for both uses)."""
        self.ensure_one()
        if not (self._hours_is_open() if hours_open is None else hours_open):
            return self.env["res.users"].browse()
        statuses = ("online", "busy") if self.sudo().busy_takes_new else ("online",)
        self.env.cr.execute("""
            SELECT rel.user_id
              FROM livechat_channel_res_users_rel rel
              JOIN res_users users ON users.id = rel.user_id AND users.active AND users.livechat_status IN %s
              JOIN bus_presence presence ON presence.user_id = rel.user_id
             WHERE rel.channel_id = %s
               AND presence.last_poll >= (now() AT TIME ZONE 'UTC') - interval '1 second' * %s
               AND presence.last_presence >= (now() AT TIME ZONE 'UTC') - interval '1 minute' * %s
          ORDER BY rel.user_id
        """, (statuses, self.id, DISCONNECTION_TIMER, self._operator_inactivity_minutes()))
        return self.env["res.users"].sudo().browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _inactive_memberships(self):
        """{channel id: [user ids]} of operators whose last activity is older than N minutes.

        Only operators Odoo has seen active once are concerned: one who never opened the web
        client since he was added is not available (no presence), but is not removed either.
        """
        self.env.cr.execute("""
            SELECT rel.channel_id, rel.user_id
              FROM livechat_channel_res_users_rel rel
              JOIN livechat_channel channel ON channel.id = rel.channel_id
              JOIN bus_presence presence ON presence.user_id = rel.user_id
             WHERE channel.active
               AND presence.last_presence < (now() AT TIME ZONE 'UTC') - interval '1 minute' * %s
          ORDER BY rel.channel_id, rel.user_id
        """, (self._operator_inactivity_minutes(),))
        memberships = {}
        for channel_id, user_id in self.env.cr.fetchall():
            memberships.setdefault(channel_id, []).append(user_id)
        return memberships

    @api.model
    def _cron_remove_inactive_operators(self):
        """Scheduled action: operators inactive for more than N minutes leave their channels."""
        memberships = self._inactive_memberships()
        removed = {}
        for channel_id, user_ids in memberships.items():
            channel = self.sudo().browse(channel_id)
            channel.write({"user_ids": [(3, user_id) for user_id in user_ids]})
            for user_id in user_ids:
                removed.setdefault(user_id, self.browse())
                removed[user_id] |= channel
        for user_id, channels in removed.items():
            user = self.env["res.users"].sudo().browse(user_id)
            _logger.info("Live chat: operator %s removed from %s after inactivity.",
                         user.login, ", ".join(channels.mapped("name")))
            self.with_context(lang=user.lang)._notify_operator_removed(user, channels)
        return True

    @api.model
    def _notify_operator_removed(self, user, channels):
        """Tell the operator, in his web client, that he no longer receives chats from ``channels``."""
        minutes = self._operator_inactivity_minutes()
        message = plural_form(_("You were inactive for more than %(minutes)d minutes: you left the live chat "
                                "channels %(channels)s. Join them again from the Live Chat app."),
                              minutes, self.env.lang) % {
            "minutes": minutes,
            "channels": ", ".join(channels.mapped("name")),
        }
        self.env["bus.bus"].sendone((self.env.cr.dbname, "res.partner", user.partner_id.id), {
            "type": "livechat_operator_removed",
            "title": _("Live Chat"),
            "message": message,
            "channel_ids": channels.ids,
        })
