"""``Root.get_request`` (``odoo/http.py``): the visitor API's requests are plain HTTP requests.

What it changes: Odoo 11 decides the kind of a request from its Content-Type before any database
or addon code runs: every ``application/json`` body becomes a JSON-RPC request (``JsonRequest``),
whose construction answers a body that is not UTF-8 or not a JSON object with an HTTP 500, and one
that is not JSON with an HTML page. The routes of the visitor API (``PLAIN_JSON_PREFIXES``) read
their JSON body themselves (``controllers/common.read_json_body``) and answer every bad body with
a readable JSON error: their requests are built as ``HttpRequest`` from the start, without
parameters from the query string or a form. Every other path, and a ``?jsonp=`` call (Odoo's own
protocol), is left to Odoo.

Why here: ``Root`` is Odoo's WSGI application, shared by every database of the process; it chooses
the request class before ``ir.http`` (the per-database extension point) is reached. The
``ir.http`` override of ``models/ir_http.py`` turns into a plain request what still arrives as
JSON-RPC (``as_plain_request``): a request built before this patch was applied in its process,
or a ``?jsonp=`` one.

Drop when porting to Odoo 16 or later because their ``type='http'`` routes get the body as it
came, whatever its Content-Type (the request class is chosen by the route, not before routing):
the visitor API's routes then need no help.
"""
from odoo import http

from .replace import replace

# Routes of the visitor API: plain JSON in and out, whatever the Content-Type.
PLAIN_JSON_PREFIXES = ("/livechat/api/", "/longpolling/livechat/")


def is_plain_json(httprequest):
    """Whether the request goes to the visitor API (and is not Odoo's ``jsonp`` protocol)."""
    return httprequest.path.startswith(PLAIN_JSON_PREFIXES) and not httprequest.args.get("jsonp")


def as_plain_request(request):
    """Make a ``JsonRequest`` of the visitor API the plain ``HttpRequest`` it is, in place."""
    request.__class__ = http.HttpRequest
    # the body is the only input: no query string or form field becomes a handler argument
    request.params = {}
    return request


def get_request(self, httprequest):
    if is_plain_json(httprequest):
        request = http.HttpRequest(httprequest)
        request.params = {}
        return request
    return get_request.original(self, httprequest)


def apply():
    replace(http.Root, "get_request", get_request)
