"""A count's words in the reader's language: "2 sesiuni", but "20 de sesiuni".

Odoo 11 keeps one translation per source text and has no ngettext. A translation of a text with a
count (always the plural: "%d sessions") may therefore give its language's plural forms separated by
``PLURAL_FORM_SEPARATOR``; the rule of the language (gettext's Plural-Forms, the singular left out:
callers say "1 session" with a text of its own) picks the one for the count. A language without a
rule here, or a translation with one form, reads as it is. ``tools/lint_po.py`` checks that each form
keeps the placeholders.
"""

PLURAL_FORM_SEPARATOR = "|"
# the form (0, 1, ...) of the count's plural, per language code; Romanian: 2-19 (and 101-119, ...)
# "sesiuni", from 20 on "de sesiuni"
PLURAL_RULES = {"ro": lambda count: 0 if count == 0 or 0 < count % 100 < 20 else 1}


def plural_form(text, count, lang):
    """The form of ``text`` (translated, not yet formatted) that ``count`` takes in ``lang``."""
    forms = text.split(PLURAL_FORM_SEPARATOR)
    rule = PLURAL_RULES.get((lang or "").split("_")[0])
    form = rule(count) if rule else 0
    return forms[min(form, len(forms) - 1)]
