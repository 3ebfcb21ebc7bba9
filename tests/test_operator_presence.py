from datetime import datetime, timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import ValidationError
from odoo.tests import common

from odoo.addons.bus.models.bus import TIMEOUT
from odoo.addons.bus.models.bus_presence import DISCONNECTION_TIMER

from ..models.bus_presence import PRESENCE_REFRESH_SECONDS
from .common import LivechatCase

PARAM = "livechat.operator_inactivity_minutes"


def ago(**delta):
    """A UTC datetime string, ``delta`` ago (as bus.presence stores it)."""
    return fields.Datetime.to_string(datetime.utcnow() - timedelta(**delta))


class PresenceCase(LivechatCase):
    """A channel with operators in every state of presence; the inactivity limit set to 10 minutes."""

    def setUp(self):
        super(PresenceCase, self).setUp()
        self.env["ir.config_parameter"].sudo().set_param(PARAM, "10")
        users = self.env["res.users"].with_context(no_reset_password=True, mail_create_nosubscribe=True)
        group_ids = [self.env.ref("base.group_user").id, self.env.ref("livechat.group_livechat_user").id]

        def operator(name):
            return users.create({"name": name, "login": name.lower().replace(" ", "_"),
                                 "groups_id": [(6, 0, group_ids)]})

        self.active_op = self.operator                 # polls, clicked 2 minutes ago
        self.idle_op = operator("Ida Idle")            # polls (tab open), last click 25 minutes ago
        self.gone_op = operator("Gus Gone")            # closed his browser 5 minutes ago
        self.new_op = operator("Nina New")             # never opened the web client
        self.set_presence(self.active_op, last_poll=ago(seconds=5), last_presence=ago(minutes=2))
        self.set_presence(self.idle_op, last_poll=ago(seconds=5), last_presence=ago(minutes=25))
        self.set_presence(self.gone_op, last_poll=ago(minutes=5), last_presence=ago(minutes=5))
        self.channel = self.env["livechat.channel"].create({
            "name": "Presence Test Channel",
            "user_ids": [(6, 0, (self.active_op | self.idle_op | self.gone_op | self.new_op).ids)],
        })

    def set_presence(self, user, last_poll, last_presence):
        presence = self.env["bus.presence"].search([("user_id", "=", user.id)])
        values = {"last_poll": last_poll, "last_presence": last_presence, "status": "online"}
        if presence:
            presence.write(values)
        else:
            self.env["bus.presence"].create(dict(values, user_id=user.id))


class TestAvailability(PresenceCase):
    """Who can get a new conversation: member, online on the bus, active in the last N minutes."""

    def test_only_the_active_online_member_is_available(self):
        self.assertEqual(self.channel._get_available_operators(), self.active_op)
        self.assertEqual(self.channel.available_operator_count, 1)

    def test_idle_operator_is_online_for_odoo_but_not_available(self):
        # Odoo's own status still says online (its "away" comes after 30 minutes): the limit is ours
        self.assertEqual(self.idle_op.im_status, "online")
        self.assertNotIn(self.idle_op, self.channel._get_available_operators())

    def test_limit_comes_from_the_system_parameter(self):
        self.env["ir.config_parameter"].sudo().set_param(PARAM, "60")
        self.assertEqual(self.channel._get_available_operators(), self.active_op | self.idle_op)
        self.env["ir.config_parameter"].sudo().set_param(PARAM, "1")
        self.assertFalse(self.channel._get_available_operators())

    def test_online_user_who_is_not_a_member_is_not_available(self):
        self.channel.write({"user_ids": [(3, self.active_op.id)]})
        self.assertFalse(self.channel._get_available_operators())

    def test_leaving_the_channel_stops_new_chats(self):
        self.channel.sudo(self.active_op).action_leave()
        self.assertFalse(self.channel._get_available_operators())
        self.channel.sudo(self.active_op).action_join()
        self.assertEqual(self.channel._get_available_operators(), self.active_op)

    def test_new_conversation_goes_to_the_active_operator_only(self):
        sessions = self.env["livechat.session"]
        for _number in range(3):
            session = sessions._open_for_visitor(self.channel, page_url="https://example.com/shop")
            self.assertEqual(session.operator_id, self.active_op)
        self.channel.write({"user_ids": [(3, self.active_op.id)]})
        self.assertFalse(sessions._open_for_visitor(self.channel, page_url="https://example.com/shop"),
                         "with only idle, gone and never-seen operators, nobody takes the chat")


class TestInstalledPresenceSettings(common.TransactionCase):
    """What the app installs: 30 minutes, and the scheduled action that applies them."""

    def test_installed_with_thirty_minutes(self):
        param = self.env.ref("livechat.param_operator_inactivity_minutes")
        self.assertEqual(param.key, PARAM)
        self.assertEqual(param.value, "30")
        self.assertEqual(self.env["livechat.channel"]._operator_inactivity_minutes(), 30)

    def test_cron_is_scheduled(self):
        cron = self.env.ref("livechat.ir_cron_livechat_remove_inactive_operators")
        self.assertTrue(cron.active)
        self.assertEqual(cron.numbercall, -1)


class TestInactivityParameter(PresenceCase):
    """The limit is a system parameter an administrator can change, and only to a usable value."""

    def test_invalid_values_are_refused_with_a_readable_message(self):
        params = self.env["ir.config_parameter"].sudo()
        for value in ("0", "-5", "thirty", "2.5", " "):
            with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
                params.set_param(PARAM, value)
            self.assertIn("whole number greater than 0", caught.exception.name)
        self.assertEqual(params.get_param(PARAM), "10", "the previous value is kept")

    def test_unusable_stored_value_falls_back_to_thirty_minutes(self):
        # a value written around the constraint (SQL): the app keeps working with the default
        self.env.cr.execute("UPDATE ir_config_parameter SET value = 'abc' WHERE key = %s", (PARAM,))
        self.env["ir.config_parameter"].invalidate_cache()
        self.env["ir.config_parameter"].clear_caches()
        self.assertEqual(self.env["livechat.channel"]._operator_inactivity_minutes(), 30)
        self.assertEqual(self.channel._get_available_operators(), self.active_op | self.idle_op)


class TestInactiveOperatorsCron(PresenceCase):
    """The scheduled action disconnects operators inactive for more than N minutes."""

    def last_bus_messages(self, partner):
        self.env.cr.execute("SELECT channel, message FROM bus_bus ORDER BY id DESC LIMIT 20")
        channel = '["%s","res.partner",%d]' % (self.env.cr.dbname, partner.id)
        return [message for bus_channel, message in self.env.cr.fetchall() if bus_channel == channel]

    def test_inactive_operators_are_removed_from_their_channels(self):
        other = self.env["livechat.channel"].create({
            "name": "Second Channel", "user_ids": [(6, 0, (self.idle_op | self.active_op).ids)]})
        self.env.ref("livechat.ir_cron_livechat_remove_inactive_operators").method_direct_trigger()
        self.assertEqual(self.channel.user_ids, self.active_op | self.new_op | self.gone_op,
                         "idle for 25 minutes: removed; gone 5 minutes ago: kept for now; never seen: kept")
        self.assertEqual(other.user_ids, self.active_op)
        # he is told in his web client, once, with both channels
        messages = [message for message in self.last_bus_messages(self.idle_op.partner_id)
                    if "livechat_operator_removed" in message]
        self.assertEqual(len(messages), 1)
        self.assertIn("Presence Test Channel", messages[0])
        self.assertIn("Second Channel", messages[0])
        self.assertFalse(self.last_bus_messages(self.active_op.partner_id))

    def test_operator_gone_longer_than_the_limit_is_removed(self):
        self.set_presence(self.gone_op, last_poll=ago(minutes=40), last_presence=ago(minutes=40))
        self.env["livechat.channel"]._cron_remove_inactive_operators()
        self.assertEqual(self.channel.user_ids, self.active_op | self.new_op)

    def test_removed_operator_can_join_again(self):
        self.env["livechat.channel"]._cron_remove_inactive_operators()
        self.set_presence(self.idle_op, last_poll=ago(seconds=1), last_presence=ago(seconds=1))
        self.channel.sudo(self.idle_op).action_join()
        self.assertIn(self.idle_op, self.channel._get_available_operators())


@common.at_install(False)
@common.post_install(True)
class TestInactivityParameterForm(common.HttpCase):
    """An administrator changing the parameter through the web client gets a readable refusal."""

    def test_write_from_the_web_client(self):
        self.authenticate("admin", "admin")
        env = api.Environment(self.registry.test_cr, SUPERUSER_ID, {})
        param = env.ref("livechat.param_operator_inactivity_minutes")
        response = self.opener.post("http://%s:%s/web/dataset/call_kw" % (common.HOST, common.PORT), json={
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"model": "ir.config_parameter", "method": "write",
                       "args": [[param.id], {"value": "half an hour"}], "kwargs": {}},
        }, timeout=30)
        error = response.json()["error"]["data"]
        self.assertIn("whole number greater than 0", error["message"])
        param.invalidate_cache()
        self.assertEqual(param.value, "30")


class TestPresenceWrites(PresenceCase):
    """An operator's web client long-polls after every event: his presence is written only when the
    stored one is no longer fresh (models/bus_presence.py), and who is available stays the same."""

    def presence_of(self, user):
        return self.env["bus.presence"].search([("user_id", "=", user.id)]).read(["last_poll", "last_presence"])[0]

    def test_a_fresh_presence_is_not_written_again(self):
        self.set_presence(self.active_op, last_poll=ago(seconds=1), last_presence=ago(minutes=2))
        before = self.presence_of(self.active_op)
        # polled a second ago, clicked 2 minutes ago: a poll saying so again writes nothing
        presences = self.env["bus.presence"].sudo(self.active_op)
        self.assertTrue(presences._livechat_presence_is_fresh(120000))
        presences.update(120000)
        self.env["bus.presence"].invalidate_cache()
        self.assertEqual(self.presence_of(self.active_op), before)
        self.assertEqual(self.channel._get_available_operators(), self.active_op)

    def test_a_skipped_write_never_lets_him_seem_offline(self):
        """A poll that skips the write may wait Odoo's whole bus timeout before the next one."""
        self.assertLess(TIMEOUT + PRESENCE_REFRESH_SECONDS, DISCONNECTION_TIMER)

    def test_a_stale_poll_or_a_newer_click_is_written(self):
        def fresh(user, inactivity_ms):
            return self.env["bus.presence"].sudo(user)._livechat_presence_is_fresh(inactivity_ms)
        self.assertFalse(fresh(self.active_op, 120000), "his last poll is 5 s old: written (Odoo's 55 s margin)")
        self.set_presence(self.active_op, last_poll=ago(seconds=1), last_presence=ago(minutes=2))
        self.assertFalse(fresh(self.active_op, 0), "he clicked now: his presence moves 2 minutes on")
        self.assertFalse(fresh(self.idle_op, 0), "back after 25 minutes: available at once")
        self.set_presence(self.idle_op, last_poll=ago(seconds=1), last_presence=ago(minutes=25))
        self.assertTrue(fresh(self.idle_op, 25 * 60 * 1000), "still idle: nothing to write")
        self.assertFalse(fresh(self.gone_op, 0), "his last poll is 5 minutes old")
        self.assertFalse(fresh(self.new_op, 0), "no presence yet: Odoo creates it")
        self.assertFalse(fresh(self.active_op, "not a number"))
