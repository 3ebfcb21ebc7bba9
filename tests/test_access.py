from odoo.exceptions import AccessError
from odoo.tests import common

from .common import LivechatCase


@common.at_install(False)
@common.post_install(True)
class TestAccess(LivechatCase):
    """Who may do what with channels and rules."""

    def setUp(self):
        super(TestAccess, self).setUp()
        self.channel = self.env["livechat.channel"].create({
            "name": "Sales", "user_ids": [(6, 0, [self.livechat_manager.id])],
            "rule_ids": [(0, 0, {"action": "display_button", "regex_url": "/"})],
        })

    def test_administrator_is_live_chat_administrator(self):
        manager_group = self.env.ref("livechat.group_livechat_manager")
        self.assertIn(self.env.ref("base.user_root"), manager_group.users)
        self.assertIn(self.env.ref("livechat.group_livechat_user"), manager_group.implied_ids)

    def test_manager_edits_everything(self):
        Channel = self.env["livechat.channel"].sudo(self.livechat_manager)
        channel = Channel.create({"name": "Support"})
        channel.write({"welcome_message": "Hi!", "header_color": "#000000"})
        rule = self.env["livechat.channel.rule"].sudo(self.livechat_manager).create({
            "channel_id": channel.id, "regex_url": "/shop"})
        rule.write({"action": "hide_button"})
        self.channel.sudo(self.livechat_manager).write({"user_ids": [(4, self.operator.id)]})
        rule.unlink()
        channel.unlink()
        self.assertFalse(channel.exists())

    def test_operator_reads_and_joins_but_does_not_edit(self):
        channel = self.channel.sudo(self.operator)
        self.assertEqual(channel.name, "Sales")
        self.assertEqual(channel.rule_ids.regex_url, "/")
        self.assertIn(self.channel, self.env["livechat.channel"].sudo(self.operator).search([]))
        for attempt in (
                lambda: channel.write({"name": "Mine"}),
                lambda: channel.write({"user_ids": [(4, self.operator.id)]}),
                lambda: channel.rule_ids.write({"regex_url": "/mine"}),
                lambda: self.env["livechat.channel"].sudo(self.operator).create({"name": "Mine"}),
                lambda: self.env["livechat.channel.rule"].sudo(self.operator).create({
                    "channel_id": self.channel.id}),
                lambda: channel.rule_ids.unlink(),
                lambda: channel.unlink()):
            with self.assertRaises(AccessError), self.cr.savepoint():
                attempt()
        self.assertEqual(self.channel.name, "Sales")
        channel.action_join()
        self.assertIn(self.operator, self.channel.user_ids)
        channel.action_leave()
        self.assertNotIn(self.operator, self.channel.user_ids)

    def test_outsiders_get_nothing(self):
        """Employees without the Live Chat right, portal and public users: no read, no join."""
        for user in (self.employee, self.portal_user, self.public_user):
            channel = self.channel.sudo(user)
            for attempt in (
                    lambda: channel.read(["name"]),
                    lambda: self.env["livechat.channel"].sudo(user).search([]),
                    lambda: self.env["livechat.channel.rule"].sudo(user).search([]),
                    lambda: channel.action_join(),
                    lambda: channel.action_leave(),
                    lambda: self.env["livechat.channel"].sudo(user).create({"name": "Mine"})):
                with self.assertRaises(AccessError, msg=user.login), self.cr.savepoint():
                    attempt()
        self.assertEqual(self.channel.user_ids, self.livechat_manager, "nobody joined")

    def test_menu_only_for_live_chat_users(self):
        menu = self.env.ref("livechat.menu_livechat_root")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu, Menu.sudo(self.operator).search([("id", "=", menu.id)]))
        self.assertIn(menu, Menu.sudo(self.livechat_manager).search([("id", "=", menu.id)]))
        self.assertNotIn(menu, Menu.sudo(self.employee).search([("id", "=", menu.id)]))
