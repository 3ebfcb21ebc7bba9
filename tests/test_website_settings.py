from odoo.tests import common

from .common import LivechatCase


@common.at_install(False)
@common.post_install(True)
class TestWebsiteSettings(LivechatCase):
    """Website > Configuration > Settings: the Live Chat section picks the website's channel."""

    def test_pick_the_channel_of_the_website(self):
        website = self.env.ref("website.default_website")
        channel = self.env["livechat.channel"].create({"name": "Sales"})
        settings = self.env["res.config.settings"].create({"website_id": website.id})
        settings.livechat_channel_id = channel
        settings.execute()
        self.assertEqual(website.livechat_channel_id, channel)
        self.assertEqual(self.env["res.config.settings"].create({}).livechat_channel_id, channel,
                         "the settings show the current channel")
        settings = self.env["res.config.settings"].create({"website_id": website.id, "livechat_channel_id": False})
        settings.execute()
        self.assertFalse(website.livechat_channel_id)

    def test_live_chat_section_in_the_settings(self):
        arch = self.env["res.config.settings"].fields_view_get(view_type="form")["arch"]
        self.assertIn("Live Chat", arch)
        self.assertIn('name="livechat_channel_id"', arch)

    def test_the_visitor_api_runs_as_the_public_user_of_the_website(self):
        """The visitor API caches the website's public user (models/ir_http.py): a change is seen at once."""
        website = self.env.ref("website.default_website")
        Website = self.env["website"]
        self.assertEqual(Website._livechat_public_uid(website.id), website.user_id.id)
        other = self.env["res.users"].create({"name": "Other public", "login": "other_public_user"})
        website.user_id = other
        self.assertEqual(Website._livechat_public_uid(website.id), other.id)
        self.assertEqual(Website._livechat_public_uid(False), self.env.ref("base.public_user").id,
                         "no website: Odoo's public user")
