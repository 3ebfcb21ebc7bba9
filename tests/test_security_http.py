"""CORS only where a third-party page needs it; JSON routes that carry no ambient authority (CSRF);
cookies SameSite, and Secure over https (X-Forwarded-Proto in proxy mode)."""
import json

from odoo.tests import common
from odoo.tools import mute_logger

from .security_common import SecurityHttpCase

THIRD_PARTY = "https://shop.example.net"
API_ROUTES = ("/livechat/api/init", "/livechat/api/session/open", "/livechat/api/session/post",
              "/livechat/api/session/history", "/livechat/api/session/leave", "/longpolling/livechat/poll")
BACKEND_ROUTES = ("/web/dataset/call_kw", "/web/session/authenticate", "/web/session/get_session_info",
                  "/longpolling/poll", "/web/webclient/version_info", "/mail/init_messaging")


@common.at_install(False)
@common.post_install(True)
class TestCors(SecurityHttpCase):

    def preflight(self, path):
        return self.request("OPTIONS", path, allow_redirects=False, headers={
            "Origin": THIRD_PARTY, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})

    def test_visitor_api_answers_any_page_without_credentials(self):
        for path in API_ROUTES:
            response = self.preflight(path)
            self.assertLess(response.status_code, 300, path)
            self.assertEqual(response.headers.get("Access-Control-Allow-Origin"), "*", path)
            self.assertNotIn("Access-Control-Allow-Credentials", response.headers, path)
        response = self.post("/livechat/api/init", {"channel_id": self.channel.id, "url": THIRD_PARTY + "/"},
                             headers={"Origin": THIRD_PARTY})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers.get("Access-Control-Allow-Origin"), "*")
        self.assertNotIn("Access-Control-Allow-Credentials", response.headers)

    @mute_logger("odoo.http")  # Odoo's JSON routes log the bodies it refuses here ("{}" without jsonrpc)
    def test_backend_routes_stay_same_origin(self):
        for path in BACKEND_ROUTES:
            response = self.preflight(path)
            self.assertNotIn("Access-Control-Allow-Origin", response.headers, path)
            response = self.request("POST", path, data="{}", allow_redirects=False, headers={
                "Origin": THIRD_PARTY, "Content-Type": "application/json"})
            self.assertNotIn("Access-Control-Allow-Origin", response.headers, path)
        response = self.request("GET", "/livechat/support/%d" % self.channel.id, headers={"Origin": THIRD_PARTY})
        self.assertNotIn("Access-Control-Allow-Origin", response.headers, "the direct chat page is a page")


@common.at_install(False)
@common.post_install(True)
class TestCsrf(SecurityHttpCase):

    def test_logged_in_cookie_gives_the_visitor_api_no_authority(self):
        """A page that makes the browser of a logged-in user call the API speaks as a visitor only."""
        self.authenticate("admin", "admin")
        admin_partner = self.env.ref("base.user_root").partner_id
        result = self.open_session()
        session = self.session_of(result["token"])
        status, _answer = self.api("session/post", {"token": result["token"], "body": "forged?"})
        self.assertEqual(status, 200)
        message = self._conversation_messages(session).filtered(lambda m: "forged?" in (m.body or ""))
        self.assertFalse(message.author_id, "the message is the visitor's, not the administrator's")
        self.assertNotEqual(message.author_id, admin_partner)
        # without a token, nothing at all, cookie or not
        status, _answer = self.api("session/post", {"body": "forged?"})
        self.assertEqual(status, 403)


@common.at_install(False)
@common.post_install(True)
class TestCookies(SecurityHttpCase):

    def session_cookie(self, headers=None):
        """The attributes of the session cookie the server sets (any page sets it; this one is cheap)."""
        self.opener.cookies.clear()
        response = self.request("GET", "/web/binary/company_logo", headers=headers or {})
        self.assertEqual(response.status_code, 200)
        return self.cookie_attributes(response)

    def cookie_attributes(self, response):
        cookies = [cookie for cookie in response.raw.headers.getlist("Set-Cookie")
                   if cookie.startswith("session_id=")]
        self.assertEqual(len(cookies), 1, cookies)
        return [part.strip().lower() for part in cookies[0].split(";")]

    def test_same_site_and_not_secure_over_http(self):
        attributes = self.session_cookie()
        self.assertIn("samesite=lax", attributes)
        self.assertIn("httponly", attributes)
        self.assertNotIn("secure", attributes)

    def test_secure_over_https_behind_a_proxy(self):
        https = {"X-Forwarded-Host": "chat.example.com", "X-Forwarded-Proto": "https",
                 "X-Forwarded-For": "198.51.100.7"}
        # not in proxy mode: the headers are not trusted
        self.assertNotIn("secure", self.session_cookie(https))
        self.proxy_mode()
        attributes = self.session_cookie(https)
        self.assertIn("secure", attributes)
        self.assertIn("samesite=lax", attributes)
        self.assertIn("httponly", attributes)
        http_proxy = dict(https, **{"X-Forwarded-Proto": "http"})
        self.assertNotIn("secure", self.session_cookie(http_proxy))

    def test_login_cookie_is_hardened(self):
        """The cookie of a real login (a new session id) carries the flags too."""
        self.opener.cookies.clear()
        self.proxy_mode()
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
            "db": self.env.cr.dbname, "login": "admin", "password": "admin"}})
        response = self.post("/web/session/authenticate", body, headers={
            "Content-Type": "application/json", "X-Forwarded-Host": "chat.example.com",
            "X-Forwarded-Proto": "https"})
        self.assertEqual(response.json()["result"]["username"], "admin")
        attributes = self.cookie_attributes(response)
        self.assertIn("samesite=lax", attributes)
        self.assertIn("secure", attributes)
        self.assertIn("httponly", attributes)
