from odoo import models
from odoo.http import HttpRequest, request

# Routes of the visitor API: plain JSON in and out, whatever the Content-Type.
PLAIN_JSON_PREFIXES = ("/livechat/api/", "/longpolling/livechat/")


class IrHttp(models.AbstractModel):
    """Odoo 11 turns every ``application/json`` request into JSON-RPC before routing; the live chat
    API takes plain JSON bodies (as ``text/plain`` or ``application/json``), so its requests are
    handed to its ``type='http'`` routes as the plain HTTP requests they are."""

    _inherit = "ir.http"

    @classmethod
    def _dispatch(cls):
        current = request._get_current_object()
        if current._request_type == "json" and current.httprequest.path.startswith(PLAIN_JSON_PREFIXES):
            current.__class__ = HttpRequest
            current.params = {}
        return super(IrHttp, cls)._dispatch()
