"""``Root.get_response`` (``odoo/http.py``): cookies of a database with Live Chat get ``SameSite=Lax``,
and ``Secure`` when the request came over https.

What it changes: Odoo 11 sets its ``session_id`` cookie in ``Root.get_response``, after every
addon hook, without ``SameSite`` or ``Secure``. The public live chat routes face the whole
internet, so the backend's session cookie must not ride along on cross-site requests, nor travel
over plain http once the site is served over https. Behind a reverse proxy, start Odoo with
``--proxy-mode`` and have the proxy send ``X-Forwarded-Proto``: the request's scheme is then the
visitor's (``http_dispatch``). Only responses to a request on a database where this module is
installed are changed; a cookie that already says ``SameSite`` keeps it.

Why here: the cookie is added after the response left every controller and ``ir.http`` hook of
the database; ``Root`` is the only place that sees it.

Drop when porting to an Odoo whose ``odoo/http.py`` sets the ``session_id`` cookie with
``SameSite`` and, over https, ``Secure`` (Odoo 11 sets neither): read where the ported version sets
it, keep only the part it does not do (or let the reverse proxy add it).
"""
from odoo import http

from .replace import replace

SAME_SITE = "Lax"


def harden_cookies(response, secure):
    """Add ``SameSite`` (and ``Secure`` when ``secure``) to every cookie ``response`` sets."""
    headers = getattr(response, "headers", None)
    if headers is None or "Set-Cookie" not in headers:
        return response
    cookies = []
    for cookie in headers.getlist("Set-Cookie"):
        attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
        if not any(attribute.startswith("samesite") for attribute in attributes):
            cookie += "; SameSite=%s" % SAME_SITE
        if secure and "secure" not in attributes:
            cookie += "; Secure"
        cookies.append(cookie)
    headers.remove("Set-Cookie")
    for cookie in cookies:
        headers.add("Set-Cookie", cookie)
    return response


def _livechat_installed():
    try:
        return bool(http.request.db) and "livechat.rate.limit" in http.request.registry
    except Exception:  # no request, no database: not ours to change  pylint: disable=broad-except
        return False


def get_response(self, httprequest, result, explicit_session):
    response = get_response.original(self, httprequest, result, explicit_session)
    if _livechat_installed():
        harden_cookies(response, secure=httprequest.scheme == "https")
    return response


def apply():
    replace(http.Root, "get_response", get_response)
