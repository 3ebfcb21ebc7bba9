"""Users of every kind, for the Live Chat tests."""
from odoo.tests import common


class LivechatCase(common.TransactionCase):
    """A Live Chat administrator, an operator, an employee, a portal user and the public user."""

    def setUp(self):
        super(LivechatCase, self).setUp()
        users = self.env["res.users"].with_context(no_reset_password=True, mail_create_nosubscribe=True)
        group_user = self.env.ref("base.group_user")
        self.livechat_manager = users.create({
            "name": "Lina Manager", "login": "lina_livechat_manager", "email": "lina@example.com",
            "groups_id": [(6, 0, [group_user.id, self.env.ref("livechat.group_livechat_manager").id])],
        })
        self.operator = users.create({
            "name": "Oscar Operator", "login": "oscar_livechat_operator", "email": "oscar@example.com",
            "groups_id": [(6, 0, [group_user.id, self.env.ref("livechat.group_livechat_user").id])],
        })
        self.employee = users.create({
            "name": "Emma Employee", "login": "emma_employee", "email": "emma@example.com",
            "groups_id": [(6, 0, [group_user.id])],
        })
        self.portal_user = users.create({
            "name": "Paul Portal", "login": "paul_portal", "email": "paul@example.com",
            "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
        })
        self.public_user = self.env.ref("base.public_user")
