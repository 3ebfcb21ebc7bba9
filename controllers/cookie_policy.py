"""Cookies of a database with Live Chat: ``SameSite=Lax`` always, ``Secure`` when served over https.

Odoo 11 sets its ``session_id`` cookie in ``Root.get_response``, after every addon hook, without
``SameSite`` or ``Secure``. The public live chat routes face the whole internet, so the backend's
session cookie must not ride along on cross-site requests, nor travel over plain http once the
site is served over https. Behind a reverse proxy, start Odoo with ``--proxy-mode`` and have the
proxy send ``X-Forwarded-Host`` and ``X-Forwarded-Proto``: the request's scheme is then the
visitor's (Odoo 11 applies werkzeug's ProxyFix when ``X-Forwarded-Host`` is present).

The wrapper is installed once per process, at import, and acts only on requests to a database
where this module is installed.
"""
import logging

from odoo import http

_logger = logging.getLogger(__name__)

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
    except Exception:  # no request, no database: not ours to change
        return False


def _get_response(self, httprequest, result, explicit_session):
    response = _get_response.original(self, httprequest, result, explicit_session)
    if _livechat_installed():
        harden_cookies(response, secure=httprequest.scheme == "https")
    return response


if not getattr(http.Root.get_response, "livechat_cookie_policy", False):
    _get_response.original = http.Root.get_response
    _get_response.livechat_cookie_policy = True
    http.Root.get_response = _get_response
