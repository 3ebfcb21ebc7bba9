"""Data protection: closed sessions are erased after the retention period; a visitor's data on request."""
import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import common

from .security_common import SecurityHttpCase, SecurityMixin


def days_ago(days):
    return fields.Datetime.to_string(fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=days))


class DataProtectionMixin(SecurityMixin):

    def _visitor_session(self, name, visitor_uid=None, closed_days_ago=None):
        session = self._open_session(self.channel, visitor_name=name, visitor_uid=visitor_uid)
        session._post_visitor_message("Hello, I am %s, my phone is 0721 000 000" % name)
        session.mail_channel_id.sudo(self.operator).with_context(mail_create_nosubscribe=True).message_post(
            body="<p>Hello %s</p>" % name, message_type="comment", subtype="mail.mt_comment")
        if closed_days_ago is not None:
            session.write({"state": "closed", "start_date": days_ago(closed_days_ago + 1),
                           "end_date": days_ago(closed_days_ago)})
        return session

    def assert_erased(self, session, conversation, message_ids):
        self.assertFalse(session.exists())
        self.assertFalse(conversation.exists())
        self.assertFalse(self.env["mail.message"].sudo().browse(message_ids).exists())

    def assert_kept(self, session):
        self.assertTrue(session.exists())
        self.assertTrue(session.mail_channel_id.exists())
        self.assertTrue(self._conversation_messages(session))


@common.at_install(False)
@common.post_install(True)
class TestRetention(DataProtectionMixin, common.TransactionCase):

    def setUp(self):
        super(TestRetention, self).setUp()
        self.operator = self._make_user("rita_retention_operator")
        self.channel = self._make_channel("Retention", self.operator)
        self.old = self._visitor_session("Old Visitor", closed_days_ago=40)
        self.recent = self._visitor_session("Recent Visitor", closed_days_ago=10)
        self.ongoing = self._visitor_session("Ongoing Visitor")
        self.ongoing.start_date = days_ago(45)

    def test_closed_sessions_older_than_the_setting_are_erased(self):
        self.env["ir.config_parameter"].set_param("livechat.retention_days", "30")
        conversation, message_ids = self.old.mail_channel_id, self._conversation_messages(self.old).ids
        self.env.ref("livechat.ir_cron_livechat_retention").method_direct_trigger()
        self.assert_erased(self.old, conversation, message_ids)
        self.assert_kept(self.recent)
        self.assert_kept(self.ongoing)

    def _offline_message(self, name, days_old):
        record = self.env["livechat.offline.message"]._create_from_visitor(
            self.channel, name, "%s@example.com" % name.lower(), "Call me back, %s here" % name)
        self.env.cr.execute("UPDATE livechat_offline_message SET create_date = %s WHERE id = %s",
                            (days_ago(days_old), record.id))
        return record

    def test_offline_messages_older_than_the_setting_are_erased(self):
        """Answered or not, with the operators' notifications of them."""
        self.operator.notification_type = "inbox"  # notified in Odoo (over the bus), not by e-mail
        old = self._offline_message("Olga", 40)
        old_answered = self._offline_message("Oscar", 31)
        old_answered.action_mark_done()
        recent = self._offline_message("Rita", 10)
        notifications = (old | old_answered).mapped("message_ids")
        self.assertTrue(notifications)
        # the operator's web client was told over the bus (Odoo's inbox): the text is in bus_bus too
        bus = self.env["bus.bus"].sudo()
        inbox = json.dumps([self.env.cr.dbname, "ir.needaction", self.operator.partner_id.id], separators=(",", ":"))
        self.assertTrue(bus.search([("channel", "=", inbox), ("message", "like", "Call me back, Olga here")]))
        self.env["ir.config_parameter"].set_param("livechat.retention_days", "30")
        self.env.ref("livechat.ir_cron_livechat_retention").method_direct_trigger()
        self.assertFalse((old | old_answered).exists())
        self.assertFalse(notifications.exists())
        self.assertFalse(self.env["mail.message"].sudo().search([("body", "ilike", "Call me back, Olga here")]))
        self.assertFalse(bus.search([("message", "like", "Call me back, Olga here")]), "nor on the bus")
        self.assertTrue(bus.search([("channel", "=", inbox), ("message", "like", "Call me back, Rita here")]))
        self.assertTrue(recent.exists())
        self.assertTrue(recent.message_ids)

    def test_a_large_backlog_is_erased_in_short_transactions(self):
        """A first run on years of conversations erases them batch after batch (each committed by the
        cron), never all in one transaction that would hold its locks for long."""
        self.env["ir.config_parameter"].set_param("livechat.retention_days", "30")
        old = self.old | self._visitor_session("Older 1", closed_days_ago=50) | \
            self._visitor_session("Older 2", closed_days_ago=60) | self._visitor_session("Older 3", closed_days_ago=70)
        offline = self._offline_message("Olga", 400) | self._offline_message("Ilie", 500)
        batches = self.env["livechat.session"]._gc_expired_sessions(batch_size=3)
        self.assertEqual(batches, 2 + 1, "4 sessions in batches of 3, then 2 offline messages")
        self.assertFalse(old.exists())
        self.assertFalse(offline.exists())
        self.assert_kept(self.recent)
        self.assert_kept(self.ongoing)

    def test_zero_keeps_everything(self):
        old_offline = self._offline_message("Olga", 400)
        self.env["ir.config_parameter"].set_param("livechat.retention_days", "0")
        self.env["livechat.session"]._gc_expired_sessions()
        for session in (self.old, self.recent, self.ongoing):
            self.assert_kept(session)
        self.assertTrue(old_offline.exists())

    def test_setting(self):
        settings = self.env["res.config.settings"].create({"livechat_retention_days": 90})
        settings.execute()
        self.assertEqual(self.env["ir.config_parameter"].get_param("livechat.retention_days"), "90")
        self.assertEqual(self.env["res.config.settings"].create({}).livechat_retention_days, 90)
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"livechat_retention_days": -1})


@common.at_install(False)
@common.post_install(True)
class TestEraseVisitor(DataProtectionMixin, common.TransactionCase):

    def setUp(self):
        super(TestEraseVisitor, self).setUp()
        self.operator = self._make_user("ezra_erase_operator")
        self.manager = self._make_user("mia_erase_manager", groups=(
            "base.group_user", "livechat.group_livechat_manager"))
        self.channel = self._make_channel("Erase", self.operator)
        self.first = self._visitor_session("Dana", visitor_uid="dana-browser", closed_days_ago=3)
        self.second = self._visitor_session("Dana", visitor_uid="dana-browser")
        self.other = self._visitor_session("Someone Else", visitor_uid="other-browser")

    def test_erase_every_session_of_the_visitor(self):
        self.second._send_transcript("dana@example.com")
        self.second._record_page_visit("https://shop.example.com/cart")
        conversations = (self.first | self.second).mapped("mail_channel_id")
        message_ids = self._conversation_messages(self.first).ids + self._conversation_messages(self.second).ids
        mails = self.env["mail.mail"].sudo().search([("model", "=", "livechat.session"),
                                                     ("res_id", "=", self.second.id)])
        self.assertTrue(mails, "the transcript e-mail is queued")
        tokens = (self.first | self.second).sudo().mapped("access_token")
        self.assertTrue(self.env["bus.bus"].sudo().search_count([("channel", "like", tokens[1])]))

        action = self.second.sudo(self.manager).action_erase_visitor_data()
        wizard = self.env[action["res_model"]].sudo(self.manager).browse(action["res_id"])
        self.assertEqual(wizard.erased_session_ids, self.first | self.second)
        self.assertEqual(wizard.erased_session_count, 2)
        self.assertEqual(wizard.erased_message_count, len(message_ids))
        wizard.action_erase()

        for session in (self.first, self.second):
            self.assertFalse(session.exists())
        self.assertFalse(conversations.exists())
        self.assertFalse(self.env["mail.message"].sudo().browse(message_ids).exists())
        self.assertFalse(mails.exists())
        self.assertFalse(self.env["mail.message"].sudo().search([("body", "ilike", "I am Dana")]))
        self.assertFalse(self.env["livechat.session.page"].sudo().search([
            ("url", "=", "https://shop.example.com/cart")]))
        for token in tokens:
            self.assertFalse(self.env["bus.bus"].sudo().search_count([("channel", "like", token)]))
        self.assert_kept(self.other)

    def _offline(self, name, email, visitor_uid=None):
        return self.env["livechat.offline.message"]._create_from_visitor(
            self.channel, name, email, "Call me, %s here" % name, visitor_uid=visitor_uid)

    def test_erase_takes_the_visitors_offline_messages(self):
        """Left from the visitor's browser, or with an e-mail address the visitor gave: erased too."""
        self.second._send_transcript("dana@example.com")
        self.env["livechat.session.answer"].sudo().create({
            "session_id": self.first.id, "question": "Your e-mail address?", "value": "dana_pop@example.org"})
        from_browser = self._offline("Dana", "d.work@example.net", visitor_uid="dana-browser")
        by_transcript_email = self._offline("Dana", "DANA@example.com", visitor_uid="dana-phone")
        by_chatbot_email = self._offline("D. Pop", "dana_pop@example.org")
        by_browser_email = self._offline("Dana", "d.work@example.net", visitor_uid="dana-tablet")
        lookalike = self._offline("Dan", "danaXpop@example.org")  # "_" is no wildcard
        others = self._offline("Someone Else", "someone@example.com", visitor_uid="other-browser")
        erased = from_browser | by_transcript_email | by_chatbot_email | by_browser_email
        message_ids = erased.mapped("message_ids").ids
        self.assertTrue(message_ids, "the operators were notified")

        action = self.second.sudo(self.manager).action_erase_visitor_data()
        wizard = self.env[action["res_model"]].sudo(self.manager).browse(action["res_id"])
        self.assertEqual(wizard.erased_offline_message_ids, erased)
        self.assertEqual(wizard.erased_offline_message_count, 4)
        wizard.action_erase()

        self.assertFalse(erased.exists())
        self.assertFalse(self.env["mail.message"].sudo().browse(message_ids).exists())
        self.assertFalse(self.env["mail.message"].sudo().search([("body", "ilike", "Call me, Dana here")]))
        self.assertEqual((lookalike | others).exists(), lookalike | others)
        self.assert_kept(self.other)

    def test_visitor_without_email_or_offline_message(self):
        others = self._offline("Someone Else", "someone@example.com", visitor_uid="other-browser")
        wizard = self.env["livechat.visitor.erase"].sudo(self.manager).create({"session_ids": [(6, 0, self.first.ids)]})
        self.assertFalse(wizard.erased_offline_message_ids)
        wizard.action_erase()
        self.assertTrue(others.exists())

    def test_session_without_browser_id_is_erased_alone(self):
        lone = self._visitor_session("Lone")
        action = lone.sudo(self.manager).action_erase_visitor_data()
        self.env[action["res_model"]].sudo(self.manager).browse(action["res_id"]).action_erase()
        self.assertFalse(lone.exists())
        for session in (self.first, self.second, self.other):
            self.assert_kept(session)

    def test_action_menu_opens_the_confirmation(self):
        action = self.env.ref("livechat.livechat_visitor_erase_action")
        self.assertEqual(action.binding_model_id.model, "livechat.session")
        self.assertIn(self.env.ref("livechat.group_livechat_manager"), action.groups_id)
        wizard = self.env["livechat.visitor.erase"].sudo(self.manager).with_context(
            active_model="livechat.session", active_ids=[self.first.id]).create({})
        self.assertEqual(wizard.erased_session_ids, self.first | self.second)

    def test_only_administrators_erase(self):
        with self.assertRaises(AccessError):
            self.second.sudo(self.operator).action_erase_visitor_data()
        wizard = self.env["livechat.visitor.erase"].sudo(self.operator).create(
            {"session_ids": [(6, 0, self.second.ids)]})
        with self.assertRaises(AccessError):
            wizard.action_erase()
        self.assert_kept(self.second)

    def test_the_confirmation_shows_nothing_to_others(self):
        """Anyone may create the wizard (a transient model), but only administrators see what it would
        erase: it is computed as superuser."""
        self._offline("Dana", "d.work@example.net", visitor_uid="dana-browser")
        employee = self._make_user("eve_erase_employee", groups=("base.group_user",))
        values = {"session_ids": [(6, 0, self.second.ids)]}
        for user in (self.operator, employee):
            wizard = self.env["livechat.visitor.erase"].sudo(user).create(values)
            self.assertFalse(wizard.erased_session_ids, user.login)
            self.assertFalse(wizard.erased_offline_message_ids, user.login)
            self.assertEqual((wizard.erased_session_count, wizard.erased_message_count,
                              wizard.erased_offline_message_count), (0, 0, 0), user.login)
        wizard = self.env["livechat.visitor.erase"].sudo(self.manager).create(values)
        self.assertEqual(wizard.erased_session_count, 2)
        self.assertEqual(wizard.erased_offline_message_count, 1)


@common.at_install(False)
@common.post_install(True)
class TestErasedVisitorHttp(SecurityHttpCase):

    def test_erased_session_token_is_unknown(self):
        result = self.open_session(visitor_uid="gone-browser")
        self.assertEqual(self.api("session/post", {"token": result["token"], "body": "erase me"})[0], 200)
        self.session_of(result["token"])._visitor_sessions()._erase()
        for route in ("session/history", "session/post", "session/leave"):
            status, answer = self.api(route, {"token": result["token"], "body": "still here?"})
            self.assertEqual(status, 403, route)
            self.assertNotIn("erase me", json.dumps(answer))


@common.at_install(False)
@common.post_install(True)
class TestUninstall(DataProtectionMixin, common.TransactionCase):
    """Uninstalling the addon leaves no visitor's conversation behind in Odoo's mail tables."""

    def test_uninstall_hook_erases_the_conversations_and_their_notifications(self):
        from ..hooks import uninstall_hook
        self.operator = self._make_user("ursula_uninstall_operator")
        self.channel = self._make_channel("Uninstall", self.operator)
        session = self._visitor_session("Leaving Visitor")
        conversation, message_ids = session.mail_channel_id, self._conversation_messages(session).ids
        self.assertTrue(message_ids)
        bus = self.env["bus.bus"].sudo()
        token = session.access_token  # the session goes too
        self.assertTrue(bus.search([("channel", "like", token)]))
        other_channel = self.env["mail.channel"].create({"name": "Team room", "channel_type": "channel"})
        uninstall_hook(self.cr, self.registry)
        self.assertFalse(conversation.exists())
        self.assertFalse(self.env["mail.message"].sudo().browse(message_ids).exists())
        self.assertFalse(bus.search([("channel", "like", token)]))
        self.assertFalse(self.env["mail.channel"].search([("channel_type", "=", "livechat")]))
        self.assertTrue(other_channel.exists(), "other channels are Odoo's, not the addon's")
