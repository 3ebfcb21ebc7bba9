"""Second half of tools/i18n_export.sh: turn Odoo's export into i18n/livechat.pot, merge the .po files.

    i18n_merge.py pot EXPORT.po ADDON_DIR     write ADDON_DIR/i18n/livechat.pot from Odoo's export
    i18n_merge.py po ADDON_DIR [LANG ...]     update i18n/LANG.po (default: every existing .po) from the pot

The pot is Odoo's own export (``--i18n-export`` without a language), plus the ``_t()``/``_lt()``
terms of backend JS and the QWeb templates that Odoo 11's exporter does not scan (it only looks in
static/src/js* and static/src/xml*): they get the "openerp-web" comment the web client loads them by.

Merging works like msgmerge, on Odoo's PO layout (which Babel would not keep: it drops the
"#: model:..." references): each .po gets exactly the pot's entries, with the translation it had
for the same msgid; translations whose msgid left the code are kept at the end as obsolete "#~"
entries, so nothing a translator wrote is lost. Fuzzy matching is not done: Odoo ignores fuzzy
entries, and a missing translation is then plainly visible (tests/test_i18n.py requires them all).
"""
import ast
import glob
import os
import re
import sys

from babel.messages import extract

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import odoo_compat  # noqa: E402

odoo_compat.patch_stdlib()
odoo_compat.patch_odoo()
from odoo.tools.translate import WEB_TRANSLATION_COMMENT, babel_extract_qweb, quote, unquote  # noqa: E402

MODULE = "livechat"
DATE_LINE = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"$', re.M)
PLURAL_FORMS = {
    "ro": "nplurals=3; plural=(n==1?0:(((n%100>19)||((n%100==0)&&(n!=0)))?2:1));",
}
LANGUAGE_NAMES = {"ro": "Romanian"}


class Entry:
    """One PO entry: comment lines as written, then msgid and msgstr (unquoted)."""

    def __init__(self, comments, msgid, msgstr, obsolete=False):
        self.comments = comments
        self.msgid = msgid
        self.msgstr = msgstr
        self.obsolete = obsolete

    def render(self):
        lines = ("msgid " + po_quote(self.msgid) + "\n" + "msgstr " + po_quote(self.msgstr)).split("\n")
        if self.obsolete:  # kept for translators, ignored by Odoo and gettext
            return "\n".join("#~ " + line for line in lines) + "\n"
        return "\n".join(self.comments + lines) + "\n"


def po_quote(text):
    """Odoo's quoting; a text of several lines is written the gettext way, from an empty first line."""
    if "\n" not in text.rstrip("\n"):
        return quote(text)
    lines = text.split("\n")
    parts = [quote(line)[:-1] + '\\n"' for line in lines[:-1]] + ([quote(lines[-1])] if lines[-1] else [])
    return "\n".join(['""'] + parts)


def parse_po(text):
    """Header lines (before the first entry's msgid "") and the entries of a PO file."""
    entries = []
    header = None
    for block in re.split(r"\n[ \t]*\n", text.strip("\n")):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        obsolete = all(line.startswith("#~") for line in lines if not line.startswith("#."))
        if obsolete:
            lines = [line[3:] if line.startswith("#~ ") else line for line in lines]
        comments, msgid, msgstr, current = [], [], [], None
        for line in lines:
            if line.startswith("#"):
                comments.append(line)
            elif line.startswith("msgid "):
                current = msgid
                current.append(line[6:])
            elif line.startswith("msgstr "):
                current = msgstr
                current.append(line[7:])
            elif line.startswith('"') and current is not None:
                current.append(line)
        source = "".join(unquote(part) for part in msgid)
        target = "".join(unquote(part) for part in msgstr)
        if not source and header is None and not obsolete:
            header = Entry(comments, source, target)
            continue
        entries.append(Entry(comments, source, target, obsolete=obsolete))
    return header, entries


def render_po(header, entries):
    return "\n".join(entry.render() for entry in [header] + entries)


def same_but_dates(old, new):
    return DATE_LINE.sub("", old) == DATE_LINE.sub("", new)


def write_if_changed(path, text):
    """Write ``text`` unless the file already says the same (creation dates apart): quiet diffs."""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            if same_but_dates(handle.read(), text):
                return False
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return True


# pot ------------------------------------------------------------------------------------------
def scanned_by_odoo(rel_dir):
    """Odoo 11's exporter reads JS only under static/src/js*, QWeb only under static/src/xml*."""
    parts = rel_dir.split(os.sep)
    return len(parts) >= 3 and parts[:2] == ["static", "src"] and parts[2].startswith(("js", "xml"))


def web_terms(addon_dir):
    """(file, line, term) of backend JS and QWeb terms that Odoo's exporter misses."""
    manifest_path = os.path.join(addon_dir, "__manifest__.py")
    with open(manifest_path, encoding="utf-8") as handle:
        qweb_files = set(ast.literal_eval(handle.read()).get("qweb", []))
    terms = []
    static = os.path.join(addon_dir, "static", "src")
    for path in sorted(glob.glob(os.path.join(static, "**", "*"), recursive=True)):
        rel = os.path.relpath(path, addon_dir)
        if scanned_by_odoo(os.path.dirname(rel)) or "/lib/" in "/%s/" % rel:
            continue
        if path.endswith(".js"):
            method, keywords = "javascript", {"_t": None, "_lt": None}
        elif path.endswith(".xml") and rel in qweb_files:
            method, keywords = babel_extract_qweb, {}
        else:
            continue
        with open(path, "rb") as handle:
            for found in extract.extract(method, handle, keywords=keywords):
                line, message = found[0], found[1]
                if isinstance(message, str) and re.sub(r"\W+", "", message):
                    terms.append((rel, line, message))
    return terms


def make_pot(export_path, addon_dir):
    with open(export_path, encoding="utf-8") as handle:
        header, entries = parse_po(handle.read())
    by_id = {entry.msgid: entry for entry in entries}
    for rel, line, term in web_terms(addon_dir):
        entry = by_id.get(term)
        if entry is None:
            entry = by_id[term] = Entry(["#. module: %s" % MODULE], term, "")
            entries.append(entry)
        if "#. %s" % WEB_TRANSLATION_COMMENT not in entry.comments:
            entry.comments.insert(1, "#. %s" % WEB_TRANSLATION_COMMENT)
        ref = "#: code:addons/%s/%s:%d" % (MODULE, rel, line)
        if ref not in entry.comments:
            refs_end = max(i for i, c in enumerate(entry.comments) if c.startswith(("#.", "#:"))) + 1
            entry.comments.insert(refs_end, ref)
        if "#, python-format" not in entry.comments:
            entry.comments.append("#, python-format")
    entries.sort(key=lambda entry: entry.msgid)
    for entry in entries:
        entry.msgstr = ""
    pot_path = os.path.join(addon_dir, "i18n", "%s.pot" % MODULE)
    changed = write_if_changed(pot_path, render_po(header, entries))
    print("%s: %d msgids%s" % (os.path.relpath(pot_path, addon_dir), len(entries), "" if changed else " (unchanged)"))


# po -------------------------------------------------------------------------------------------
def po_header(pot_header, old_header, lang):
    if old_header is not None:
        header = Entry(list(old_header.comments), "", old_header.msgstr)
    else:
        header = Entry(["# Translation of Odoo Server.", "# This file contains the translation of the "
                        "following modules:", "#\t* %s" % MODULE, "#"], "", pot_header.msgstr)
        header.msgstr = header.msgstr.replace("Language-Team: \n", "Language-Team: %s\nLanguage: %s\n"
                                              % (LANGUAGE_NAMES.get(lang, lang), lang))
        header.msgstr = header.msgstr.replace("Plural-Forms: \n", "Plural-Forms: %s\n"
                                              % PLURAL_FORMS.get(lang.split("_")[0], ""))
    creation = re.search(r"POT-Creation-Date: [^\n]*\n", pot_header.msgstr)
    if creation:
        header.msgstr = re.sub(r"POT-Creation-Date: [^\n]*\n", creation.group(0), header.msgstr)
    return header


def hand_kept(comment):
    """A reference to a record whose texts Odoo's export (without demo data) leaves out, translated by
    hand in the .po: the module's Apps entry (``model:ir.module.module,...``) and the demo records
    (``model:livechat....`` of a demo xml id). Such entries stay active when the .po is merged."""
    return comment.startswith("#: model:ir.module.module,") or (
        comment.startswith("#: model:livechat.") and ":livechat.livechat_" in comment and "_demo" in comment)


def merge_po(addon_dir, langs):
    pot_path = os.path.join(addon_dir, "i18n", "%s.pot" % MODULE)
    with open(pot_path, encoding="utf-8") as handle:
        pot_header, pot_entries = parse_po(handle.read())
    if not langs:
        langs = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(addon_dir, "i18n", "*.po")))
    for lang in langs:
        po_path = os.path.join(addon_dir, "i18n", "%s.po" % lang)
        old_header, old_entries = None, []
        if os.path.exists(po_path):
            with open(po_path, encoding="utf-8") as handle:
                old_header, old_entries = parse_po(handle.read())
        translations = {entry.msgid: entry.msgstr for entry in old_entries if entry.msgstr}
        # translations of records the export leaves out (the module's Apps entry, the demo data): their
        # references are kept, and so are their entries (see hand_kept)
        kept_refs = {entry.msgid: [line for line in entry.comments if hand_kept(line)]
                     for entry in old_entries if not entry.obsolete}
        merged = [Entry(list(entry.comments[:-1] if entry.comments and entry.comments[-1].startswith("#,")
                             else entry.comments)
                        + [line for line in kept_refs.get(entry.msgid, []) if line not in entry.comments]
                        + (entry.comments[-1:] if entry.comments and entry.comments[-1].startswith("#,") else []),
                        entry.msgid, translations.get(entry.msgid, ""))
                  for entry in pot_entries]
        current = {entry.msgid for entry in pot_entries}
        by_hand = [entry for entry in old_entries if not entry.obsolete and entry.msgid not in current
                   and entry.msgstr and any(hand_kept(line) for line in entry.comments)]
        obsolete = [Entry([], entry.msgid, entry.msgstr, True) for entry in old_entries
                    if entry.msgid not in current and entry.msgstr and entry not in by_hand]
        text = render_po(po_header(pot_header, old_header, lang), merged + by_hand + obsolete)
        changed = write_if_changed(po_path, text)
        missing = sum(1 for entry in merged if not entry.msgstr)
        print("%s: %d translated, %d missing, %d obsolete%s" % (
            os.path.relpath(po_path, addon_dir), len(merged) - missing, missing, len(obsolete),
            "" if changed else " (unchanged)"))


def main(argv):
    if len(argv) >= 4 and argv[1] == "pot":
        make_pot(argv[2], os.path.abspath(argv[3]))
    elif len(argv) >= 3 and argv[1] == "po":
        merge_po(os.path.abspath(argv[2]), argv[3:])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
