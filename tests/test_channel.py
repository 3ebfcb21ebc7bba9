from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import common
from odoo.tools import mute_logger

from .common import LivechatCase


@common.at_install(False)
@common.post_install(True)
class TestChannel(LivechatCase):
    """A channel as an administrator creates it, and its operators joining and leaving."""

    def setUp(self):
        super(TestChannel, self).setUp()
        self.Channel = self.env["livechat.channel"].sudo(self.livechat_manager)

    def test_defaults_of_a_new_channel(self):
        channel = self.Channel.create({"name": "Sales"})
        self.assertEqual(channel.user_ids, self.livechat_manager, "the creator is the first operator")
        self.assertTrue(channel.active)
        self.assertEqual(channel.button_text, "Have a Question? Chat with us.")
        self.assertEqual(channel.notification_text, "Need help? Chat with us.")
        self.assertEqual(channel.welcome_message, "Hello, how may I help you?")
        self.assertEqual(channel.input_placeholder, "Say something...")
        self.assertEqual(channel.header_color, "#875A7B")
        self.assertEqual(channel.button_background_color, "#875A7B")
        self.assertEqual(channel.button_text_color, "#FFFFFF")
        self.assertFalse(channel.rule_ids)
        self.assertEqual(channel.session_count, 0)
        self.assertTrue(channel.are_you_inside)

    def test_name_is_required(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.Channel.create({"name": False})

    def test_colours_must_be_hex(self):
        channel = self.Channel.create({"name": "Sales"})
        for field in ("header_color", "button_background_color", "button_text_color"):
            for bad in ("red", "#12345", "#1234567", "#GGGGGG", "875A7B", "#875A7B;background:url(x)", " #875A7B"):
                with self.assertRaises(ValidationError) as caught, self.cr.savepoint():
                    channel.write({field: bad})
                message = caught.exception.name
                self.assertIn(channel._fields[field].string, message)
                self.assertIn("#RRGGBB", message)
                self.assertIn(bad, message, "the message says which value was refused")
            for good in ("#abcdef", "#ABCDEF", "#000000", "#a1B2c3"):
                channel.write({field: good})
                self.assertEqual(channel[field], good)
        with self.assertRaises(ValidationError):
            self.Channel.create({"name": "Bad colour", "header_color": "blue"})

    def test_join_and_leave_by_an_operator_who_cannot_edit_channels(self):
        channel = self.Channel.create({"name": "Sales"})
        as_operator = channel.sudo(self.operator)
        self.assertFalse(as_operator.are_you_inside)

        as_operator.action_join()
        self.assertIn(self.operator, channel.user_ids)
        self.assertIn(self.livechat_manager, channel.user_ids, "joining keeps the other operators")
        self.assertTrue(channel.sudo(self.operator).are_you_inside)
        self.assertFalse(channel.sudo(self.employee).are_you_inside)

        as_operator.action_join()
        self.assertEqual(len(channel.user_ids), 2, "joining twice changes nothing")

        channel.sudo(self.operator).action_leave()
        self.assertNotIn(self.operator, channel.user_ids)
        self.assertIn(self.livechat_manager, channel.user_ids, "leaving keeps the other operators")
        self.assertFalse(channel.sudo(self.operator).are_you_inside)

        channel.sudo(self.operator).action_leave()
        self.assertEqual(channel.user_ids, self.livechat_manager, "leaving twice changes nothing")

    def test_join_several_channels_at_once(self):
        channels = self.Channel.create({"name": "Sales"}) | self.Channel.create({"name": "After-sales"})
        channels.sudo(self.operator).action_join()
        self.assertEqual(self.operator.livechat_channel_ids & channels, channels)

    def test_operators_are_internal_users(self):
        with self.assertRaises(ValidationError) as caught:
            self.Channel.create({"name": "Sales", "user_ids": [(6, 0, [self.portal_user.id])]})
        self.assertIn("Paul Portal", caught.exception.name)

    def test_a_new_operator_gets_the_live_chat_user_right(self):
        group = self.env.ref("livechat.group_livechat_user")
        self.assertNotIn(group, self.employee.groups_id)
        channel = self.Channel.create({"name": "Sales"})
        channel.write({"user_ids": [(4, self.employee.id)]})
        self.assertIn(group, self.employee.groups_id)
        # the new operator sees the channel and can leave it
        channel.sudo(self.employee).action_leave()
        self.assertNotIn(self.employee, channel.user_ids)

    def test_session_count(self):
        channel = self.Channel.create({"name": "Sales"})
        other = self.Channel.create({"name": "Other"})
        Session = self.env["livechat.session"]

        def conversation(channel, name, wrote=True):
            session = Session.create({"channel_id": channel.id, "visitor_name": name})
            session.mail_channel_id = Session._create_conversation(name)
            if wrote:
                session._post("Hello", kind="visitor")
            return session

        for name in ("Ana", "Bob", "Cleo"):
            conversation(channel, name)
        conversation(other, "Dan")
        # chats that opened by themselves and in which nobody wrote are not conversations
        Session.create({"channel_id": channel.id, "visitor_name": "Silent"})
        conversation(channel, "Quiet", wrote=False)
        channel.invalidate_cache()
        self.assertEqual(channel.session_count, 3)
        self.assertEqual(other.session_count, 1)
        self.assertEqual(channel.sudo(self.operator).session_count, 3, "operators see the count too")
        self.assertEqual(channel.session_count_label, "3 sessions")
        self.assertEqual(other.session_count_label, "1 session")

    def test_available_operators_are_the_online_ones(self):
        away_user = self.employee
        channel = self.Channel.create({
            "name": "Sales", "user_ids": [(6, 0, [self.livechat_manager.id, self.operator.id, away_user.id])]})
        now = fields.Datetime.from_string(fields.Datetime.now())
        Presence = self.env["bus.presence"]
        # the operator polled the bus just now; the away user has done nothing for 31 minutes;
        # the manager has no presence at all (never connected)
        Presence.create({"user_id": self.operator.id, "last_poll": fields.Datetime.to_string(now),
                         "last_presence": fields.Datetime.to_string(now)})
        Presence.create({"user_id": away_user.id, "last_poll": fields.Datetime.to_string(now),
                         "last_presence": fields.Datetime.to_string(now - timedelta(minutes=31))})
        self.assertEqual(channel._get_available_operators(), self.operator)
        self.assertEqual(channel.available_operator_count, 1)

    def test_widget_code_points_to_this_channel(self):
        self.env["ir.config_parameter"].set_param("web.base.url", "https://chat.example.com")
        channel = self.Channel.create({"name": "Sales"})
        self.assertEqual(
            channel.script_external,
            '<script src="https://chat.example.com/livechat/loader/%d.js" defer></script>' % channel.id)
        self.assertEqual(channel.web_page, "https://chat.example.com/livechat/support/%d" % channel.id)
        new_channel = self.Channel.new({"name": "Not saved"})
        self.assertFalse(new_channel.script_external)
        self.assertFalse(new_channel.web_page)

    def test_duplicate_keeps_the_rules(self):
        channel = self.Channel.create({
            "name": "Sales",
            "rule_ids": [(0, 0, {"action": "hide_button", "regex_url": "/private"}),
                         (0, 0, {"action": "display_button", "regex_url": "/"})],
        })
        copy = channel.copy()
        self.assertEqual(copy.rule_ids.mapped("regex_url"), ["/private", "/"])
        self.assertEqual(channel.rule_ids.mapped("regex_url"), ["/private", "/"], "the original keeps its rules")

    def test_archived_channels_leave_the_dashboard(self):
        channel = self.Channel.create({"name": "Old"})
        channel.toggle_active()
        self.assertNotIn(channel, self.Channel.search([]))
        self.assertIn(channel, self.Channel.with_context(active_test=False).search([]))

    def test_default_channel_at_install(self):
        channel = self.env.ref("livechat.livechat_channel_default")
        self.assertEqual(len(channel.rule_ids), 1)
        self.assertIn(self.env.ref("base.user_root"), channel.user_ids)
        data = self.env["ir.model.data"].search([
            ("module", "=", "livechat"), ("name", "in", ("livechat_channel_default", "livechat_channel_default_rule"))])
        self.assertEqual(len(data), 2)
        self.assertTrue(all(data.mapped("noupdate")), "an update of the app keeps the administrator's changes")

    def test_demo_support_channel(self):
        channel = self.env.ref("livechat.livechat_channel_demo_support", raise_if_not_found=False)
        if not channel:
            self.skipTest("installed without demo data")
        self.assertIn(self.env.ref("base.user_demo"), channel.user_ids)
        self.assertGreaterEqual(len(channel.rule_ids), 3)


@common.at_install(False)
@common.post_install(True)
class TestWidgetCodeAddress(common.HttpCase):
    """The Widget tab's snippet and link use the address the administrator is using."""

    def test_snippet_from_the_address_in_use_not_a_stale_base_url(self):
        from odoo import SUPERUSER_ID, api
        env = api.Environment(self.registry.test_cr, SUPERUSER_ID, {})
        # what a new database holds: the port of the server that created it
        env["ir.config_parameter"].set_param("web.base.url", "http://localhost:1")
        env["ir.config_parameter"].set_param("web.base.url.freeze", "True")
        channel = env["livechat.channel"].create({"name": "Snippet"})
        self.assertIn("http://localhost:1/", channel.script_external, "outside a request: web.base.url")
        self.authenticate("admin", "admin")
        base = "http://%s:%s" % (common.HOST, common.PORT)
        response = self.opener.post(base + "/web/dataset/call_kw", json={
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"model": "livechat.channel", "method": "read",
                       "args": [[channel.id], ["script_external", "web_page"]], "kwargs": {}},
        }, timeout=30)
        record = response.json()["result"][0]
        self.assertEqual(record["script_external"],
                         '<script src="%s/livechat/loader/%d.js" defer></script>' % (base, channel.id))
        self.assertEqual(record["web_page"], "%s/livechat/support/%d" % (base, channel.id))
        self.assertEqual(self.opener.get(record["web_page"], timeout=30).status_code, 200)
