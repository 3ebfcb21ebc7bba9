import json
import os
import re

from lxml import etree

from odoo.addons.bus.models.bus import json_dump
from odoo.addons.livechat.models.livechat_plural import PLURAL_FORM_SEPARATOR
from odoo.exceptions import ValidationError
from odoo.tests import common
from odoo.tools.translate import PoFile

ADDON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def po_messages(path):
    """{msgid: msgstr} of a PO file, read with Odoo's own reader (fuzzy entries left out)."""
    with open(path, "rb") as handle:
        return {source: translation for _type, _name, _res_id, source, translation, _comments in PoFile(handle)}


@common.at_install(False)
@common.post_install(True)
class TestRomanian(common.SavepointCase):
    """A Romanian operator sees the app in Romanian, with the terms of the Romanian user guide."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # as an administrator does it: Settings > Translations > Load a Translation (loads our i18n/ro.po)
        wizard = cls.env["base.language.install"].create({"lang": "ro_RO", "overwrite": True})
        wizard.lang_install()
        cls.user = cls.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Ioana Popescu",
            "login": "ioana.popescu",
            "email": "ioana@example.ro",
            "lang": "ro_RO",
            "groups_id": [(6, 0, [cls.env.ref("livechat.group_livechat_manager").id])],
        })
        # the environment of her requests: her user, her context (lang ro_RO), as the web client sends it
        cls.ro_env = cls.env(user=cls.user.id, context=cls.user.sudo(cls.user).context_get())

    def test_language_is_installed_for_the_user(self):
        self.assertTrue(self.env["res.lang"].search([("code", "=", "ro_RO"), ("active", "=", True)]))
        self.assertEqual(self.ro_env.context.get("lang"), "ro_RO")

    def test_backend_menu_is_romanian(self):
        menus = self.ro_env["ir.ui.menu"].load_menus(debug=False)
        roots = {menu["name"]: menu for menu in menus["children"]}
        self.assertIn("Chat în direct", roots, "the app menu of a Romanian user")
        self.assertNotIn("Live Chat", roots)
        children = [menu["name"] for menu in roots["Chat în direct"].get("children", [])]
        self.assertIn("Canale", children)

    def test_session_counts_read_as_romanian_counts_do(self):
        """The dashboard card's count: "20 de sesiuni", from 20 on, but "2 sesiuni" and "101 sesiuni"."""
        words = self.ro_env["livechat.channel"]._session_count_words
        self.assertEqual([words(count) for count in (1, 2, 19, 20, 101, 120)],
                         ["1 sesiune", "2 sesiuni", "19 sesiuni", "20 de sesiuni", "101 sesiuni", "120 de sesiuni"])
        english = self.env["livechat.channel"].with_context(lang="en_US")._session_count_words
        self.assertEqual([english(count) for count in (1, 20)], ["1 session", "20 sessions"])

    def test_inactivity_notice_counts_minutes_as_romanian_does(self):
        """The notice of an operator dropped after inactivity: "5 minute", but "30 de minute"."""
        Channel = self.env["livechat.channel"].with_context(lang="ro_RO")
        channel = Channel.create({"name": "Vânzări"})
        bus_channel = json_dump((self.env.cr.dbname, "res.partner", self.user.partner_id.id))
        notices = []
        for minutes in (5, 30):
            self.env["ir.config_parameter"].sudo().set_param("livechat.operator_inactivity_minutes", str(minutes))
            Channel._notify_operator_removed(self.user, channel)
            notice = self.env["bus.bus"].search([("channel", "=", bus_channel)], order="id desc", limit=1)
            notices.append(json.loads(notice.message)["message"])
        self.assertIn("mai mult de 5 minute: ", notices[0])
        self.assertIn("mai mult de 30 de minute: ", notices[1])
        self.assertNotIn(PLURAL_FORM_SEPARATOR, notices[1], "one form only")

    def test_a_length_over_the_limit_reads_as_romanian_counts_do(self):
        """The URL Regex over its limit: "1005 caractere", but "1020 de caractere"."""
        channel = self.env["livechat.channel"].create({"name": "Vânzări"})
        Rule = self.ro_env["livechat.channel.rule"]
        for length, words in ((1005, "1005 caractere,"), (1020, "1020 de caractere,")):
            with self.assertRaises(ValidationError) as raised:
                Rule.create({"channel_id": channel.id, "action": "display_button", "regex_url": "a" * length})
            self.assertIn(words, raised.exception.name)

    def test_channel_form_tabs_are_romanian(self):
        view = self.ro_env["livechat.channel"].fields_view_get(view_type="form")
        arch = etree.fromstring(view["arch"])
        tabs = [page.get("string") for page in arch.iter("page")]
        for label in ("Operatori", "Opțiuni", "Reguli canal", "Widget"):
            self.assertIn(label, tabs)
        self.assertNotIn("Channel Rules", tabs)
        self.assertNotIn("Options", tabs)

    def test_channel_field_labels_are_romanian(self):
        fields = self.ro_env["livechat.channel"].fields_get(
            ["user_ids", "welcome_message", "input_placeholder", "rule_ids", "name"], ["string"])
        self.assertEqual(fields["user_ids"]["string"], "Operatori")
        self.assertEqual(fields["welcome_message"]["string"], "Mesaj de bun venit")
        self.assertEqual(fields["input_placeholder"]["string"], "Substituent de intrare pentru chat")
        self.assertEqual(fields["name"]["string"], "Nume canal")
        user_fields = self.ro_env["res.users"].fields_get(["livechat_username"], ["string"])
        self.assertEqual(user_fields["livechat_username"]["string"], "Nume de chat online")

    def test_rule_options_are_romanian(self):
        fields = self.ro_env["livechat.channel.rule"].fields_get(["action", "channel_id"], ["string", "selection"])
        self.assertEqual(fields["channel_id"]["string"], "Canal")
        self.assertEqual(dict(fields["action"]["selection"]), {
            "display_button": "Afișează",
            "display_button_and_text": "Afișează cu notificare",
            "auto_popup": "Deschide automat",
            "hide_button": "Ascunde",
        })

    def test_dashboard_join_and_leave_are_romanian(self):
        view = self.ro_env["livechat.channel"].fields_view_get(view_type="kanban")
        arch = etree.fromstring(view["arch"])
        texts = {" ".join(button.itertext()).strip() for button in arch.iter("button")}
        self.assertIn("Alăturați-vă", texts)
        self.assertIn("Părăsiți", texts)

    def test_channel_texts_are_translatable_per_language(self):
        channel = self.env.ref("livechat.livechat_channel_default")
        ro_channel = channel.with_env(self.ro_env)
        # the default channel's texts come translated with the module
        self.assertEqual(ro_channel.welcome_message, "Bună ziua, cu ce vă pot ajuta?")
        self.assertEqual(channel.with_context(lang="en_US").welcome_message, "Hello, how may I help you?")
        # an administrator writes the Romanian text without touching the English one
        ro_channel.sudo().write({"welcome_message": "Salut! Cu ce vă putem ajuta?"})
        self.assertEqual(ro_channel.welcome_message, "Salut! Cu ce vă putem ajuta?")
        self.assertEqual(channel.with_context(lang="en_US").welcome_message, "Hello, how may I help you?")

    def test_errors_are_romanian(self):
        channel = self.env.ref("livechat.livechat_channel_default").with_env(self.ro_env)
        with self.assertRaises(ValidationError) as caught:
            self.ro_env["livechat.channel.rule"].create({
                "channel_id": channel.id, "action": "display_button", "regex_url": "/shop(",
            })
        message = caught.exception.name
        self.assertIn("nu este o expresie regulată validă", message)
        self.assertIn("/shop(", message)


class TestTranslationFiles(common.TransactionCase):
    """The files translators work on: complete, and consistent with the code's placeholders."""

    def test_romanian_translates_every_term(self):
        template = po_messages(os.path.join(ADDON_DIR, "i18n", "livechat.pot"))
        romanian = po_messages(os.path.join(ADDON_DIR, "i18n", "ro.po"))
        self.assertGreater(len(template), 50)
        missing = sorted(msgid for msgid in template if not romanian.get(msgid))
        self.assertFalse(missing, "msgids without Romanian translation (run tools/i18n_export.sh, "
                                  "then translate i18n/ro.po): %s" % missing)

    def test_romanian_keeps_placeholders(self):
        placeholder = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")
        romanian = po_messages(os.path.join(ADDON_DIR, "i18n", "ro.po"))
        for source, translation in romanian.items():
            # each of a count's plural forms (models/livechat_plural.py) keeps them
            for form in translation.split(PLURAL_FORM_SEPARATOR) if translation else ():
                self.assertEqual(sorted(placeholder.findall(source)), sorted(placeholder.findall(form)),
                                 "placeholders differ in the translation of %r" % source)
