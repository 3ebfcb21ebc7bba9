"""Isolation: a visitor reaches only his own session; operators only the sessions of their channels;
the public reaches no model through /web/dataset."""
import json

from odoo.exceptions import AccessError
from odoo.tests import common

from .security_common import SecurityHttpCase, SecurityMixin


@common.at_install(False)
@common.post_install(True)
class TestVisitorIsolation(SecurityHttpCase):
    """The session token is the only key to a conversation."""

    def test_token_reads_and_posts_only_its_own_session(self):
        alice = self.open_session(visitor_uid="alice-browser")
        bob = self.open_session(visitor_uid="bob-browser")
        self.assertNotEqual(alice["token"], bob["token"])
        status, _result = self.api("session/post", {"token": bob["token"], "body": "Bob secret order 4411"})
        self.assertEqual(status, 200)
        status, _result = self.api("session/post", {"token": alice["token"], "body": "Alice asks"})
        self.assertEqual(status, 200)

        status, history = self.api("session/history", {"token": alice["token"]})
        self.assertEqual(status, 200)
        bodies = [message["body"] for message in history["messages"]]
        self.assertIn("Alice asks", bodies)
        self.assertNotIn("Bob secret order 4411", bodies)
        bob_bodies = self._conversation_messages(self.session_of(bob["token"])).mapped("body")
        self.assertIn("<p>Bob secret order 4411</p>", bob_bodies)
        self.assertNotIn("<p>Alice asks</p>", bob_bodies, "Alice's message did not land in Bob's conversation")

    def test_ids_and_guessed_tokens_are_refused_alike(self):
        alice = self.open_session(visitor_uid="alice-browser")
        session = self.session_of(alice["token"])
        status, unknown = self.api("session/history", {"token": "no-such-token"})
        self.assertEqual(status, 403)
        token = alice["token"]
        guessed = token[:-1] + ("A" if token[-1] != "A" else "B")
        attempts = [
            {"token": guessed},
            {"token": str(session.id)},
            {"token": session.id},
            {"session_id": session.id},
            {"token": str(session.mail_channel_id.id)},
            {"token": token.upper() if token.upper() != token else token.lower()},
            {"token": ""},
            {"token": None},
            {"token": [token]},
            {"token": {"$ne": ""}},
        ]
        for payload in attempts:
            for route in ("session/history", "session/post", "session/leave"):
                body = dict(payload, body="hello")
                status, result = self.api(route, body)
                self.assertEqual(status, 403, "%s %r" % (route, payload))
                self.assertEqual(result, unknown, "a wrong key tells nothing about existing sessions")
        self.assertEqual(session.state, "open", "nobody closed Alice's session")
        self.assertFalse(self._conversation_messages(session).filtered(lambda m: "hello" in (m.body or "")))

    def test_tokens_are_long_random_and_never_ids(self):
        tokens = [self.open_session(visitor_uid="visitor-%d" % number)["token"] for number in range(5)]
        self.assertEqual(len(set(tokens)), 5)
        for token in tokens:
            session = self.session_of(token)
            self.assertGreaterEqual(len(token), 40, "at least 240 bits of randomness")
            self.assertNotIn(str(session.id), token.split("-"))
        result = self.open_session(visitor_uid="visitor-x")
        session = self.session_of(result["token"])
        self.assertNotIn("session_id", result)
        self.assertNotIn(session.mail_channel_id.id, [value for key, value in result.items() if "id" in key])

    def test_closed_session_takes_no_more_messages(self):
        alice = self.open_session()
        self.assertEqual(self.api("session/leave", {"token": alice["token"]})[0], 200)
        status, result = self.api("session/post", {"token": alice["token"], "body": "still there?"})
        self.assertEqual(status, 403)
        self.assertEqual(result["error"]["code"], "session_closed")
        self.assertFalse(self._conversation_messages(self.session_of(alice["token"])).filtered(
            lambda m: "still there?" in (m.body or "")))


@common.at_install(False)
@common.post_install(True)
class TestOperatorIsolation(SecurityMixin, common.TransactionCase):
    """Operators see the sessions of their channels and those they answered; administrators see all."""

    def setUp(self):
        super(TestOperatorIsolation, self).setUp()
        self.sales_op = self._make_user("sofia_sales_operator")
        self.support_op = self._make_user("hans_support_operator")
        self.manager = self._make_user("lea_livechat_manager", groups=(
            "base.group_user", "livechat.group_livechat_manager"))
        self.sales = self._make_channel("Sales Desk", self.sales_op)
        self.support = self._make_channel("Support Desk", self.support_op)
        self.sales_session = self._open_session(self.sales, visitor_name="Sales Visitor")
        self.support_session = self._open_session(self.support, visitor_name="Support Visitor")
        self.support_session.mail_channel_id.sudo().message_post(
            body="<p>my card number is 4111</p>", author_id=False, email_from="Support Visitor",
            message_type="comment", subtype="mail.mt_comment")

    def test_operator_sees_only_his_channels_sessions(self):
        Session = self.env["livechat.session"].sudo(self.sales_op)
        self.assertEqual(Session.search([("id", "in", (self.sales_session | self.support_session).ids)]),
                         self.sales_session)
        self.assertEqual(self.sales_session.sudo(self.sales_op).visitor_name, "Sales Visitor")
        with self.assertRaises(AccessError):
            self.support_session.sudo(self.sales_op).read(["visitor_name"])
        with self.assertRaises(AccessError):
            self.support_session.sudo(self.sales_op).write({"state": "closed"})

    def test_operator_reads_no_other_conversation(self):
        conversation = self.support_session.mail_channel_id
        with self.assertRaises(AccessError):
            conversation.sudo(self.sales_op).read(["name"])
        messages = self.env["mail.message"].sudo(self.sales_op).search([
            ("model", "=", "mail.channel"), ("res_id", "=", conversation.id)])
        self.assertFalse(messages, "another operator's conversation stays private")
        self.assertFalse(self.env["mail.message"].sudo(self.sales_op).search([("body", "ilike", "4111")]))
        self.assertTrue(self.env["mail.message"].sudo(self.support_op).search([("body", "ilike", "4111")]))

    def test_colleague_of_the_channel_and_former_operator(self):
        colleague = self._make_user("carl_sales_colleague")
        self.sales.write({"user_ids": [(4, colleague.id)]})
        self.assertIn(self.sales_session, self.env["livechat.session"].sudo(colleague).search([]))
        self.sales.sudo(self.sales_op).action_leave()
        self.assertIn(self.sales_session, self.env["livechat.session"].sudo(self.sales_op).search([]),
                      "an operator who left the channel still sees the conversations he answered")

    def test_manager_sees_all_sessions(self):
        sessions = self.env["livechat.session"].sudo(self.manager).search([])
        self.assertIn(self.sales_session, sessions)
        self.assertIn(self.support_session, sessions)

    def test_operators_never_read_tokens(self):
        for user in (self.sales_op, self.manager):
            self.assertNotIn("access_token", self.env["livechat.session"].sudo(user).fields_get())
            with self.assertRaises(AccessError):
                self.sales_session.sudo(user).read(["access_token"])


@common.at_install(False)
@common.post_install(True)
class TestPublicReachesNoModel(SecurityHttpCase):
    """Anonymous visitors, the public user and portal users get no live chat data from the ORM."""

    MODELS = ("livechat.session", "livechat.channel", "livechat.channel.rule", "livechat.rate.limit",
              "mail.channel", "mail.message", "res.partner", "res.users", "ir.config_parameter")

    def setUp(self):
        super(TestPublicReachesNoModel, self).setUp()
        self.session = self._open_session(self.channel, visitor_name="Confidential Visitor")

    def jsonrpc(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})
        return self.post(path, body, headers={"Content-Type": "application/json"}).json()

    def test_anonymous_web_dataset_is_refused(self):
        self.opener.cookies.clear()
        for model in self.MODELS:
            answers = [
                self.jsonrpc("/web/dataset/call_kw/%s/search_read" % model, {
                    "model": model, "method": "search_read", "args": [[]], "kwargs": {}}),
                self.jsonrpc("/web/dataset/search_read", {"model": model, "domain": [], "fields": []}),
                self.jsonrpc("/web/dataset/call_kw", {
                    "model": model, "method": "read", "args": [[self.session.id]], "kwargs": {}}),
            ]
            for answer in answers:
                self.assertNotIn("result", answer, model)
                self.assertIn("error", answer, model)
                self.assertNotIn("Confidential Visitor", json.dumps(answer))

    def test_public_and_portal_users_have_no_access(self):
        names = [name for name, model in self.env.registry.items()
                 if model._original_module == "livechat" and not model._transient and not model._abstract]
        self.assertIn("livechat.session", names)
        portal = self._make_user("pat_portal_visitor", groups=("base.group_portal",))
        for user in (self.env.ref("base.public_user"), portal):
            for name in names:
                self.assertFalse(self.env[name].sudo(user).check_access_rights("read", raise_exception=False),
                                 "%s can read %s" % (user.login, name))
            # mail.channel is readable by everyone in Odoo, but live chat conversations are private
            self.assertFalse(self.env["mail.channel"].sudo(user).search([("channel_type", "=", "livechat")]))
            self.assertFalse(self.env["mail.message"].sudo(user).search([
                ("model", "=", "mail.channel"), ("res_id", "=", self.session.mail_channel_id.id)]))
