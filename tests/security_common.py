"""Operators, channels and hostile input for the security tests; HTTP helpers for the visitor API."""
import json

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import common
from odoo.tools import config

from .visitor_common import OperatorMixin

# what a hostile visitor types: markup, a script URL, a right-to-left override
HOSTILE_HTML = '<img src=x onerror="alert(1)">'
HOSTILE_URL = "javascript:alert(document.cookie)"
RLO = "\u202e"
HOSTILE_TEXT = "%s <b>bold</b> %s %sgnp.exe" % (HOSTILE_HTML, HOSTILE_URL, RLO)


class SecurityMixin(OperatorMixin):
    """Builds operators, channels and conversations; for TransactionCase and HttpCase tests."""

    def _make_user(self, login, groups=("base.group_user", "livechat.group_livechat_user")):
        users = self.env["res.users"].with_context(no_reset_password=True, mail_create_nosubscribe=True)
        return users.create({
            "name": login.replace("_", " ").title(), "login": login, "email": "%s@example.com" % login,
            "groups_id": [(6, 0, [self.env.ref(group).id for group in groups])],
        })

    def _set_online(self, user):
        now = fields.Datetime.now()
        self.env["bus.presence"].sudo().search([("user_id", "=", user.id)]).unlink()
        self.env["bus.presence"].sudo().create({"user_id": user.id, "last_poll": now, "last_presence": now})

    def _make_channel(self, name, operators):
        for operator in operators:
            self._set_online(operator)
        return self.env["livechat.channel"].create({
            "name": name, "user_ids": [(6, 0, operators.ids)],
            "rule_ids": [(0, 0, {"action": "display_button", "regex_url": "/"})],
        })

    def _open_session(self, channel, first_message="Hello", **values):
        values.setdefault("page_url", "https://shop.example.com/contactus")
        return self._start_chat(channel, first_message, **values)


class SecurityHttpCase(SecurityMixin, common.HttpCase):
    """A channel with one online operator, and a visitor talking to the API over real HTTP."""

    def setUp(self):
        super(SecurityHttpCase, self).setUp()
        # Odoo 11's HttpCase serves requests on the registry's test cursor, not on self.cr: the test
        # data goes there for the server to see it (all rolled back when the test mode ends)
        self.env = api.Environment(self.registry.test_cr, SUPERUSER_ID, {})
        self.operator = self._make_user("sam_security_operator")
        self.channel = self._make_channel("Security Desk", self.operator)

    def url(self, path):
        return "http://%s:%s%s" % (common.HOST, common.PORT, path)

    def request(self, method, path, **kwargs):
        """An HTTP request to the test server; the test's data is visible to it, and its changes to the test."""
        # the test cursor's commit is a savepoint: a request that fails rolls back to here, not further
        self.env.cr.commit()  # pylint: disable=invalid-commit
        kwargs.setdefault("timeout", 30)
        response = self.opener.request(method, self.url(path), **kwargs)
        self.env.cache.invalidate()
        return response

    def post(self, path, payload, headers=None):
        """POST ``payload`` (a dict, or raw bytes/text) to ``path``; returns the requests.Response."""
        data = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
        return self.request("POST", path, data=data, headers=headers or {})

    def api(self, path, payload, headers=None):
        """POST to the visitor API ``/livechat/api/<path>``; returns (status, decoded JSON)."""
        response = self.post("/livechat/api/" + path, payload, headers=headers)
        return response.status_code, response.json()

    def open_session(self, headers=None, **payload):
        payload.setdefault("channel_id", self.channel.id)
        payload.setdefault("url", "https://shop.example.com/contactus")
        status, result = self.api("session/open", payload, headers=headers)
        self.assertEqual(status, 200, result)
        self.assertTrue(result.get("available"), result)
        return result

    def session_of(self, token):
        return self.env["livechat.session"].sudo().search([("access_token", "=", token)])

    def proxy_mode(self):
        """Run the server as behind a reverse proxy (``--proxy-mode``) until the end of the test."""
        previous = config["proxy_mode"]
        config["proxy_mode"] = True
        self.addCleanup(config.__setitem__, "proxy_mode", previous)

    @staticmethod
    def from_ip(ip):
        """Headers a reverse proxy adds for a visitor at ``ip`` (honoured in proxy mode only)."""
        return {"X-Forwarded-For": ip, "X-Forwarded-Host": "chat.example.com", "X-Forwarded-Proto": "https"}
