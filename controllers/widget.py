"""The loader script of the Widget tab, the widget's versioned assets, the direct chat page, a demo page.

The widget is written as ES modules (static/src/widget/*.js, unit-tested with node) and served as two
modules, each with its stylesheet inlined, under one versioned, immutable, gzipped URL each:

- ``widget.js``, the core (WIDGET_MODULES + widget.css): all a page loads until the chat opens. Three
  requests in all before the button shows (loader, widget.js, init), within the budget of 15 kB gzipped
  (browser_tests/test_widget_api.py asserts it, bench/page_weight.py measures it).
- ``window.js``, the chat (WINDOW_MODULES + window.css): loaded by the core with a dynamic import() when
  the chat opens, or at once when a conversation is already going on (a reload, another page, the direct
  chat page). It imports what it needs of the core from ``./widget.js`` (the same module, not loaded twice).

What goes where: the core holds what a page needs while nobody chats: booting (init), the button with its
unread badge and bubble, the auto-popup timer, the page's ``window.LiveChat`` API and its events, and what
those share (state, api). Everything that only runs once a conversation opens goes to the window: the
window and its messages, the conversation's loop (open, resume, poll, send), chatbot, after-chat, offline
form, and their styles. New code of the conversation goes in a new module of WINDOW_MODULES (its CSS in
window.css); a core module may never import from a window module (the bundle refuses)."""
import gzip
import hashlib
import json
import os
import re
import threading

from odoo import http
from odoo.http import request

from .common import CookielessResponse, visitor_lang

WIDGET_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "static", "src", "widget")
# The widget's ES modules, in dependency order (each imports only from those before it): the core, served as
# widget.js (main.js last), and the chat's window, served as window.js (see the docstring for what goes where).
WIDGET_MODULES = ("state.js", "api.js", "events.js", "host.js", "boot.js", "main.js")
WINDOW_MODULES = ("format.js", "view.js", "typing.js", "files.js", "after_chat.js", "hours.js", "offline.js",
                  "queue.js", "chat.js")
WIDGET_CSS = "widget.css"
WINDOW_CSS = "window.css"
LOADER = "loader.js"  # the script of the Widget tab, with __CHANNEL_ID__, __VERSION__ and __FALLBACK_URL__
WIDGET_FILES = {
    "widget.js": "application/javascript; charset=utf-8",
    "window.js": "application/javascript; charset=utf-8",
    "widget.css": "text/css; charset=utf-8",
}
IMMUTABLE = "public, max-age=31536000, immutable"
LOADER_MAX_AGE = "public, max-age=300"
LOADER_UNAVAILABLE = "/* Odoo Live Chat: channel %d is not available. */\n"

IMPORT_LINE = re.compile(r'^import \{([\w\s,]*)\} from "\./(\w+\.js)";\n', re.M)
EXPORT_KEYWORD = re.compile(r"^export (?=(?:async )?(?:function|class|const|let) )", re.M)
EXPORT_KEYWORD_NAME = re.compile(r"^export (?:async )?(?:function\*?|class|const|let) +(\w+)", re.M)
LEFT_OVER = re.compile(r"^(?:import|export)\b.*", re.M)
LINE_COMMENTS = re.compile(r"^[ \t]*(?:/\*[\s\S]*?\*/|//.*)[ \t]*\n", re.M)
TOP_LEVEL_NAME = re.compile(r"^(?:async )?(?:function\*?|class|const|let|var) +(\w+)", re.M)


def _names(listed):
    return [name.strip() for name in listed.split(",") if name.strip()]


def bundle(modules, core=()):
    """One ES module out of the widget's modules (``[(name, source)]``, in order), kept as simple as this:
    each ``import {a, b} from "./x.js";`` line is dropped (x.js comes before, its names are in the one
    scope) and ``export`` is taken off the declarations it starts. So the modules keep to that: one-line
    imports from this folder, ``export`` only before a declaration, no top-level name declared twice;
    anything else fails here, loudly, rather than in visitors' browsers. Comments that fill whole lines
    are dropped too (a quarter of the gzipped size): no line of a string may start with ``//`` or ``/*``.

    With ``core`` (``[(name, source)]``: the core's modules), this is the window's module: what its modules
    import from the core's comes in one line ``import {...} from "./widget.js";`` at its top.
    Returns ``(script, imported, exported)``: what it imports from the core, the names its modules export."""
    core_names = {name for name, _source in core}
    own = {name for name, _source in modules}
    declared = dict.fromkeys((top for _name, source in core for top in TOP_LEVEL_NAME.findall(source)), "the core")
    parts, imported, exported = [], [], []
    for name, source in modules:
        for names, origin in IMPORT_LINE.findall(source):
            if origin in core_names:
                imported.extend(item for item in _names(names) if item not in imported)
            elif origin not in own:
                raise ValueError("%s imports from %s, which is not before it in its part" % (name, origin))
        exported.extend(EXPORT_KEYWORD_NAME.findall(source))
        source = LINE_COMMENTS.sub("", EXPORT_KEYWORD.sub("", IMPORT_LINE.sub("", source)))
        left = LEFT_OVER.search(source)
        if left:
            raise ValueError("%s: the widget's bundle cannot serve %r" % (name, left.group(0)))
        for top in TOP_LEVEL_NAME.findall(source):
            if top in declared:
                raise ValueError("%s: %r is declared by %s too" % (name, top, declared[top]))
            declared[top] = name
        parts.append("// %s\n%s" % (name, source))
    head = "/* Odoo Live Chat widget, built from static/src/widget/ (controllers/widget.py) */\n"
    if core:
        head += 'import {%s} from "./widget.js";\n' % ", ".join(imported)
    return head + "\n".join(parts), imported, exported


class WidgetAssets(object):
    """The loader, widget.js (the core's modules bundled, widget.css inlined), window.js (the window's,
    window.css inlined) and widget.css: read once (again if a file changes), versioned by the content of all
    of them, gzipped once."""

    def __init__(self):
        self._lock = threading.Lock()
        self._stamp = None
        self._files = {}
        self.loader = ""
        self.version = ""

    @staticmethod
    def _names():
        return WIDGET_MODULES + WINDOW_MODULES + (WIDGET_CSS, WINDOW_CSS, LOADER)

    def _current_stamp(self):
        return tuple(os.stat(os.path.join(WIDGET_DIR, name)).st_mtime_ns for name in self._names())

    def load(self):
        stamp = self._current_stamp()
        if stamp != self._stamp:
            with self._lock:
                sources, digest = {}, hashlib.sha1()
                for name in self._names():
                    with open(os.path.join(WIDGET_DIR, name), "rb") as handle:
                        content = handle.read()
                    digest.update(name.encode() + b"\0" + content)
                    sources[name] = content.decode("utf-8")
                css = sources[WIDGET_CSS]
                core = [(name, sources[name]) for name in WIDGET_MODULES]
                window, imported, exported = bundle([(name, sources[name]) for name in WINDOW_MODULES], core)
                script, _imported, _exported = bundle(core)
                # each module carries its stylesheet (one request less); the core exports what the window imports
                script = "const WIDGET_CSS = %s;\n%s\nexport {%s};\n" % (json.dumps(css), script, ", ".join(imported))
                window = "%s\nconst WINDOW_CSS = %s;\nexport {%s};\n" % (
                    window, json.dumps(sources[WINDOW_CSS]), ", ".join(exported))
                files = {"widget.js": script.encode("utf-8"), "window.js": window.encode("utf-8"),
                         "widget.css": css.encode("utf-8")}
                files = {name: (content, gzip.compress(content, 9)) for name, content in files.items()}
                self._files, self.loader, self.version = files, sources[LOADER], digest.hexdigest()[:12]
                self._stamp = stamp
        return self

    def get(self, name):
        return self._files[name]

    def loader_script(self, channel_id, fallback_url):
        """The loader for one channel."""
        return (self.loader.replace("__CHANNEL_ID__", str(int(channel_id)))
                .replace("__VERSION__", self.version)
                .replace("__FALLBACK_URL__", json.dumps(fallback_url)[1:-1]))


widget_assets = WidgetAssets()


def accepts_gzip():
    return "gzip" in (request.httprequest.headers.get("Accept-Encoding") or "")


def static_response(content, compressed, mimetype, cache_control):
    """A cacheable response, gzipped when the client accepts it."""
    headers = [("Content-Type", mimetype), ("Cache-Control", cache_control), ("Vary", "Accept-Encoding")]
    if compressed is not None and accepts_gzip():
        content = compressed
        headers.append(("Content-Encoding", "gzip"))
    request.session.modified = False
    return CookielessResponse(content, headers=headers)


class LivechatWidget(http.Controller):

    def _active_channel(self, channel_id):
        channel = request.env["livechat.channel"].sudo().browse(channel_id).exists()
        return channel if channel and channel.active else channel.browse()

    @http.route("/livechat/loader/<int:channel_id>.js", type="http", auth="public", cors="*", methods=["GET"])
    def loader(self, channel_id, **_query):  # ?page=1 (the direct chat page) reaches the script, not here
        """The script of the Widget tab; a valid no-op script when the channel is unknown or archived."""
        mimetype = "application/javascript; charset=utf-8"
        if not self._active_channel(channel_id):
            return static_response((LOADER_UNAVAILABLE % channel_id).encode(), None, mimetype, "public, max-age=60")
        assets = widget_assets.load()
        script = assets.loader_script(channel_id, request.httprequest.host_url + "livechat/loader/%d.js" % channel_id)
        content = script.encode()
        return static_response(content, gzip.compress(content, 9), mimetype, LOADER_MAX_AGE)

    @http.route(["/livechat/widget/<string:version>/widget.js", "/livechat/widget/<string:version>/window.js",
                 "/livechat/widget/<string:version>/widget.css"],
                type="http", auth="public", cors="*", methods=["GET"])
    def widget_asset(self, version, **_query):
        """The widget's modules and stylesheet: cached for a year under their version, never stale."""
        assets = widget_assets.load()
        name = request.httprequest.path.rsplit("/", 1)[1]
        content, compressed = assets.get(name)
        cache_control = IMMUTABLE if version == assets.version else "no-cache"
        return static_response(content, compressed, WIDGET_FILES[name], cache_control)

    @http.route("/livechat/support/<int:channel_id>", type="http", auth="public")
    def support_page(self, channel_id, **_query):
        """The direct chat link of the Widget tab: a page with the chat open, under the company's name
        and logo and the channel's name."""
        channel = self._active_channel(channel_id)
        lang = visitor_lang()
        request.context = dict(request.context, lang=lang)
        values = {
            "channel": channel.with_context(lang=lang),
            "brand": channel._support_page_brand() if channel else {},
            "lang": lang.replace("_", "-"),
            "loader_url": "/livechat/loader/%d.js?page=1" % channel_id,
        }
        return request.render("livechat.support_page", values, status=200 if channel else 404)

    @http.route("/livechat/demo", type="http", auth="public")
    def demo_page(self, channel_id=None, **_query):
        """A page that embeds the widget exactly as a third-party site would (the Widget tab's snippet)."""
        channels = request.env["livechat.channel"].sudo()
        channel = channels.browse()
        if channel_id and str(channel_id).isdigit():
            channel = self._active_channel(int(channel_id))
        if not channel:
            channel = request.env["website"].sudo().search([], limit=1).livechat_channel_id
        if not channel or not channel.active:
            channel = channels.search([], limit=1)
        values = {
            "channel": channel,
            "snippet": channel.script_external if channel else "",  # the Widget tab's, from this address
            "loader_url": channel._loader_url() if channel else "",
        }
        return request.render("livechat.demo_page", values)
