"""The texts a visitor reads (button, bubble, welcome, placeholder) in his own language.

A channel created in the UI gets default texts (the field defaults of livechat_channel.py), written in
the language of the administrator who created it. Until an administrator writes his own text, a
default is not his words: the visitor gets the default translated into the widget's language, whatever
language the channel was created in. Once he writes his own (or translates the field), his text wins;
an emptied field stays empty (no welcome message, for example)."""
from odoo import api, models

# the English source of each default; livechat_channel.py's field defaults are these same strings,
# written out in its _() calls for the translation template (tests/test_i18n.py checks they match)
DEFAULT_TEXTS = {
    "button_text": "Have a Question? Chat with us.",
    "notification_text": "Need help? Chat with us.",
    "welcome_message": "Hello, how may I help you?",
    "input_placeholder": "Say something...",
}


class LivechatChannel(models.Model):
    _inherit = "livechat.channel"

    @api.model
    def _default_text_in(self, field, lang):
        """The default of ``field`` translated into ``lang`` (the module's translations, cached)."""
        source = DEFAULT_TEXTS[field]
        if not lang or lang == "en_US":
            return source
        return self.env["ir.translation"]._get_source(None, ("code",), lang, source)

    def _visitor_texts(self):
        """{field: text} of the visitor's texts, in the environment's language (the visitor's)."""
        self.ensure_one()
        lang = self.env.lang or "en_US"
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        source = self.with_context(lang="en_US")
        texts = {}
        for field in DEFAULT_TEXTS:
            value, written = self[field], source[field]
            is_default = written in {self._default_text_in(field, code) for code in langs}
            translated_by_admin = lang != "en_US" and value != written
            texts[field] = self._default_text_in(field, lang) if is_default and not translated_by_admin else value
        return texts
