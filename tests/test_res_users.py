from odoo.exceptions import AccessError
from odoo.tests import common

from .common import LivechatCase


@common.at_install(False)
@common.post_install(True)
class TestOnlineChatName(LivechatCase):
    """The Online Chat Name: set by each operator, shown to visitors instead of the user's name."""

    def test_falls_back_to_the_user_name(self):
        self.assertFalse(self.operator.livechat_username)
        self.assertEqual(self.operator._livechat_display_name(), "Oscar Operator")
        self.operator.livechat_username = "Oscar"
        self.assertEqual(self.operator._livechat_display_name(), "Oscar")

    def test_users_set_their_own_name_from_preferences(self):
        for user in (self.operator, self.employee):
            user.sudo(user).write({"livechat_username": "Me"})
            self.assertEqual(user.livechat_username, "Me")
            self.assertEqual(user.sudo(user).read(["livechat_username"])[0]["livechat_username"], "Me")

    def test_users_cannot_set_the_name_of_others(self):
        with self.assertRaises(AccessError):
            self.operator.sudo(self.employee).write({"livechat_username": "Not you"})
        self.assertFalse(self.operator.livechat_username)

    def test_field_is_on_the_preferences_form_and_the_users_form(self):
        Users = self.env["res.users"]
        preferences = Users.sudo(self.employee).fields_view_get(
            view_id=self.env.ref("base.view_users_form_simple_modif").id, view_type="form")
        self.assertIn('name="livechat_username"', preferences["arch"])
        self.assertEqual(preferences["fields"]["livechat_username"]["string"], "Online Chat Name")
        users_form = Users.fields_view_get(view_id=self.env.ref("base.view_users_form").id, view_type="form")
        self.assertIn('name="livechat_username"', users_form["arch"])
