from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import common
from odoo.tools import mute_logger

from .after_chat_common import AfterChatMixin


class TestCannedResponse(AfterChatMixin, common.TransactionCase):
    """Saved answers operators insert by typing :shortcut."""

    def setUp(self):
        super(TestCannedResponse, self).setUp()
        self.operator = self._make_operator("nina_canned", "Nina Operator")
        self.manager = self._make_operator("max_canned", "Max Manager")
        self.manager.groups_id = [(4, self.env.ref("livechat.group_livechat_manager").id)]
        self.Canned = self.env["livechat.canned.response"]
        self.hello = self.Canned.sudo(self.manager).create({
            "shortcut": ":zhello ", "answer": "Hello! How can I help you today?", "description": "Greeting"})
        self.othello = self.Canned.create({"shortcut": "ozhello", "answer": "Our theatre shop is on floor 2."})
        self.shipping = self.Canned.create({"shortcut": "zshipping", "answer": "We ship within 48 hours."})

    def test_managers_save_answers_operators_use_them(self):
        self.assertEqual(self.hello.shortcut, "zhello", "the colon and spaces typed around are dropped")
        with self.assertRaises(AccessError):
            self.Canned.sudo(self.operator).create({"shortcut": "bye", "answer": "Bye"})
        self.assertEqual(self.Canned.sudo(self.operator).search([("shortcut", "=", "zhello")]), self.hello)

    def test_shortcut_must_be_one_word(self):
        for shortcut in ("two words", "a:b", "x" * 41):
            with self.assertRaisesRegex(ValidationError, "one word"):
                with self.env.cr.savepoint():
                    self.Canned.create({"shortcut": shortcut, "answer": "text"})

    @mute_logger("odoo.sql_db")
    def test_shortcut_is_unique(self):
        with self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.Canned.create({"shortcut": "zhello", "answer": "Another hello"})

    def test_suggestions_for_the_composer(self):
        suggestions = self.Canned.sudo(self.operator).get_suggestions("zhel")
        self.assertEqual([s["source"] for s in suggestions], ["zhello", "ozhello"],
                         "shortcuts starting with the typed letters come first")
        self.assertEqual(suggestions[0]["substitution"], "Hello! How can I help you today?")
        self.assertEqual(suggestions[0]["id"], "livechat_canned_%d" % self.hello.id,
                         "ids never clash with Odoo's own shortcodes in the list")
        everything = self.Canned.sudo(self.operator).get_suggestions("")
        self.assertTrue({"zhello", "ozhello", "zshipping"} <= {s["source"] for s in everything})
        self.assertEqual(self.Canned.sudo(self.operator).get_suggestions("zzz"), [])

    def test_archived_answers_are_not_suggested(self):
        self.hello.active = False
        sources = [s["source"] for s in self.Canned.sudo(self.operator).get_suggestions("zhel")]
        self.assertEqual(sources, ["ozhello"])

    def test_users_outside_live_chat_get_no_suggestion_and_no_error(self):
        employee = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Eve Employee", "login": "eve_canned",
            "groups_id": [(6, 0, [self.env.ref("base.group_user").id])]})
        self.assertEqual(self.Canned.sudo(employee).get_suggestions("zhel"), [])

    def test_search_text_is_not_a_pattern(self):
        self.assertEqual(self.Canned.sudo(self.operator).get_suggestions("%"), [])
        self.assertEqual(self.Canned.sudo(self.operator).get_suggestions("_ello"), [])
