import werkzeug.exceptions

from odoo import SUPERUSER_ID, api, models
from odoo.http import request

from ..patches.http_get_request import PLAIN_JSON_PREFIXES, as_plain_request


class IrHttp(models.AbstractModel):
    """The visitor API's requests take a short way through ``ir.http``: as plain HTTP requests,
    without the website's machinery, which they do not use.

    Plain requests: Odoo 11 turns every ``application/json`` request into JSON-RPC before routing.
    The patch of ``Root.get_request`` (``patches/http_get_request.py``) builds the visitor API's
    requests as plain ones from the start; this override turns into a plain request what still
    comes as JSON-RPC: a ``?jsonp=`` call, or a request built in a process before the patch was
    applied there (the one that loads this database's registry in a long-polling process).

    Short way: the ``_dispatch`` of ``http_routing`` and ``website`` (with ``utm``, ``auth_signup``
    and ``web_editor``) prepare a website page: GeoIP lookup into the web session, the page's
    language and website, language redirects, UTM cookies, signup tokens, edition flags, then a
    second routing of the URL. The visitor API uses none of it: it keeps no web session and sets no
    cookie (``controllers/common.py``), reads the visitor's language from its body and its country
    from ``livechat.geoip``, and never renders a website page. Its routes are matched once, the
    user is authenticated as Odoo does it (a logged-in user's web session, else the website's
    public user, whose id is cached: ``website._livechat_public_uid``), and the handler runs under
    Odoo's own ``request.dispatch`` (CORS, concurrency retries, error handling of ``ir.http``). A
    URL under the API's prefixes that matches no route (a 404) still takes the whole way, which
    renders the website's page. Measured (``bench/profile_requests.py``): one query and about a
    quarter of Odoo's CPU less per visitor request.

    Not a patch of Odoo: ``ir.http._dispatch`` is Odoo's per-database extension point, active only
    on a database with Live Chat."""

    _inherit = "ir.http"

    @classmethod
    def _dispatch(cls):
        current = request._get_current_object()
        if not current.httprequest.path.startswith(PLAIN_JSON_PREFIXES):
            return super(IrHttp, cls)._dispatch()
        if current._request_type == "json":
            as_plain_request(current)
        return cls._livechat_api_dispatch()

    @classmethod
    def _livechat_api_dispatch(cls):
        """``ir.http._dispatch`` of base for a visitor API route: match, authenticate, run."""
        try:
            rule, arguments = cls._find_handler(return_rule=True)
        except werkzeug.exceptions.NotFound:
            return super(IrHttp, cls)._dispatch()
        func = rule.endpoint
        request.is_frontend = request.is_frontend_multilang = False
        try:
            auth_method = cls._livechat_api_authenticate(func.routing["auth"])
        except Exception as error:  # pylint: disable=broad-except
            return cls._handle_exception(error)
        try:
            request.set_handler(func, arguments, auth_method)
            result = request.dispatch()
            if isinstance(result, Exception):
                raise result
        except Exception as error:  # pylint: disable=broad-except
            return cls._handle_exception(error)
        return result

    @classmethod
    def _livechat_api_authenticate(cls, auth_method):
        """``_authenticate``, without a query for the public user of a request without a web session."""
        if request.session.uid or auth_method != "public":
            return cls._authenticate(auth_method)
        env = api.Environment(request.cr, SUPERUSER_ID, request.context)
        website = env["website"].get_current_website()
        request.uid = env["website"]._livechat_public_uid(website.id)
        return auth_method
