from lxml import etree

from odoo.tests import common

from ..models.livechat_channel_texts import DEFAULT_TEXTS
from .visitor_common import VisitorMixin

RO_DEFAULTS = {
    "button_text": "Aveți o întrebare? Scrieți-ne pe chat.",
    "welcome_message": "Bună ziua, cu ce vă pot ajuta?",
}


@common.at_install(False)
@common.post_install(True)
class TestEveryLanguage(VisitorMixin, common.SavepointCase):
    """A Romanian visitor or administrator meets no English: the Apps entry, the demo data, the defaults of a
    channel created in the UI, the visitors' names, and help texts naming menus as the Romanian menus read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        wizard = cls.env["base.language.install"].create({"lang": "ro_RO", "overwrite": True})
        wizard.lang_install()
        cls.ro = cls.env(context=dict(cls.env.context, lang="ro_RO"))
        cls.en = cls.env(context=dict(cls.env.context, lang="en_US"))

    def test_field_defaults_are_the_texts_followed(self):
        channel = self.en["livechat.channel"].create({"name": "Defaults"})
        self.assertEqual({field: channel[field] for field in DEFAULT_TEXTS}, DEFAULT_TEXTS)

    def test_apps_entry_is_romanian(self):
        module = self.ro.ref("base.module_livechat")
        self.assertEqual(module.shortdesc, "Chat în direct")
        self.assertEqual(module.summary, "Discutați în timp real cu vizitatorii site-urilor dvs.")
        self.assertEqual(self.en.ref("base.module_livechat").shortdesc, "Live Chat")

    def test_demo_data_is_romanian(self):
        self.assertEqual(self.ro.ref("livechat.livechat_channel_demo_support").welcome_message,
                         "Bună! Ce putem face pentru dvs. astăzi?")
        self.assertEqual(self.ro.ref("livechat.livechat_chatbot_demo_step_hello").message,
                         "Bună ziua! Sunt Robin, asistentul virtual al YourCompany.")
        self.assertEqual(self.ro.ref("livechat.livechat_chatbot_demo_answer_order").name, "Ajutor cu o comandă")
        self.assertEqual(self.ro.ref("livechat.livechat_canned_response_demo_bye").answer,
                         "Vă mulțumim pentru vizită! O zi bună.")
        self.assertEqual(self.en.ref("livechat.livechat_chatbot_demo_step_need").message, "What do you need?")

    def test_defaults_follow_the_visitors_language(self):
        # created by a Romanian administrator: the defaults are written in Romanian...
        by_romanian = self.ro["livechat.channel"].create({"name": "Magazin"})
        self.assertEqual(by_romanian.with_env(self.en).button_text, RO_DEFAULTS["button_text"])
        # ...but each visitor reads them in his own language
        self.assertEqual(by_romanian.with_env(self.en)._visitor_texts()["button_text"], DEFAULT_TEXTS["button_text"])
        self.assertEqual(by_romanian.with_env(self.ro)._visitor_texts()["button_text"], RO_DEFAULTS["button_text"])
        by_english = self.en["livechat.channel"].create({"name": "Shop"})
        self.assertEqual(by_english.with_env(self.ro)._visitor_texts()["welcome_message"],
                         RO_DEFAULTS["welcome_message"])
        # the widget's init says the same
        init = self.env["livechat.session"]._widget_init_static(by_english.id, None, "ro_RO")
        self.assertEqual(init["texts"]["welcome"], RO_DEFAULTS["welcome_message"])

    def test_administrators_own_texts_win(self):
        channel = self.en["livechat.channel"].create({"name": "Shop", "welcome_message": "Hi there!",
                                                      "input_placeholder": False})
        texts = channel.with_env(self.ro)._visitor_texts()
        self.assertEqual(texts["welcome_message"], "Hi there!", "his words, untranslated, rather than a default")
        self.assertFalse(texts["input_placeholder"], "an emptied field stays empty")
        # a default he translated himself: his translation
        channel.with_env(self.ro).write({"button_text": "Scrieți-ne!"})
        self.assertEqual(channel.with_env(self.ro)._visitor_texts()["button_text"], "Scrieți-ne!")
        self.assertEqual(channel.with_env(self.en)._visitor_texts()["button_text"], DEFAULT_TEXTS["button_text"])

    def test_one_name_for_a_visitor_whoever_answers(self):
        """"Visitor #N" in the visitor's language, never the operator's: a Romanian visitor answered by an
        English operator is "Vizitatorul #N" for both, and stays so in his history."""
        operator = self._make_operator("english_op_lang", "English Operator")
        operator.lang = "en_US"
        self._set_online(operator)
        channel = self.env["livechat.channel"].create({"name": "Names", "user_ids": [(6, 0, [operator.id])]})
        session = self.env["livechat.session"].with_context(lang="ro_RO")._open_for_visitor(channel)
        self.assertRegex(session.visitor_name, r"^Vizitatorul #\d+$")
        english = self.env["livechat.session"].with_context(lang="en_US")._open_for_visitor(channel)
        self.assertRegex(english.visitor_name, r"^Visitor #\d+$")

    def test_help_text_names_the_menu_as_romanian_menus_read(self):
        menus = " > ".join(self.ro.ref(xmlid).name for xmlid in (
            "website.menu_website_configuration", "website.menu_website_global_configuration",
            "website.menu_website_website_settings"))
        view = self.ro["livechat.channel"].fields_view_get(view_type="form")
        text = " ".join(" ".join(etree.fromstring(view["arch"]).itertext()).split())
        self.assertIn(menus, text)
        self.assertNotIn("Site web >", text)
