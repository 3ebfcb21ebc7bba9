from odoo import models
from odoo.http import request

from ..patches.http_get_request import PLAIN_JSON_PREFIXES, as_plain_request


class IrHttp(models.AbstractModel):
    """The visitor API's requests reach its ``type='http'`` routes as the plain HTTP requests they are.

    Odoo 11 turns every ``application/json`` request into JSON-RPC before routing. The patch of
    ``Root.get_request`` (``patches/http_get_request.py``) builds the visitor API's requests as
    plain ones from the start; this override turns into a plain request what still comes as
    JSON-RPC: a ``?jsonp=`` call, or a request built in a process before the patch was applied
    there (the one that loads this database's registry in a long-polling process).

    Not a patch of Odoo: ``ir.http._dispatch`` is Odoo's per-database extension point, active only
    on a database with Live Chat. Drop it with the patch."""

    _inherit = "ir.http"

    @classmethod
    def _dispatch(cls):
        current = request._get_current_object()
        if current._request_type == "json" and current.httprequest.path.startswith(PLAIN_JSON_PREFIXES):
            as_plain_request(current)
        return super(IrHttp, cls)._dispatch()
