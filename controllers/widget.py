"""The loader script of the Widget tab, the widget's versioned assets, the direct chat page, a demo page."""
import gzip
import hashlib
import json
import os
import threading

from odoo import http
from odoo.http import request

from .common import CookielessResponse, visitor_lang

WIDGET_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "static", "src", "widget")
WIDGET_FILES = {
    "widget.js": "application/javascript; charset=utf-8",
    "widget.css": "text/css; charset=utf-8",
}
IMMUTABLE = "public, max-age=31536000, immutable"
LOADER_MAX_AGE = "public, max-age=300"

# The loader: tiny, never blocks the page, injects the widget module (deferred by nature).
LOADER_JS = """/* Odoo Live Chat loader, channel %(channel_id)d */
(function () {
  "use strict";
  if (window.odooLivechat) { return; }
  var d = document, s = d.currentScript, u = new URL(s && s.src || "%(fallback)s", d.baseURI);
  window.odooLivechat = {channelId: %(channel_id)d, serverUrl: u.origin, version: "%(version)s",
                         fullPage: u.searchParams.get("page") === "1"};
  var m = d.createElement("script");
  m.type = "module";
  m.src = u.origin + "/livechat/widget/%(version)s/widget.js";
  (d.head || d.documentElement).appendChild(m);
})();
"""
LOADER_UNAVAILABLE = "/* Odoo Live Chat: channel %d is not available. */\n"


class WidgetAssets(object):
    """widget.js (with widget.css inlined) and widget.css: read once (again if they change), versioned
    by content, gzipped once."""

    def __init__(self):
        self._lock = threading.Lock()
        self._stamp = None
        self._files = {}
        self.version = ""

    def _current_stamp(self):
        return tuple(os.stat(os.path.join(WIDGET_DIR, name)).st_mtime_ns for name in sorted(WIDGET_FILES))

    def load(self):
        stamp = self._current_stamp()
        if stamp != self._stamp:
            with self._lock:
                files, digest = {}, hashlib.sha1()
                for name in sorted(WIDGET_FILES):
                    with open(os.path.join(WIDGET_DIR, name), "rb") as handle:
                        content = handle.read()
                    digest.update(content)
                    files[name] = content
                # the module carries its stylesheet: one request less before the button shows
                files["widget.js"] = b"const WIDGET_CSS = " + json.dumps(
                    files["widget.css"].decode("utf-8")).encode("utf-8") + b";\n" + files["widget.js"]
                files = {name: (content, gzip.compress(content, 9)) for name, content in files.items()}
                self._files, self.version, self._stamp = files, digest.hexdigest()[:12], stamp
        return self

    def get(self, name):
        return self._files[name]


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
        script = LOADER_JS % {
            "channel_id": channel_id,
            "version": widget_assets.load().version,
            "fallback": request.httprequest.host_url + "livechat/loader/%d.js" % channel_id,
        }
        content = script.encode()
        return static_response(content, gzip.compress(content, 9), mimetype, LOADER_MAX_AGE)

    @http.route(["/livechat/widget/<string:version>/widget.js", "/livechat/widget/<string:version>/widget.css"],
                type="http", auth="public", cors="*", methods=["GET"])
    def widget_asset(self, version, **_query):
        """The widget's module and stylesheet: cached for a year under their version, never stale."""
        assets = widget_assets.load()
        name = request.httprequest.path.rsplit("/", 1)[1]
        content, compressed = assets.get(name)
        cache_control = IMMUTABLE if version == assets.version else "no-cache"
        return static_response(content, compressed, WIDGET_FILES[name], cache_control)

    @http.route("/livechat/support/<int:channel_id>", type="http", auth="public")
    def support_page(self, channel_id, **_query):
        """The direct chat link of the Widget tab: a page with the chat open."""
        channel = self._active_channel(channel_id)
        lang = visitor_lang()
        request.context = dict(request.context, lang=lang)
        values = {
            "channel": channel.with_context(lang=lang),
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
        base_url = request.httprequest.host_url.rstrip("/")
        values = {
            "channel": channel,
            "snippet": '<script src="%s/livechat/loader/%d.js" defer></script>' % (base_url, channel.id)
            if channel else "",
            "loader_url": "%s/livechat/loader/%d.js" % (base_url, channel.id) if channel else "",
        }
        return request.render("livechat.demo_page", values)
