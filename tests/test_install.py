from odoo.tests import common


class TestInstall(common.TransactionCase):
    """What an administrator finds right after installing the app."""

    def test_default_channel_exists(self):
        channel = self.env.ref("livechat.livechat_channel_default")
        self.assertEqual(channel.name, "YourWebsite.com")
        self.assertEqual(channel.rule_ids.action, "display_button")
        self.assertEqual(channel.rule_ids.regex_url, "/")

    def test_app_menu_is_visible_to_livechat_users(self):
        menu = self.env.ref("livechat.menu_livechat_root")
        self.assertIn(self.env.ref("livechat.group_livechat_user"), menu.groups_id)
        self.assertTrue(menu.action or menu.child_id.filtered("action"))


@common.at_install(False)
@common.post_install(True)
class TestHttpSmoke(common.HttpCase):
    """Pages that Odoo's Python tests alone would not notice broken on Python 3.11."""

    def test_login_page(self):
        response = self.url_open("/web/login", timeout=30)
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"oe_login_form", response.content)

    def test_website_home(self):
        response = self.url_open("/", timeout=30)
        self.assertEqual(response.status_code, 200)

    def test_webclient_qweb_templates(self):
        self.authenticate("admin", "admin")
        response = self.url_open("/web/webclient/qweb?mods=web,mail", timeout=30)
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"<templates", response.content)
