from odoo.exceptions import AccessError, ValidationError
from odoo.tests import common

from .after_chat_common import AfterChatCase, AfterChatHttpCase


class TestOfflineMessage(AfterChatCase):
    """Nobody available, no chatbot: the channel may offer a short form instead of hiding its button."""

    def setUp(self):
        super(TestOfflineMessage, self).setUp()
        self.env["bus.presence"].sudo().search([("user_id", "=", self.operator.id)]).unlink()
        self.assertFalse(self.channel._get_available_operators())
        self.Session = self.env["livechat.session"]
        self.Offline = self.env["livechat.offline.message"]

    def test_without_the_option_the_button_hides(self):
        result = self.Session._widget_init(self.channel, "/shop")
        self.assertFalse(result["show_button"])
        self.assertIsNone(result["offline_form"])

    def test_with_the_option_the_button_shows_the_form(self):
        self.channel.offline_form_enabled = True
        result = self.Session._widget_init(self.channel, "/shop")
        self.assertTrue(result["show_button"])
        self.assertFalse(result["available"])
        form = result["offline_form"]
        self.assertEqual(form["text"], self.channel.offline_form_text)
        for key in ("name_label", "email_label", "message_label", "send_label", "sent_text"):
            self.assertTrue(form[key], key)

    def test_a_hiding_rule_still_hides(self):
        self.channel.offline_form_enabled = True
        self.channel.rule_ids = [(0, 0, {"action": "hide_button", "regex_url": "^/private"}),
                                 (0, 0, {"action": "display_button", "regex_url": "/"})]
        self.assertFalse(self.Session._widget_init(self.channel, "/private/area")["show_button"])
        self.assertTrue(self.Session._widget_init(self.channel, "/shop")["show_button"])

    def test_a_chatbot_answers_instead_of_the_form(self):
        self.channel.offline_form_enabled = True
        script = self.env["livechat.chatbot.script"].create({
            "title": "Night Bot", "step_ids": [(0, 0, {"step_type": "text", "message": "Hi, I am the bot."})]})
        self.channel.rule_ids = [(0, 0, {"action": "display_button", "regex_url": "/",
                                         "chatbot_script_id": script.id})]
        result = self.Session._widget_init(self.channel, "/shop")
        self.assertTrue(result["chatbot"])
        self.assertTrue(result["show_button"])
        self.assertTrue(result["offline_form"], "the widget knows the form, but the chatbot comes first")

    def test_operators_online_means_a_normal_chat(self):
        self.channel.offline_form_enabled = True
        self._set_online(self.operator)
        result = self.Session._widget_init(self.channel, "/")
        self.assertTrue(result["available"])
        self.assertTrue(result["show_button"])

    def test_message_is_recorded_and_operators_are_notified(self):
        colleague = self._make_operator("carla_after_chat", "Carla Colleague")
        self.channel.user_ids = [(4, colleague.id)]
        record = self.Offline._create_from_visitor(
            self.channel, "  Ana Pop ", " ana@example.com ", "Please call me back <b>tomorrow</b>.",
            page_url="https://shop.example.com/contactus", country=self.env.ref("base.ro"))
        self.assertEqual(record.name, "Ana Pop")
        self.assertEqual(record.email, "ana@example.com")
        self.assertEqual(record.state, "new")
        self.assertEqual(record.country_id, self.env.ref("base.ro"))
        operators = (self.operator | colleague).mapped("partner_id")
        self.assertEqual(record.message_partner_ids & operators, operators, "operators follow the message")
        post = record.message_ids.filtered(lambda message: message.message_type == "comment")
        self.assertEqual(len(post), 1)
        self.assertEqual(post.needaction_partner_ids & operators, operators, "in every operator's inbox")
        self.assertIn("&lt;b&gt;tomorrow&lt;/b&gt;", post.body, "the visitor's text stays text")
        self.assertIn("Ana Pop", post.subject)
        # the operator finds it in the backend and marks it answered
        mine = self.Offline.sudo(self.operator).search([("state", "=", "new")])
        self.assertEqual(mine, record)
        mine.action_mark_done()
        self.assertEqual(record.state, "done")
        self.assertEqual(record.user_id, self.operator)

    def test_bad_input_is_refused_with_a_clear_error(self):
        cases = [
            (("", "ana@example.com", "Hello"), "your name"),
            (("Ana", "", "Hello"), "e-mail address"),
            (("Ana", "ana(at)example.com", "Hello"), "not a valid e-mail address"),
            (("Ana", "ana@example.com", "   "), "write your message"),
            (("Ana", "ana@example.com", "x" * 4001), "too long"),
            (("A" * 101, "ana@example.com", "Hello"), "too long"),
        ]
        for (name, email, message), error in cases:
            with self.assertRaisesRegex(ValidationError, error):
                with self.env.cr.savepoint():
                    self.Offline._create_from_visitor(self.channel, name, email, message)
        self.assertFalse(self.Offline.sudo().search([("channel_id", "=", self.channel.id)]))

    def test_the_page_stays_a_web_address(self):
        """Never a script URL in the backend's page link, whoever writes it."""
        record = self.Offline._create_from_visitor(
            self.channel, "Ana", "ana@example.com", "Hi", page_url="javascript:alert(document.cookie)")
        self.assertFalse(record.page_url, "a visitor's script URL is no page")
        for url in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>x</script>", "//x.example"):
            with self.assertRaisesRegex(ValidationError, "http"):
                with self.env.cr.savepoint():
                    record.sudo().write({"page_url": url})
        record.sudo().write({"page_url": "HTTPS://shop.example.com/contactus"})

    def test_users_change_only_the_status_not_what_the_visitor_sent(self):
        """The form shows the fields read-only; the RPC API must refuse them too, even to live chat administrators."""
        record = self.Offline._create_from_visitor(self.channel, "Ana", "ana@example.com", "Call me at 10",
                                                   page_url="https://shop.example.com/contactus")
        manager = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Mara Manager", "login": "mara_offline_manager", "email": "mara@example.com",
            "groups_id": [(6, 0, [self.env.ref("livechat.group_livechat_manager").id])]})
        for user in (self.operator, manager):
            mine = record.sudo(user)
            for vals in ({"name": "Someone else"}, {"email": "spam@example.com"}, {"message": "Changed"},
                         {"page_url": "https://elsewhere.example.com/"}, {"state": "done", "message": "x"}):
                with self.assertRaisesRegex(AccessError, "only its status"):
                    with self.env.cr.savepoint():
                        mine.write(vals)
            mine.action_mark_done()
            self.assertEqual(record.state, "done")
            mine.action_mark_new()
        record.invalidate_cache()
        self.assertEqual((record.name, record.email, record.message, record.page_url),
                         ("Ana", "ana@example.com", "Call me at 10", "https://shop.example.com/contactus"))

    def test_notifications_have_hourly_caps_but_messages_are_kept(self):
        """Many forms from many browsers: operators are notified (by e-mail for those who chose it) at
        most so many times an hour per channel and for the database; every message is kept all the same."""
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("livechat.offline_notify_hourly_limit_per_channel", "2")
        params.set_param("livechat.offline_notify_hourly_limit", "3")
        other = self.env["livechat.channel"].create({"name": "Other Help", "user_ids": [(6, 0, [self.operator.id])]})
        partner = self.operator.partner_id

        def leave(channel, name):
            record = self.Offline._create_from_visitor(channel, name, "%s@example.com" % name.lower(), "Call me")
            notified = record.message_ids.filtered(lambda message: partner in message.partner_ids)
            return record, bool(notified)

        self.assertTrue(leave(self.channel, "Ana")[1])
        self.assertTrue(leave(self.channel, "Bob")[1])
        kept, notified = leave(self.channel, "Cleo")
        self.assertFalse(notified, "the channel's cap bites")
        self.assertFalse(kept.operators_notified)
        self.assertEqual(kept.sudo(self.operator).message, "Call me", "the message is kept for the operators")
        self.assertTrue(leave(other, "Dan")[1], "another channel still has room")
        self.assertFalse(leave(other, "Eva")[1], "the database's cap bites")
        self.assertEqual(self.Offline.sudo().search_count([("channel_id", "in", [self.channel.id, other.id])]), 5)

    def test_operators_see_only_their_channels_messages(self):
        other_channel = self.env["livechat.channel"].create({"name": "Elsewhere", "user_ids": [(6, 0, [])]})
        self.Offline._create_from_visitor(other_channel, "Bob", "bob@example.com", "Hi")
        mine = self.Offline._create_from_visitor(self.channel, "Ana", "ana@example.com", "Hi")
        self.assertEqual(self.Offline.sudo(self.operator).search([]), mine)
        employee = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Eve Employee", "login": "eve_after_chat",
            "groups_id": [(6, 0, [self.env.ref("base.group_user").id])]})
        with self.assertRaises(AccessError):
            self.Offline.sudo(employee).search([])


@common.at_install(False)
@common.post_install(True)
class TestOfflineMessageApi(AfterChatHttpCase):
    """POST /livechat/api/offline/send, as the widget's offline form calls it."""

    def setUp(self):
        super(TestOfflineMessageApi, self).setUp()
        self.env["bus.presence"].sudo().search([("user_id", "=", self.operator.id)]).unlink()
        self.env["ir.config_parameter"].sudo().set_param("livechat.rate_limit_offline", "0")
        self.channel.offline_form_enabled = True

    def test_visitor_leaves_a_message(self):
        status, body = self.api("/livechat/api/offline/send", {
            "channel_id": self.channel.id, "name": "Ana", "email": "ana@example.com",
            "message": "Do you ship to Iasi?", "url": "https://shop.example.com/shop"})
        self.assertEqual(status, 200, body)
        self.assertTrue(body["message"])
        record = self.env["livechat.offline.message"].sudo().search([("channel_id", "=", self.channel.id)])
        self.assertEqual(len(record), 1)
        self.assertEqual(record.message, "Do you ship to Iasi?")
        self.assertEqual(record.page_url, "https://shop.example.com/shop")

    def test_the_visitors_browser_id_is_kept(self):
        """The widget sends its browser id with the form: erasing the visitor's data finds the message."""
        status, body = self.api("/livechat/api/offline/send", {
            "channel_id": self.channel.id, "name": "Ana", "email": "ana@example.com", "message": "Hi",
            "visitor_uid": "ana-browser\u202e"})
        self.assertEqual(status, 200, body)
        record = self.env["livechat.offline.message"].sudo().search([("channel_id", "=", self.channel.id)])
        self.assertEqual(record.visitor_uid, "ana-browser", "stored as clean text")
        self.assertEqual(self.env["livechat.offline.message"]._of_visitors(visitor_uids=["ana-browser"]), record)

    def test_bad_input_gets_a_readable_error_and_no_record(self):
        status, body = self.api("/livechat/api/offline/send", {
            "channel_id": self.channel.id, "name": "Ana", "email": "ana-at-example", "message": "Hi"})
        self.assertEqual(status, 400)
        self.assertIn("not a valid e-mail address", body["error"]["message"])
        self.assertFalse(self.env["livechat.offline.message"].sudo().search([("channel_id", "=", self.channel.id)]))

    def test_channel_without_the_option_takes_no_message(self):
        self.channel.offline_form_enabled = False
        status, body = self.api("/livechat/api/offline/send", {
            "channel_id": self.channel.id, "name": "Ana", "email": "ana@example.com", "message": "Hi"})
        self.assertEqual(status, 404)
        self.assertEqual(body["error"]["code"], "channel_not_found")
