"""XML, CSV and manifest checks of the addon, with Odoo's own schemas (run by tools/lint.sh).

What Odoo checks only when the module is installed, found in a second and with a line number:
- every XML file is well-formed;
- data and demo files fit Odoo's ``import_xml.rng`` (as ``convert_xml_import`` requires);
- each view's arch parses and passes Odoo's view validation (``odoo.tools.view_validation``:
  the RelaxNG schemas of tree/search/graph/... views and the form assertions), inline sub-views too;
- inheriting views only hold ``xpath``/positioned elements;
- no XML id defined twice (a second <record> of the same model is an update), no field set twice in
  one record (OCA's duplicate-xml-* checks);
- ``ir.model.access.csv``: the right header, no id twice (OCA's duplicate-id-csv);
- the manifest lists only existing files, and every data file in views/, data/, security/,
  demo/ is listed (OCA's file-not-used);
- backend QWeb templates (static/src/**/*.xml) are ``<templates>`` documents with named templates.

Usage: .cache/venv/bin/python tools/lint_xml.py [ADDON_DIR]   (exit 1 on any error)
"""
import ast
import csv
import glob
import os
import sys

from lxml import etree

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import odoo_compat  # noqa: E402

odoo_compat.patch_stdlib()
odoo_compat.patch_odoo()
from odoo.tools import config as odoo_config  # noqa: E402
from odoo.tools import view_validation  # noqa: E402

VIEW_TYPES = {"form", "tree", "kanban", "search", "graph", "pivot", "calendar", "gantt", "diagram",
              "activity", "qweb", "dashboard", "cohort", "grid", "map"}
ACCESS_HEADER = ["id", "name", "model_id:id", "group_id:id", "perm_read", "perm_write",
                 "perm_create", "perm_unlink"]
DATA_DIRS = ("views", "data", "security", "demo", "report", "wizard")


class Linter:
    def __init__(self, root):
        self.root = root
        self.errors = []
        self.xml_ids = {}
        rng_path = os.path.join(odoo_config["root_path"], "import_xml.rng")
        self.import_rng = etree.RelaxNG(etree.parse(rng_path))

    def error(self, path, line, message):
        self.errors.append("%s:%s: %s" % (os.path.relpath(path, self.root), line or 0, message))

    def parse(self, path):
        try:
            return etree.parse(path)
        except etree.XMLSyntaxError as exc:
            self.error(path, exc.lineno, "not well-formed XML: %s" % exc.msg)
        except OSError as exc:
            self.error(path, 0, "cannot read: %s" % exc)
        return None

    # manifest ---------------------------------------------------------------------------------
    def manifest(self):
        path = os.path.join(self.root, "__manifest__.py")
        with open(path, encoding="utf-8") as handle:
            return ast.literal_eval(handle.read()), path

    def check_manifest_files(self):
        manifest, path = self.manifest()
        listed = set()
        for key in ("data", "demo", "qweb"):
            for name in manifest.get(key, []):
                if name in listed:
                    self.error(path, 0, "%r is listed twice" % name)
                listed.add(name)
                if not os.path.isfile(os.path.join(self.root, name)):
                    self.error(path, 0, "%r (in %r) does not exist" % (name, key))
        for folder in DATA_DIRS:
            for file_path in sorted(glob.glob(os.path.join(self.root, folder, "*"))):
                name = os.path.relpath(file_path, self.root)
                if name.endswith((".xml", ".csv")) and name not in listed:
                    self.error(file_path, 0, "not listed in the manifest: Odoo never loads it")
        return manifest

    # data files -------------------------------------------------------------------------------
    def check_data_file(self, path):
        tree = self.parse(path)
        if tree is None:
            return
        if not self.import_rng.validate(tree):
            for err in self.import_rng.error_log:
                self.error(path, err.line, "does not fit Odoo's import_xml.rng: %s" % err.message)
            return
        for node in tree.iter("record", "template", "menuitem", "act_window", "report", "function"):
            if node.get("id"):
                self.check_xml_id(path, node)
            if node.tag == "record":
                self.check_record(path, node)
            elif node.tag == "template":
                self.check_arch(path, node, node.get("inherit_id"), qweb=True)

    def check_xml_id(self, path, node):
        xml_id = node.get("id")
        if "." in xml_id and not xml_id.startswith("livechat."):
            return  # overriding a record of another module
        xml_id = xml_id.split(".")[-1]
        kind = (node.tag, node.get("model"))
        if xml_id not in self.xml_ids:
            self.xml_ids[xml_id] = (path, node.sourceline, kind)
            return
        first_path, first_line, first_kind = self.xml_ids[xml_id]
        if node.tag == "record" and kind == first_kind:
            return  # a second <record> of the same model updates the first (e.g. to close a cycle)
        self.error(path, node.sourceline, "XML id %r already defined at %s:%s"
                   % (xml_id, os.path.relpath(first_path, self.root), first_line))

    def check_record(self, path, record):
        seen = {}
        for field in record.findall("field"):
            name = field.get("name")
            if name in seen:
                self.error(path, field.sourceline, "field %r set twice in record %r (first at line %s)"
                           % (name, record.get("id"), seen[name]))
            seen[name] = field.sourceline
        if record.get("model") != "ir.ui.view":
            return
        arch = record.find("field[@name='arch']")
        if arch is None:
            return
        inherit = record.find("field[@name='inherit_id']")
        view_type = record.findtext("field[@name='type']") or ""
        self.check_arch(path, arch, inherit is not None, qweb=view_type.strip() == "qweb")

    def check_arch(self, path, arch_field, inherits, qweb=False):
        children = [child for child in arch_field if isinstance(child.tag, str)]
        if arch_field.tag == "template":
            return  # a QWeb template's body: well-formed is all Odoo asks
        if len(children) != 1 and not inherits:
            self.error(path, arch_field.sourceline, "a view's arch must have exactly one root element")
            return
        if inherits:
            for child in children:
                if child.tag != "xpath" and child.get("position") is None and child.tag != "data":
                    self.error(path, child.sourceline,
                               "inheriting view: <%s> needs a position (or use <xpath>)" % child.tag)
            return
        root = children[0]
        if qweb or root.tag == "t":
            return
        if root.tag not in VIEW_TYPES:
            self.error(path, root.sourceline, "unknown view type <%s>" % root.tag)
            return
        self.validate_view(path, root)
        # inline sub-views of x2many fields (the one2many's tree and form)
        for sub in root.xpath(".//field/tree | .//field/form | .//field/kanban"):
            self.validate_view(path, sub)

    def validate_view(self, path, arch):
        # validate a copy: the RelaxNG schemas want the view as a document root
        arch_copy = etree.fromstring(etree.tostring(arch))
        offset = (arch.sourceline or 1) - 1
        for predicate in view_validation._validators[arch.tag]:
            if predicate is view_validation.schema_valid:
                validator = view_validation.relaxng(arch.tag)
                if validator is not None and not validator.validate(arch_copy):
                    for err in validator.error_log:
                        self.error(path, offset + err.line,
                                   "<%s> view does not fit Odoo's schema: %s" % (arch.tag, err.message))
            elif not predicate(arch_copy):
                doc = " ".join((predicate.__doc__ or predicate.__name__).split())
                self.error(path, arch.sourceline, "<%s> view: %s" % (arch.tag, doc))

    # CSV --------------------------------------------------------------------------------------
    def check_access_csv(self, path):
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        if not rows or rows[0] != ACCESS_HEADER:
            self.error(path, 1, "header must be %s" % ",".join(ACCESS_HEADER))
            return
        seen = {}
        for number, row in enumerate(rows[1:], start=2):
            if not row:
                continue
            if len(row) != len(ACCESS_HEADER):
                self.error(path, number, "%d columns, %d expected" % (len(row), len(ACCESS_HEADER)))
                continue
            if row[0] in seen:
                self.error(path, number, "id %r already used at line %d" % (row[0], seen[row[0]]))
            seen[row[0]] = number
            if any(value not in ("0", "1") for value in row[4:]):
                self.error(path, number, "permissions must be 0 or 1")

    # backend QWeb -----------------------------------------------------------------------------
    def check_qweb_file(self, path):
        tree = self.parse(path)
        if tree is None:
            return
        root = tree.getroot()
        if root.tag != "templates":
            self.error(path, root.sourceline, "a QWeb file's root must be <templates>")
            return
        for node in root:
            if isinstance(node.tag, str) and node.tag == "t" and not (
                    node.get("t-name") or node.get("t-extend") or node.get("t-inherit")):
                self.error(path, node.sourceline, "top-level <t> without t-name or t-extend")

    def run(self):
        manifest = self.check_manifest_files()
        for name in manifest.get("data", []) + manifest.get("demo", []):
            path = os.path.join(self.root, name)
            if not os.path.isfile(path):
                continue
            if name.endswith(".xml"):
                self.check_data_file(path)
            elif name.endswith("ir.model.access.csv"):
                self.check_access_csv(path)
        # well-formedness of every other XML file of the addon (unlisted ones included)
        listed = {os.path.join(self.root, name) for name in manifest.get("data", []) + manifest.get("demo", [])}
        for folder in DATA_DIRS:
            for path in sorted(glob.glob(os.path.join(self.root, folder, "*.xml"))):
                if path not in listed:
                    self.parse(path)
        for path in sorted(glob.glob(os.path.join(self.root, "static", "src", "**", "*.xml"), recursive=True)):
            self.check_qweb_file(path)
        return self.errors


def main(argv):
    root = os.path.abspath(argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    errors = Linter(root).run()
    for line in errors:
        print(line)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
