"""The visitor API's requests are plain HTTP requests, whatever their Content-Type.

Odoo 11 builds a JSON-RPC request (``JsonRequest``) from every ``application/json`` body before
any addon code runs, and that construction fails with an HTTP 500 on a body that is not UTF-8 or
not a JSON object, and with an HTML page on one that is not JSON. The routes of the visitor API
read their JSON body themselves (``common.read_json_body``) and answer every bad body with a
readable JSON error: their requests are built as ``HttpRequest`` from the start, without
parameters from the query string or a form (``ir.http`` keeps turning any JSON-RPC request that
still reaches them into a plain one).
"""
from odoo import http

from ..models.ir_http import PLAIN_JSON_PREFIXES


def _get_request(self, httprequest):
    if httprequest.path.startswith(PLAIN_JSON_PREFIXES) and not httprequest.args.get("jsonp"):
        request = http.HttpRequest(httprequest)
        # the body is the only input: no query string or form field becomes a handler argument
        request.params = {}
        return request
    return _get_request.original(self, httprequest)


if not getattr(http.Root.get_request, "livechat_plain_json", False):
    _get_request.original = http.Root.get_request
    _get_request.livechat_plain_json = True
    http.Root.get_request = _get_request
