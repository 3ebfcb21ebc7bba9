#!/usr/bin/env python3
"""Each method of a model defined once in the addon.

A model's behaviour lives in one place: its orchestrator defines each method once, feature files
only add methods it calls by name. A method the addon defines twice for the same model (an
override of the addon's own method, in another file or class) makes what runs depend on the import
order of models/__init__.py: this check fails on it.

Reads the addon's Python files with ``ast`` (nothing is imported). A class is an Odoo model when its
body assigns ``_name`` or ``_inherit`` a string (``_inherit`` a list: its first item when there is no
``_name``); the model is ``_name``, else ``_inherit``. Tests and tools are not addon models.

    tools/lint_models.py [ADDON_DIR]     exit 1 and one line per duplicate
    tools/lint_models.py --self-test     prove the check bites on a bad sample, and passes a good one
"""
import ast
import os
import sys
import tempfile

SKIPPED_DIRS = {".cache", ".git", "tests", "tools", "browser_tests", "bench", "node_modules", "__pycache__",
                "addons", "logs", "docs"}


def model_of(node):
    """The model an ast.ClassDef extends, or None when it is no Odoo model."""
    name = inherit = None
    for statement in node.body:
        if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
            continue
        target = statement.targets[0]
        if not isinstance(target, ast.Name):
            continue
        value = statement.value
        if target.id == "_name" and isinstance(value, ast.Constant) and isinstance(value.value, str):
            name = value.value
        elif target.id == "_inherit":
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                inherit = value.value
            elif isinstance(value, (ast.List, ast.Tuple)) and value.elts and isinstance(value.elts[0], ast.Constant):
                inherit = value.elts[0].value
    return name or inherit


def python_files(root):
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        for filename in sorted(files):
            if filename.endswith(".py"):
                yield os.path.join(directory, filename)


def duplicates(root):
    """[(model, method, [places])] of methods defined more than once for the same model."""
    seen = {}
    for path in python_files(root):
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read(), filename=path)
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            model = model_of(node)
            if not model:
                continue
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    place = "%s:%d" % (os.path.relpath(path, root), item.lineno)
                    seen.setdefault((model, item.name), []).append(place)
    return [(model, method, places) for (model, method), places in sorted(seen.items()) if len(places) > 1]


def check(root):
    found = duplicates(root)
    for model, method, places in found:
        print("lint_models: %s.%s is defined %d times: %s" % (model, method, len(places), ", ".join(places)))
    return 1 if found else 0


BAD_SAMPLE = {
    "models/a.py": '''
from odoo import models
class A(models.Model):
    _name = "x.model"
    def _step(self):
        return 1
''',
    "models/b.py": '''
from odoo import models
class B(models.Model):
    _inherit = "x.model"
    def _step(self):
        return super(B, self)._step() + 1
''',
}
GOOD_SAMPLE = {
    "models/a.py": BAD_SAMPLE["models/a.py"],
    "models/b.py": '''
from odoo import models
class B(models.Model):
    _inherit = "x.model"
    def _other_step(self):
        return 2
class C(models.Model):
    _inherit = ["y.model", "mail.thread"]
    def _step(self):
        return 3
''',
    "tests/test_a.py": BAD_SAMPLE["models/b.py"],
}


def write_sample(root, files):
    for relative, content in files.items():
        path = os.path.join(root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(content)


def self_test():
    with tempfile.TemporaryDirectory() as bad, tempfile.TemporaryDirectory() as good:
        write_sample(bad, BAD_SAMPLE)
        write_sample(good, GOOD_SAMPLE)
        found = duplicates(bad)
        if [(model, method) for model, method, _places in found] != [("x.model", "_step")]:
            print("lint_models self-test: the duplicate of x.model._step was not found: %r" % (found,))
            return 1
        if duplicates(good):
            print("lint_models self-test: a good sample failed: %r" % (duplicates(good),))
            return 1
    print("lint_models self-test: ok (a method defined twice for a model is caught)")
    return 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments == ["--self-test"]:
        sys.exit(self_test())
    sys.exit(check(arguments[0] if arguments else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
