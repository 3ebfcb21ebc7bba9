"""Checks of the translation files i18n/*.po and *.pot (run by tools/lint.sh).

- each file parses with Babel and with the reader Odoo itself uses to load it (odoo.tools.translate.PoFile);
- no msgid twice (OCA's duplicate-po-message-definition);
- every entry has an Odoo reference ("#: model:..." / "#: code:..."), or Odoo skips it;
- a translation keeps the placeholders of its source (%s, %d, %(name)s ...): OCA's po-msgstr-variables,
  otherwise the Romanian user gets a "not all arguments converted" error instead of a message;
  each of the plural forms a count may have (models/livechat_plural.py) too;
  and it keeps the ${...} expressions of mail templates and the markup tags of view terms;
- translations are reported when missing (not an error here: tests/test_i18n.py requires them).

Usage: .cache/venv/bin/python tools/lint_po.py [ADDON_DIR]   (exit 1 on any error)
"""
import glob
import importlib.util
import io
import logging
import os
import re
import sys

from babel.messages.pofile import read_po

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import odoo_compat  # noqa: E402

odoo_compat.patch_stdlib()
odoo_compat.patch_odoo()
from odoo.tools.translate import PoFile  # noqa: E402

logging.getLogger("odoo").setLevel(logging.ERROR)  # its reader warns; the checks below say more


def addon_plural_separator():
    """``PLURAL_FORM_SEPARATOR`` of the addon's ``models/livechat_plural.py`` (a module without imports,
    loaded from its file): where a translation separates a count's plural forms."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "livechat_plural.py")
    spec = importlib.util.spec_from_file_location("livechat_plural", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PLURAL_FORM_SEPARATOR


PLURAL_FORM_SEPARATOR = addon_plural_separator()

PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")
TEMPLATE_EXPR = re.compile(r"\$\{[^}]*\}")  # mail templates (mako)
TAG = re.compile(r"</?([A-Za-z][\w.-]*)")  # markup of view terms: the translation must keep it


def placeholders(text):
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")


def raw_msgids(path):
    """msgids in file order, to find duplicates (Babel silently merges them)."""
    ids, current, state = [], None, None
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.strip()
            if line.startswith("msgid "):
                current, state = [line[6:], number], "id"
            elif line.startswith("msgstr") and current:
                ids.append((eval_po_string(current[0]), current[1]))  # noqa: S307
                current, state = None, None
            elif line.startswith('"') and state == "id":
                current[0] = current[0][:-1] + line[1:]
    return ids


def eval_po_string(quoted):
    body = quoted.strip()[1:-1]
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def translation_errors(message):
    """What a translation breaks: printf placeholders, template expressions, markup."""
    where = "%s: %r" % (message.lineno, message.id[:60])
    errors = []
    # a count's plural may give the language's forms (models/livechat_plural.py): each keeps the placeholders
    forms = message.string.split(PLURAL_FORM_SEPARATOR) if PLURAL_FORM_SEPARATOR not in message.id \
        else [message.string]
    for form in forms:
        if ("python-format" in message.flags or "%" in message.id) and \
                placeholders(message.id) != placeholders(form):
            errors.append("%s: placeholders %s in msgid but %s in msgstr"
                          % (where, placeholders(message.id), placeholders(form)))
    for name, pattern in (("template expressions", TEMPLATE_EXPR), ("tags", TAG)):
        source, target = sorted(pattern.findall(message.id)), sorted(pattern.findall(message.string))
        if source != target:
            errors.append("%s: %s %s in msgid but %s in msgstr" % (where, name, source, target))
    return errors


def duplicate_errors(path):
    seen, errors = {}, []
    for msgid, line in raw_msgids(path):
        if msgid and msgid in seen:
            errors.append("%d: msgid %r already at line %d" % (line, msgid[:60], seen[msgid]))
        seen.setdefault(msgid, line)
    return errors


def located(rel, text):
    """'file:line: message' from 'line: message', 'file: message' from ': message'."""
    return rel + (text if text.startswith(":") else ":" + text)


def check_file(path, root):
    rel = os.path.relpath(path, root)
    try:
        with open(path, "rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
    except Exception as exc:  # Babel raises PoFileError and friends
        return ["%s: does not parse: %s" % (rel, exc)], []
    errors, warnings = [], []
    try:
        with open(path, "rb") as handle:
            referenced = {entry[3] for entry in PoFile(io.BytesIO(handle.read()))}
    except Exception as exc:
        errors.append(": Odoo's PoFile reader fails: %s" % exc)
        referenced = set()
    errors += duplicate_errors(path)
    messages = [message for message in catalog if message.id]
    errors += ["%s: no '#: model:/code:' reference, Odoo ignores %r" % (message.lineno, message.id[:60])
               for message in messages if message.id not in referenced]
    translated = [message for message in messages if message.string]
    warnings += ["%s: fuzzy, Odoo ignores it: %r" % (message.lineno, message.id[:60])
                 for message in translated if message.fuzzy]
    for message in translated:
        errors += translation_errors(message)
    untranslated = len(messages) - len(translated)
    if untranslated and path.endswith(".po"):
        warnings.append(": %d msgid(s) without translation (run tools/i18n_export.sh, then translate)"
                        % untranslated)
    return [located(rel, error) for error in errors], [located(rel, warning) for warning in warnings]


def main(argv):
    root = os.path.abspath(argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    errors, warnings = [], []
    for path in sorted(glob.glob(os.path.join(root, "i18n", "*.po*"))):
        file_errors, file_warnings = check_file(path, root)
        errors += file_errors
        warnings += file_warnings
    for line in warnings:
        print("warning: " + line)
    for line in errors:
        print(line)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
