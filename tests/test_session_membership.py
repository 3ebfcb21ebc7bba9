from datetime import timedelta

from odoo import fields
from odoo.tests import common

from .visitor_common import VisitorMixin


class TestSessionMembership(VisitorMixin, common.TransactionCase):
    """Operators leave conversations ended over an hour ago (when they get a new one, and hourly);
    the history stays readable."""

    def setUp(self):
        super(TestSessionMembership, self).setUp()
        self._setup_visitor_channel()
        self.channel.user_ids = self.op_anna
        self._set_online(self.op_anna)

    def _listened_conversations(self, user):
        """The conversations Odoo's long-poll listens to for ``user`` (as mail's /longpolling/poll does)."""
        return self.env["mail.channel"].sudo(user).search([
            ("channel_partner_ids", "in", [user.partner_id.id]), ("channel_type", "=", "livechat")])

    def _ended_ago(self, session, delta):
        session._end("visitor")
        session.end_date = fields.Datetime.to_string(fields.Datetime.from_string(fields.Datetime.now()) - delta)

    def test_operator_leaves_conversations_ended_over_an_hour_ago(self):
        old = self._chat("A question from yesterday")
        recent = self._chat()
        self._ended_ago(old, timedelta(hours=2))
        self._ended_ago(recent, timedelta(minutes=5))
        new = self._chat()
        self.assertEqual(self._listened_conversations(self.op_anna),
                         recent.mail_channel_id | new.mail_channel_id,
                         "the conversation that ended two hours ago is no longer listened to")
        # the history stays: the session still shows the whole conversation to the operator
        self.assertIn("A question from yesterday", old.sudo(self.op_anna).conversation_html)

    def test_hourly_cleanup_covers_every_operator(self):
        session = self._chat()
        self._ended_ago(session, timedelta(hours=3))
        self.assertTrue(self._listened_conversations(self.op_anna))
        self.Session._gc_abandoned_sessions()
        self.assertFalse(self._listened_conversations(self.op_anna))
