import json
from datetime import datetime, timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.addons.bus.models.bus import json_dump
from odoo.tests import common

from .common import LivechatCase
from .visitor_common import OperatorMixin


def seconds_ago(seconds):
    return fields.Datetime.to_string(datetime.utcnow() - timedelta(seconds=seconds))


class DiscussCase(OperatorMixin, LivechatCase):
    """An online operator on a channel, and conversations opened the way the visitor API opens them."""

    def setUp(self):
        super(DiscussCase, self).setUp()
        self.operator.write({"livechat_username": "Oscar"})
        self.env["bus.presence"].create({
            "user_id": self.operator.id, "last_poll": seconds_ago(2), "last_presence": seconds_ago(2)})
        self.channel = self.env["livechat.channel"].create({
            "name": "Discuss Test Channel", "user_ids": [(6, 0, [self.operator.id])]})
        self.romania = self.env.ref("base.ro")

    def open_session(self, name="Ana", country=None, page_url="https://shop.example.com/shop", first_message="Hello"):
        return self._start_chat(self.channel, first_message, page_url=page_url, visitor_name=name, country=country)

    def as_operator(self, model="mail.channel"):
        return self.env[model].sudo(self.operator)

    def bus_messages(self, bus_channel):
        """Messages sent on ``bus_channel`` in this test, oldest first."""
        self.env.cr.execute("SELECT channel, message FROM bus_bus ORDER BY id")
        wanted = json_dump(bus_channel)
        return [json.loads(message) for channel, message in self.env.cr.fetchall() if channel == wanted]

    def operator_bus(self):
        return self.bus_messages((self.env.cr.dbname, "res.partner", self.operator.partner_id.id))


class TestDiscussList(DiscussCase):
    """Discuss's LIVECHAT heading: the operator's open conversations, newest first."""

    def livechat_slot(self, user=None):
        channels = self.env["mail.channel"].sudo(user or self.operator)
        return channels.channel_fetch_slot()["channel_livechat"]

    def test_open_conversations_newest_first_with_the_visitor(self):
        first = self.open_session("Ana", country=self.romania)
        second = self.open_session("Bogdan")
        slot = self.livechat_slot()
        self.assertEqual([info["id"] for info in slot], [second.mail_channel_id.id, first.mail_channel_id.id])
        info = slot[1]
        self.assertEqual(info["channel_type"], "livechat")
        self.assertEqual(info["livechat"]["visitor_name"], "Ana")
        self.assertEqual(info["livechat"]["country_name"], "Romania")
        self.assertEqual(info["livechat"]["country_code"], "ro")
        self.assertEqual(info["livechat"]["page_url"], "https://shop.example.com/shop")
        self.assertEqual(info["livechat"]["state"], "open")
        self.assertFalse(info["livechat"]["end_date"])

    def test_listed_by_latest_message(self):
        first = self.open_session("Ana")
        second = self.open_session("Bogdan")
        first._post_visitor_message("Me again")
        slot = self.livechat_slot()
        self.assertEqual([info["id"] for info in slot], [first.mail_channel_id.id, second.mail_channel_id.id],
                         "Ana wrote last: she comes first")
        self.assertGreater(slot[0]["livechat_last_message_id"], slot[1]["livechat_last_message_id"])
        second.mail_channel_id.sudo(self.operator).message_post(
            body="<p>Hello Bogdan</p>", message_type="comment", subtype="mail.mt_comment")
        self.assertEqual([info["id"] for info in self.livechat_slot()],
                         [second.mail_channel_id.id, first.mail_channel_id.id], "the operator's answer counts too")

    def test_unread_visitor_messages_are_counted(self):
        session = self.open_session(first_message=None)
        session._post_visitor_message("Hello, is my order shipped?")
        session._post_visitor_message("Order SO042")
        info = self.livechat_slot()[0]
        self.assertEqual(info["message_unread_counter"], 2, "shown in bold with its counter")
        session.mail_channel_id.sudo(self.operator).channel_seen()
        self.env.cache.invalidate()
        self.assertEqual(self.livechat_slot()[0]["message_unread_counter"], 0)

    def test_closed_conversation_leaves_the_list_but_stays_readable(self):
        session = self.open_session()
        session._post_visitor_message("Thanks, bye")
        session._end("visitor")
        self.assertFalse(self.livechat_slot())
        # the history of the session: the operator still reads the conversation
        messages = self.as_operator("mail.message").search([
            ("model", "=", "mail.channel"), ("res_id", "=", session.mail_channel_id.id)])
        self.assertIn("Thanks, bye", " ".join(messages.mapped("body")))
        self.assertEqual(self.as_operator("livechat.session").browse(session.id).state, "closed")

    def test_other_operators_conversations_are_not_listed(self):
        self.open_session()
        colleague = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Colleague", "login": "colleague_discuss",
            "groups_id": [(6, 0, [self.env.ref("livechat.group_livechat_user").id])]})
        self.assertFalse(self.livechat_slot(colleague))

    def test_discuss_still_loads_for_employees_who_are_not_operators(self):
        slot = self.env["mail.channel"].sudo(self.employee).channel_fetch_slot()
        self.assertEqual(slot["channel_livechat"], [])
        self.assertIn("channel_channel", slot)

    def test_new_conversation_opens_the_operators_chat_window(self):
        session = self.open_session("Ana", country=self.romania)
        announces = [message for message in self.operator_bus()
                     if message.get("id") == session.mail_channel_id.id]
        self.assertTrue(announces, "the operator's web client is told at once")
        self.assertEqual(announces[-1]["channel_type"], "livechat")
        self.assertTrue(announces[-1]["is_minimized"], "as a chat window")
        self.assertEqual(announces[-1]["livechat"]["country_name"], "Romania")
        # what the web client then asks (join_channel): the window state of this operator
        info = session.mail_channel_id.sudo(self.operator).channel_join_and_get_info()
        self.assertEqual(info["state"], "open")
        self.assertTrue(info["is_minimized"])
        self.assertEqual(info["livechat"]["visitor_name"], "Ana")

    def test_ended_conversation_fetched_late_opens_no_window(self):
        # the web client replays the last minute's notifications when it loads: an announcement
        # of a conversation that has ended since then must not open its chat window again
        session = self.open_session("Ana")
        session._end("visitor")
        sent_before = len(self.operator_bus())
        info = session.mail_channel_id.sudo(self.operator).channel_join_and_get_info()
        self.assertFalse(info["is_minimized"])
        self.assertEqual(info["livechat"]["state"], "closed")
        self.assertFalse([message for message in self.operator_bus()[sent_before:] if message.get("is_minimized")])

    def test_removing_a_conversation_from_the_list(self):
        session = self.open_session()
        session._end("visitor")
        channel = session.mail_channel_id.sudo(self.operator)
        channel.channel_pin(channel.uuid, False)
        membership = self.env["mail.channel.partner"].search([
            ("channel_id", "=", channel.id), ("partner_id", "=", self.operator.partner_id.id)])
        self.assertFalse(membership.is_pinned)
        self.assertFalse(membership.is_minimized)
        # the web client forgets it through our own notification (never Odoo's HTML notice with the name)
        self.assertEqual(self.operator_bus()[-1], {"type": "livechat_unpinned", "id": channel.id})


class TestVisitorInfo(DiscussCase):
    """What the operator sees of the visitor: pages visited since the start, when he left."""

    def test_pages_visited_are_listed_in_order(self):
        session = self.open_session()
        for path in ("/shop/chair", "/shop/cart", "/shop/checkout"):
            self.assertTrue(session._record_page_visit("https://shop.example.com" + path))
        pages = session.mail_channel_id.sudo(self.operator).channel_info()[0]["livechat"]["pages"]
        self.assertEqual([page["url"] for page in pages], [
            "https://shop.example.com/shop/chair", "https://shop.example.com/shop/cart",
            "https://shop.example.com/shop/checkout"])
        self.assertTrue(all(page["date"] for page in pages))

    def test_reload_is_not_a_new_page(self):
        session = self.open_session(page_url="https://shop.example.com/shop")
        self.assertFalse(session._record_page_visit("https://shop.example.com/shop"),
                         "the page the chat started on")
        self.assertTrue(session._record_page_visit("https://shop.example.com/cart"))
        self.assertFalse(session._record_page_visit("https://shop.example.com/cart"))
        self.assertEqual(len(session.page_ids), 1)

    def test_only_the_last_fifty_pages_are_kept(self):
        session = self.open_session()
        for number in range(55):
            session._record_page_visit("https://shop.example.com/product/%d" % number)
        self.assertEqual(len(session.page_ids), 50)
        self.assertEqual(session.page_ids[0].url, "https://shop.example.com/product/5")
        self.assertEqual(session.page_ids[-1].url, "https://shop.example.com/product/54")

    def test_bad_addresses_are_refused_and_nothing_is_lost(self):
        session = self.open_session()
        session._record_page_visit("https://shop.example.com/ok")
        for url in ("javascript:alert(1)", "/relative/page", "", None, 42,
                    "https://shop.example.com/" + "a" * 2100, "https://shop.example.com/\nx"):
            with self.assertRaises(ValidationError):
                session._record_page_visit(url)
        self.assertEqual(session.page_ids.mapped("url"), ["https://shop.example.com/ok"])

    def test_operator_sees_new_pages_at_once(self):
        session = self.open_session()
        session._record_page_visit("https://shop.example.com/cart")
        update = self.operator_bus()[-1]
        self.assertEqual(update["type"], "livechat_session_update")
        self.assertEqual(update["channel_id"], session.mail_channel_id.id)
        self.assertEqual(update["livechat"]["pages"][-1]["url"], "https://shop.example.com/cart")

    def test_pages_after_the_end_are_ignored(self):
        session = self.open_session()
        session._end("visitor")
        self.assertFalse(session._record_page_visit("https://shop.example.com/cart"))
        self.assertFalse(session.page_ids)

    def test_operator_sees_when_the_visitor_left(self):
        session = self.open_session("Ana")
        session._end("visitor")
        update = self.operator_bus()[-1]
        self.assertEqual(update["type"], "livechat_session_update")
        self.assertEqual(update["livechat"]["state"], "closed")
        self.assertTrue(update["livechat"]["end_date"])
        info = session.mail_channel_id.sudo(self.operator).channel_info()[0]["livechat"]
        self.assertEqual(info["end_date"], session.end_date)


class TestCommands(DiscussCase):
    """/leave and /help typed by the operator in a live chat conversation."""

    def test_leave_tells_the_visitor_and_ends_the_chat(self):
        session = self.open_session("Ana")
        channel = session.mail_channel_id.sudo(self.operator)
        channel.execute_command(command="leave")
        self.assertEqual(session.state, "closed")
        self.assertTrue(session.end_date)
        # the visitor's widget gets the operator's notice, then the end of the conversation
        visitor_events = self.bus_messages(session._bus_channel())
        self.assertEqual(visitor_events[-2]["type"], "message")
        self.assertEqual(visitor_events[-2]["message"]["body"], "Oscar left the conversation.")
        self.assertEqual(visitor_events[-2]["message"]["kind"], "notification")
        self.assertEqual(visitor_events[-1], {"type": "closed"})
        self.assertEqual(session._history()[-1]["body"], "Oscar left the conversation.")
        # his web client forgets it and says so (as text: the web client escapes it)
        self.assertEqual(self.operator_bus()[-1], {
            "type": "livechat_unpinned", "id": channel.id,
            "title": "Live Chat", "message": "You left the conversation with Ana."})
        # it leaves the operator's list, its history stays readable
        self.assertFalse(channel.channel_fetch_slot()["channel_livechat"])
        self.assertTrue(channel.channel_fetch_message())

    def test_leave_is_refused_to_non_members(self):
        session = self.open_session()
        intruder = session.mail_channel_id.sudo(self.livechat_manager)
        with self.assertRaises(AccessError):
            intruder.execute_command(command="leave")
        self.assertEqual(session.state, "open")

    def test_leave_in_an_ordinary_channel_keeps_odoos_behaviour(self):
        team = self.env["mail.channel"].create({"name": "team", "public": "public"}).sudo(self.operator)
        team.action_follow()
        self.assertIn(self.operator.partner_id, team.sudo().channel_partner_ids)
        team.execute_command(command="leave")
        self.assertNotIn(self.operator.partner_id, team.sudo().channel_partner_ids)

    def test_help_lists_the_commands_and_the_visitor(self):
        session = self.open_session("<b>Ana</b>", country=self.romania)
        session.mail_channel_id.sudo(self.operator).execute_command(command="help")
        transient = self.operator_bus()[-1]
        self.assertEqual(transient["info"], "transient_message")
        self.assertEqual(transient["channel_ids"], [session.mail_channel_id.id])
        body = transient["body"]
        self.assertIn("/leave", body)
        self.assertIn("/help", body)
        self.assertNotIn("/who", body, "not available in live chats")
        self.assertIn("Romania", body)
        self.assertIn("&lt;b&gt;Ana&lt;/b&gt;", body, "the visitor's name is text, not HTML")
        self.assertNotIn("<b>Ana</b>", body)

    def typed(self, session, body):
        """The operator sends ``body`` from his chat window without picking a suggestion: Odoo's web
        client posts it as a message (HTML, as its composer does)."""
        return session.mail_channel_id.sudo(self.operator).message_post(
            body=body, message_type="comment", subtype="mail.mt_comment", content_subtype="html")

    def visitor_bodies(self, session):
        return [event["message"]["body"] for event in self.bus_messages(session._bus_channel())
                if event["type"] == "message"]

    def test_leave_typed_fast_runs_and_is_not_sent(self):
        session = self.open_session("Ana")
        self.typed(session, "/leave")
        self.assertEqual(session.state, "closed", "the command ran")
        self.assertNotIn("/leave", self.visitor_bodies(session))
        self.assertEqual(self.visitor_bodies(session)[-1], "Oscar left the conversation.")
        self.assertFalse(self._conversation_messages(session).filtered(lambda m: "/leave" in (m.body or "")))

    def test_help_typed_fast_answers_the_operator_only(self):
        session = self.open_session("Ana")
        before = self.visitor_bodies(session)
        self.typed(session, "<p>/help</p>")
        self.assertEqual(self.operator_bus()[-1]["info"], "transient_message")
        self.assertIn("/leave", self.operator_bus()[-1]["body"])
        self.assertEqual(self.visitor_bodies(session), before, "nothing reaches the visitor")
        self.assertEqual(session.state, "open")

    def test_unknown_command_is_answered_to_the_operator_only(self):
        session = self.open_session("Ana")
        before = self.visitor_bodies(session)
        stored = len(self._conversation_messages(session))
        for body in ("/nope", "/who", "/<b>x</b>nope please"):
            self.typed(session, body)
        transient = self.operator_bus()[-1]
        self.assertEqual(transient["info"], "transient_message")
        self.assertIn("Unknown command /", transient["body"])
        self.assertEqual(self.visitor_bodies(session), before)
        self.assertEqual(len(self._conversation_messages(session)), stored, "nothing stored")
        # as Odoo's suggestion list sends it
        session.mail_channel_id.sudo(self.operator).execute_command(command="nope")
        self.assertIn("Unknown command /nope", self.operator_bus()[-1]["body"])

    def test_a_slash_that_is_no_command_is_a_message(self):
        session = self.open_session("Ana")
        for body in ("/path/to/file is here", "1/2 done", "/ spaced"):
            self.typed(session, body)
        self.assertEqual(self.visitor_bodies(session)[-3:], ["/path/to/file is here", "1/2 done", "/ spaced"])

    def test_commands_offered_in_a_livechat(self):
        commands = self.env["mail.channel"].get_mention_commands()
        offered = [command["name"] for command in commands
                   if not command.get("channel_types") or "livechat" in command["channel_types"]]
        self.assertIn("leave", offered)
        self.assertIn("help", offered)


@common.at_install(False)
@common.post_install(True)
class TestPageVisitApi(common.HttpCase):
    """POST /livechat/api/session/page: the widget reports a page the visitor opened."""

    def setUp(self):
        super(TestPageVisitApi, self).setUp()
        # Odoo 11's HttpCase serves requests on the registry's test cursor: the test's data goes there
        self.env = api.Environment(self.registry.test_cr, SUPERUSER_ID, {})
        admin = self.env.ref("base.user_root")
        self.env["bus.presence"].search([("user_id", "=", admin.id)]).unlink()
        self.env["bus.presence"].create({
            "user_id": admin.id, "last_poll": seconds_ago(1), "last_presence": seconds_ago(1)})
        channel = self.env["livechat.channel"].create({"name": "API Pages", "user_ids": [(6, 0, [admin.id])]})
        self.session = self.env["livechat.session"]._open_for_visitor(
            channel, page_url="https://shop.example.com/", visitor_name="Ana")
        self.session._post_visitor_message("Hello")
        self.token = self.session.sudo().access_token

    def post(self, payload):
        # the test cursor's commit is a savepoint: a failing request rolls back to here
        self.env.cr.commit()  # pylint: disable=invalid-commit
        response = self.url_open("/livechat/api/session/page", data=json.dumps(payload), timeout=30)
        self.env.cache.invalidate()
        return response.status_code, response.json()

    def test_page_is_recorded(self):
        status, body = self.post({"token": self.token, "url": "https://shop.example.com/cart"})
        self.assertEqual((status, body), (200, {"recorded": True}))
        self.assertEqual(self.session.page_ids.mapped("url"), ["https://shop.example.com/cart"])

    def test_pages_are_stored_without_their_fragment(self):
        """A fragment can carry a log-in token (#access_token=...): it never reaches the database."""
        status, _body = self.post({"token": self.token, "url": "https://shop.example.com/account#access_token=s3cr3t"})
        self.assertEqual(status, 200)
        self.assertEqual(self.session.page_ids.mapped("url"), ["https://shop.example.com/account"])
        opened = self.env["livechat.session"]._open_for_visitor(
            self.session.channel_id, page_url="https://shop.example.com/#/cart?token=s3cr3t", visitor_name="Bo")
        self.assertEqual(opened.page_url, "https://shop.example.com/")
        offline = self.env["livechat.offline.message"]._create_from_visitor(
            self.session.channel_id, "Bo", "bo@example.com", "Hello", page_url="https://shop.example.com/c#t=1")
        self.assertEqual(offline.page_url, "https://shop.example.com/c")

    def test_bad_address_gets_a_readable_error(self):
        status, body = self.post({"token": self.token, "url": "javascript:alert(1)"})
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["code"], "invalid_url")
        self.assertIn("http://", body["error"]["message"])
        self.assertFalse(self.session.page_ids)

    def test_unknown_or_closed_session_is_refused(self):
        status, body = self.post({"token": "not-a-token", "url": "https://shop.example.com/cart"})
        self.assertEqual((status, body["error"]["code"]), (403, "invalid_token"))
        self.session._end("visitor")
        status, body = self.post({"token": self.token, "url": "https://shop.example.com/cart"})
        self.assertEqual((status, body["error"]["code"]), (403, "session_closed"))
