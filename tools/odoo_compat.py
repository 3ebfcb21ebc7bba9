"""Python 3.11 compatibility layer for Odoo 11.0, applied at start-up.

Nothing inside site-packages is edited: the standard library gets back the
names Odoo 11 still uses, and the few Odoo modules that build Python code by
hand are patched right after they are imported (see ``when_imported``).
The sections below are numbered by area, and the numbers name them in the
comments: 1-4 and 8 give back standard library names Python removed after
3.6 (``collections`` ABCs, ``inspect.getargspec``, ``base64.encodestring``,
``Thread.isAlive``, ``yaml.load`` without a Loader, ``resource.setrlimit``
with floats), 5 fixes the Python ASTs QWeb builds by hand, 6 gives back
``Element.getchildren``, 7 lets ``safe_eval`` accept the 3.11 opcodes that
mean what its 3.6 whitelist allowed, and 9 keeps the mail wheel's
auto-install modules whose dependencies are not shipped from being
installed. Only Python 3.11 compatibility belongs here: what the addon
changes in Odoo's behaviour is in its ``patches/`` package.

Use: ``patch_stdlib()`` before ``import odoo``, then ``patch_odoo()``.
"""
import ast
import base64
import collections
import collections.abc
import importlib.abc
import inspect
import sys
import threading

_POST_IMPORT = {}


# --------------------------------------------------------------------------
# post-import hooks
# --------------------------------------------------------------------------
class _PostImportFinder(importlib.abc.MetaPathFinder):
    """Runs the registered patch right after a watched module is executed."""

    def find_spec(self, fullname, path, target=None):
        if fullname not in _POST_IMPORT:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                loader = spec.loader
                original_exec = loader.exec_module

                def exec_module(module, _orig=original_exec, _name=fullname):
                    _orig(module)
                    for patch in _POST_IMPORT.get(_name, ()):
                        patch(module)

                loader.exec_module = exec_module
                return spec
        return None


def when_imported(name, patch):
    """Apply ``patch(module)`` once module ``name`` is imported (now if it is)."""
    if name in sys.modules:
        patch(sys.modules[name])
        return
    _POST_IMPORT.setdefault(name, []).append(patch)


# --------------------------------------------------------------------------
# 1-4, 8: standard library names removed since Python 3.6
# --------------------------------------------------------------------------
ArgSpec = collections.namedtuple("ArgSpec", "args varargs keywords defaults")


def _getargspec(func):
    spec = inspect.getfullargspec(func)
    return ArgSpec(spec.args, spec.varargs, spec.varkw, spec.defaults)


def _formatargspec(args, varargs=None, varkw=None, defaults=None, *_ignored, **_kw):
    parts = []
    first_default = len(args) - len(defaults or ())
    for index, name in enumerate(args):
        if defaults and index >= first_default:
            parts.append("%s=%r" % (name, defaults[index - first_default]))
        else:
            parts.append(name)
    if varargs:
        parts.append("*" + varargs)
    if varkw:
        parts.append("**" + varkw)
    return "(" + ", ".join(parts) + ")"


def _setrlimit_ints(setrlimit):
    def setrlimit_int(resource_id, limits):
        return setrlimit(resource_id, tuple(int(v) for v in limits))
    return setrlimit_int


def patch_stdlib():
    # 1. collections ABCs moved to collections.abc (removed from collections in 3.10)
    for name in ("Mapping", "MutableMapping", "Sequence", "MutableSequence", "Set",
                 "MutableSet", "Iterable", "Iterator", "Sized", "Callable",
                 "Container", "Hashable", "KeysView", "ItemsView", "ValuesView"):
        if not hasattr(collections, name):
            setattr(collections, name, getattr(collections.abc, name))
    # 2. inspect.getargspec / formatargspec (removed in 3.11)
    if not hasattr(inspect, "getargspec"):
        inspect.getargspec = _getargspec
    if not hasattr(inspect, "formatargspec"):
        inspect.formatargspec = _formatargspec
    # 3. base64 aliases and Thread.isAlive (removed in 3.9)
    if not hasattr(base64, "encodestring"):
        base64.encodestring = base64.encodebytes
        base64.decodestring = base64.decodebytes
    if not hasattr(threading.Thread, "isAlive"):
        threading.Thread.isAlive = threading.Thread.is_alive
    # 4. PyYAML 6: yaml.load() needs a Loader (Odoo's .yml data is trusted)
    import yaml
    if not getattr(yaml.load, "_odoo_compat", False):
        yaml_load = yaml.load

        def load(stream, Loader=None):
            return yaml_load(stream, Loader=Loader or yaml.Loader)
        load._odoo_compat = True
        yaml.load = load
    # 8. resource.setrlimit rejects floats since 3.10 (prefork workers)
    import resource
    if not getattr(resource.setrlimit, "__name__", "") == "setrlimit_int":
        resource.setrlimit = _setrlimit_ints(resource.setrlimit)
    if not any(isinstance(f, _PostImportFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _PostImportFinder())


# --------------------------------------------------------------------------
# 5. QWeb builds Python ASTs by hand
# --------------------------------------------------------------------------
_CONSTANT_NAMES = {"None": None, "True": True, "False": False}


class _QWebAstFixer(ast.NodeTransformer):
    """Turns Python-2-era nodes into ones Python 3.11 compiles."""

    def visit_Name(self, node):
        if node.id in _CONSTANT_NAMES:
            return ast.copy_location(ast.Constant(value=_CONSTANT_NAMES[node.id]), node)
        return node

    def visit_arguments(self, node):
        self.generic_visit(node)
        if not getattr(node, "posonlyargs", None):
            node.posonlyargs = []
        return node


def _fix_locations(tree):
    """Give every node a valid (start <= end) source range."""
    for node in ast.walk(tree):
        if "lineno" not in node._attributes:
            continue
        lineno = getattr(node, "lineno", None) or 1
        node.lineno = lineno
        node.col_offset = getattr(node, "col_offset", None) or 0
        node.end_lineno = lineno
        node.end_col_offset = node.col_offset
    return tree


def _qweb_compile(source, filename, mode, *args, **kwargs):
    if isinstance(source, ast.AST):
        source = _fix_locations(_QWebAstFixer().visit(source))
    return compile(source, filename, mode, *args, **kwargs)


def _arguments(args, vararg=None, kwonlyargs=(), kw_defaults=(), kwarg=None, defaults=()):
    return ast.arguments(posonlyargs=[], args=args, vararg=vararg, kwonlyargs=list(kwonlyargs),
                         kw_defaults=list(kw_defaults), kwarg=kwarg, defaults=list(defaults))


def _patch_qweb(module):
    module.arguments = _arguments
    module.compile = _qweb_compile


# --------------------------------------------------------------------------
# 6. xml.etree Element.getchildren() (removed in 3.9), used by /web/webclient/qweb
# --------------------------------------------------------------------------
def _element_tree_with_getchildren():
    import types
    from xml.etree import ElementTree as ET

    class Element(ET.Element):
        def getchildren(self):
            return list(self)

        def getiterator(self, tag=None):
            return list(self.iter(tag))

    def parse(source, parser=None):
        parser = parser or ET.XMLParser(target=ET.TreeBuilder(element_factory=Element))
        return ET.parse(source, parser=parser)

    shim = types.ModuleType("ElementTree")
    shim.__dict__.update({k: v for k, v in vars(ET).items() if not k.startswith("__")})
    shim.Element = Element
    shim.parse = parse
    return shim


def _patch_web_controllers(module):
    module.ElementTree = _element_tree_with_getchildren()


# --------------------------------------------------------------------------
# 7. safe_eval: allow the 3.11 opcodes that mean what the 3.6 whitelist allowed
# --------------------------------------------------------------------------
_OPCODES_311 = {
    # constants and stack handling (were LOAD_CONST, ROT_*, DUP_*, BUILD_*)
    "_CONST_OPCODES": ["RESUME", "NOP", "CACHE", "COPY", "SWAP", "LIST_EXTEND",
                       "SET_UPDATE", "DICT_UPDATE", "LIST_TO_TUPLE"],
    # expressions (were BINARY_*/INPLACE_*, COMPARE_OP for `in` and `is`)
    "_EXPR_OPCODES": ["RESUME", "NOP", "CACHE", "COPY", "SWAP", "LIST_EXTEND",
                      "SET_UPDATE", "DICT_UPDATE", "LIST_TO_TUPLE", "BINARY_OP",
                      "IS_OP", "CONTAINS_OP", "DICT_MERGE"],
    # statements, calls, jumps, comprehensions, f-strings, try/except
    "_SAFE_OPCODES": ["RESUME", "NOP", "CACHE", "COPY", "SWAP", "LIST_EXTEND",
                      "SET_UPDATE", "DICT_UPDATE", "LIST_TO_TUPLE", "BINARY_OP",
                      "IS_OP", "CONTAINS_OP", "DICT_MERGE", "PRECALL", "CALL", "KW_NAMES",
                      "PUSH_NULL", "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT",
                      "POP_JUMP_FORWARD_IF_FALSE", "POP_JUMP_FORWARD_IF_TRUE",
                      "POP_JUMP_BACKWARD_IF_FALSE", "POP_JUMP_BACKWARD_IF_TRUE",
                      "POP_JUMP_FORWARD_IF_NONE", "POP_JUMP_FORWARD_IF_NOT_NONE",
                      "POP_JUMP_BACKWARD_IF_NONE", "POP_JUMP_BACKWARD_IF_NOT_NONE",
                      "RETURN_GENERATOR", "GEN_START", "FORMAT_VALUE", "BUILD_STRING",
                      "PUSH_EXC_INFO", "CHECK_EXC_MATCH", "RERAISE", "UNPACK_EX",
                      "MAKE_CELL", "COPY_FREE_VARS", "LOAD_CLOSURE", "LOAD_DEREF",
                      "STORE_DEREF"],
}


def _patch_safe_eval(module):
    import opcode
    for set_name, names in _OPCODES_311.items():
        getattr(module, set_name).update(opcode.opmap[n] for n in names if n in opcode.opmap)


# --------------------------------------------------------------------------
# 9. the mail wheel ships addons whose dependencies are not shipped
# --------------------------------------------------------------------------
def _reset_unsatisfiable_auto_installs(cr):
    """Auto-install modules whose dependencies are missing must not stay 'to install'."""
    while True:
        cr.execute("""
            UPDATE ir_module_module m SET state = 'uninstalled'
             WHERE m.state = 'to install' AND EXISTS (
                   SELECT 1 FROM ir_module_module_dependency d
                LEFT JOIN ir_module_module dep ON dep.name = d.name
                    WHERE d.module_id = m.id
                      AND (dep.id IS NULL OR dep.state NOT IN ('to install', 'installed')))
        """)
        if not cr.rowcount:
            break
    cr.commit()


def _patch_modules_db(module):
    initialize = module.initialize
    if getattr(initialize, "_odoo_compat", False):
        return

    def initialize_shipped_only(cr):
        initialize(cr)
        _reset_unsatisfiable_auto_installs(cr)
    initialize_shipped_only._odoo_compat = True
    module.initialize = initialize_shipped_only


def patch_odoo():
    """Patches applied to Odoo modules as soon as each is imported."""
    when_imported("odoo.tools.safe_eval", _patch_safe_eval)
    when_imported("odoo.addons.base.ir.ir_qweb.qweb", _patch_qweb)
    when_imported("odoo.addons.web.controllers.main", _patch_web_controllers)
    when_imported("odoo.modules.db", _patch_modules_db)
