"""A channel with an online operator and a conversation, for the after-chat tests."""
import json

from odoo import SUPERUSER_ID, api
from odoo.tests import common

from .visitor_common import OperatorMixin


class AfterChatMixin(OperatorMixin):
    """Builds the operator, the channel and conversations; used by TransactionCase and HttpCase tests."""

    def _open_session(self, channel, visitor_name="Ana", page_url="https://shop.example.com/contactus",
                      first_message="Hello"):
        return self._start_chat(channel, first_message, page_url=page_url, visitor_name=visitor_name)

    def _operator_says(self, session, text):
        return session.mail_channel_id.sudo(session.operator_id).with_context(
            mail_create_nosubscribe=True).message_post(
            body="<p>%s</p>" % text, message_type="comment", subtype="mail.mt_comment")


class AfterChatCase(AfterChatMixin, common.TransactionCase):

    def setUp(self):
        super(AfterChatCase, self).setUp()
        self.operator = self._make_operator("olga_after_chat", "Olga Operator", chat_name="Olga")
        self.channel = self.env["livechat.channel"].create({
            "name": "Shop Help", "user_ids": [(6, 0, [self.operator.id])]})
        self._set_online(self.operator)


class AfterChatHttpCase(AfterChatMixin, common.HttpCase):

    def setUp(self):
        super(AfterChatHttpCase, self).setUp()
        # Odoo 11's HttpCase serves requests on the registry's test cursor, not on self.cr: the test
        # data goes there, so that the server sees it (it is rolled back when the test mode ends)
        self.env = api.Environment(self.registry.test_cr, SUPERUSER_ID, {})
        self.operator = self._make_operator("hugo_after_chat", "Hugo Operator", chat_name="Hugo")
        self.channel = self.env["livechat.channel"].create({
            "name": "Web Help", "user_ids": [(6, 0, [self.operator.id])]})
        self._set_online(self.operator)

    def api(self, path, payload):
        """POST a JSON body to the visitor API; returns (status, decoded JSON)."""
        # the test cursor's commit is a savepoint: a request that fails rolls back to here, keeping our data
        self.env.cr.commit()  # pylint: disable=invalid-commit
        response = self.url_open(path, data=json.dumps(payload), timeout=30)
        self.env.cache.invalidate()
        return response.status_code, response.json()
