"""Signed visitors: the host site's HMAC of its user checked when a conversation opens."""
import hashlib
import hmac
import os
import textwrap
import time

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError
from odoo.tests import common

from ..models.livechat_input import SIGNED_VISITOR_MAX_AGE, SIGNED_VISITOR_SKEW, signed_visitor_payload
from .visitor_common import VisitorMixin

README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.rst")


def readme_python_example():
    """The README's Python example of signing (its ``livechat_visitor`` function)."""
    with open(README, encoding="utf-8") as handle:
        blocks = handle.read().split(".. code-block:: python\n\n")[1:]
    for block in blocks:
        lines = []
        for line in block.split("\n"):
            if line and not line.startswith("    "):
                break
            lines.append(line)
        code = textwrap.dedent("\n".join(lines))
        if "def livechat_visitor" in code:
            namespace = {}
            exec(code, namespace)  # pylint: disable=exec-used
            return namespace["livechat_visitor"]
    raise AssertionError("the README has no Python example of signing")


# the README's example, also checked by the widget's node tests (static/tests/widget/signature.test.mjs)
KNOWN_SECRET = "s3cret"
KNOWN_SIGNATURE = "f568aa42e9d926588ca241923e05da67dd17d9fe7819502493db031839971168"


def sign(secret, external_id, name, email, timestamp):
    payload = signed_visitor_payload(external_id, name, email, timestamp)
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


class SignedVisitorMixin(object):

    def _identity(self, channel, external_id="42", name="Ana Pop", email="ana@example.com", timestamp=None,
                  secret=None):
        timestamp = int(time.time()) if timestamp is None else timestamp
        return {"id": external_id, "name": name, "email": email, "timestamp": timestamp,
                "signature": sign(channel.sudo().widget_secret if secret is None else secret,
                                  external_id, name, email, timestamp)}


class TestSignedVisitor(SignedVisitorMixin, VisitorMixin, common.TransactionCase):

    def setUp(self):
        super(TestSignedVisitor, self).setUp()
        self._setup_visitor_channel()
        self._set_online(self.op_anna, self.op_bob)

    def test_the_payload_is_the_documented_one(self):
        self.assertEqual(signed_visitor_payload("42", "Ana Pop", "ana@example.com", 1765000000),
                         b"42\nAna Pop\nana@example.com\n1765000000")
        self.assertEqual(sign(KNOWN_SECRET, "42", "Ana Pop", "ana@example.com", 1765000000), KNOWN_SIGNATURE)
        # what cannot be signed unambiguously is never verified
        for values in (("42", "Ana\nana@evil.com", "", 1), ("42\r", "Ana", "", 1), (42, "Ana", "", 1),
                       ("42", "Ana", None, 1), ("42", "Ana", "", "1"), ("42", "Ana", "", True), ("42", "Ana", "", 1.5)):
            self.assertIsNone(signed_visitor_payload(*values), values)

    def test_the_readmes_python_example_signs_what_the_server_checks(self):
        livechat_visitor = readme_python_example()
        self.assertEqual(livechat_visitor(KNOWN_SECRET, 42, "Ana Pop", "ana@example.com", 1765000000)["signature"],
                         KNOWN_SIGNATURE)
        identity = livechat_visitor(self.channel.widget_secret, 42, "Ana Pop", "ana@example.com")
        self.assertEqual(self.channel._verified_visitor(identity)["external_id"], "42")

    def test_each_channel_gets_its_own_secret_which_can_be_regenerated(self):
        other = self.channel.copy({"name": "Another"})
        secret = self.channel.widget_secret
        self.assertEqual(len(secret), 64)
        self.assertTrue(other.widget_secret and other.widget_secret != secret, "not copied, not shared")
        identity = self._identity(self.channel)
        self.assertTrue(self.channel._verified_visitor(identity))
        self.channel.action_regenerate_widget_secret()
        self.assertNotEqual(self.channel.widget_secret, secret)
        self.assertIsNone(self.channel._verified_visitor(identity), "signed with the old secret: refused")

    def test_a_valid_signature_is_verified(self):
        identity = self._identity(self.channel, name="  Ana \u202ePop ")
        self.assertEqual(self.channel._verified_visitor(identity),
                         {"external_id": "42", "name": "Ana Pop", "email": "ana@example.com"})
        # uppercase hexadecimal is the same signature
        self.assertTrue(self.channel._verified_visitor(dict(identity, signature=identity["signature"].upper())))

    def test_a_forged_signature_is_refused(self):
        identity = self._identity(self.channel)
        forged = [
            dict(identity, name="Bob Marin"),                       # the name changed after signing
            dict(identity, id="43"),                                # another user's id
            dict(identity, email="bob@example.com"),
            dict(identity, timestamp=identity["timestamp"] + 1),
            dict(identity, signature=identity["signature"][:-1] + ("0" if identity["signature"][-1] != "0" else "1")),
            dict(identity, signature=""),
            dict(identity, signature="é" * 64),                     # not even hexadecimal
            dict(identity, signature=None),
            self._identity(self.channel, secret="not the channel's secret"),
            self._identity(self.channel, email="not an e-mail"),
            self._identity(self.channel, external_id=""),
            self._identity(self.channel, external_id="x" * 65),
            {k: v for k, v in identity.items() if k != "timestamp"},
            "not a dict", None,
        ]
        for attempt in forged:
            self.assertIsNone(self.channel._verified_visitor(attempt), attempt)

    def test_an_expired_or_future_signature_is_refused(self):
        now = int(time.time())

        def verified(timestamp):
            return self.channel._verified_visitor(self._identity(self.channel, timestamp=timestamp))
        self.assertTrue(verified(now - SIGNED_VISITOR_MAX_AGE + 60))
        self.assertIsNone(verified(now - SIGNED_VISITOR_MAX_AGE - 60), "expired: a replay is bounded")
        self.assertTrue(verified(now + SIGNED_VISITOR_SKEW - 60), "the site's clock a little ahead")
        self.assertIsNone(verified(now + SIGNED_VISITOR_SKEW + 60))

    def test_a_channel_without_secret_verifies_nobody(self):
        identity = self._identity(self.channel)
        self.channel.widget_secret = False
        self.assertIsNone(self.channel._verified_visitor(identity))
        # not even a signature made with an empty key
        self.assertIsNone(self.channel._verified_visitor(self._identity(self.channel, secret="")))
        session = self._chat(identity=identity)
        self.assertFalse(session.visitor_verified)
        self.assertFalse(session.visitor_external_id)
        self.assertNotEqual(session.visitor_name, "Ana Pop", "a signed identity that fails is ignored whole")

    def test_verified_visitor_shown_to_the_operator_and_linked_to_earlier_conversations(self):
        first = self._chat(identity=self._identity(self.channel))
        self.assertEqual((first.visitor_name, first.visitor_email, first.visitor_external_id, first.visitor_verified),
                         ("Ana Pop", "ana@example.com", "42", True))
        self.assertEqual(first.mail_channel_id.name, "Ana Pop (verified)", "the operator's chat window says so")
        info = first._operator_info()
        self.assertEqual((info["visitor_verified"], info["visitor_email"]), (True, "ana@example.com"))
        first._end("visitor")
        anonymous = self._chat()
        forged = self._chat(identity=dict(self._identity(self.channel), name="Someone Else"))
        elsewhere = self._chat(identity=self._identity(self.channel, external_id="77", name="Other User"))
        second = self._chat(identity=self._identity(self.channel))
        self.assertEqual(second.visitor_earlier_session_ids, first)
        self.assertFalse(first.visitor_earlier_session_ids)
        for session in (anonymous, forged, elsewhere):
            self.assertNotIn(first, session.visitor_earlier_session_ids)
        self.assertFalse(forged.visitor_verified)
        self.assertTrue(forged.visitor_name.startswith("Visitor #"), forged.visitor_name)
        self.assertFalse(forged._operator_info()["visitor_verified"])
        self.assertNotIn("verified", forged.mail_channel_id.name)
        self.assertNotEqual(second.sudo().access_token, first.sudo().access_token, "each conversation its own key")

    def test_the_same_id_on_another_channel_is_another_person(self):
        other = self.channel.copy({"name": "Another site"})
        first = self._chat(identity=self._identity(self.channel))
        later = self._start_chat(other, identity=self._identity(other))
        self.assertTrue(later.visitor_verified)
        self.assertNotIn(first, later.visitor_earlier_session_ids)

    def test_unsigned_name_and_email_are_the_visitors_own_words(self):
        session = self._chat(identity={"name": "Ana\u202e Pop", "email": "ana@example.com"})
        self.assertEqual((session.visitor_name, session.visitor_email, session.visitor_verified),
                         ("Ana Pop", "ana@example.com", False))
        self.assertEqual(session.mail_channel_id.name, "Ana Pop")
        session = self._chat(identity={"name": "", "email": "not an e-mail"})
        self.assertTrue(session.visitor_name.startswith("Visitor #"))
        self.assertFalse(session.visitor_email)

    def test_only_managers_read_the_secret(self):
        channel = self.channel.sudo(self.op_anna)
        with self.assertRaises(AccessError):
            channel.read(["widget_secret"])
        self.assertNotIn("widget_secret", channel.fields_get())


@common.at_install(False)
@common.post_install(True)
class TestSignedVisitorApi(SignedVisitorMixin, VisitorMixin, common.HttpCase):
    """Over HTTP, as the widget opens a conversation (``visitor``: what the page passed to setVisitor)."""

    def setUp(self):
        super(TestSignedVisitorApi, self).setUp()
        # the server serves requests on the registry's test cursor (see TestVisitorApi)
        self.env = api.Environment(self.registry.test_cr, SUPERUSER_ID, {})
        self._setup_visitor_channel()
        self._set_online(self.op_anna, self.op_bob)
        self.env["ir.config_parameter"].sudo().set_param("livechat.rate_limit_open", "0")

    def _open(self, **payload):
        response = self._call("/livechat/api/session/open",
                              dict({"channel_id": self.channel.id, "url": "https://shop.example.com/"}, **payload))
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()

    def test_session_open_with_a_signed_visitor(self):
        data = self._open(visitor=self._identity(self.channel))
        self.assertEqual(data["visitor_name"], "Ana Pop")
        session = self.Session._find_by_token(data["token"])
        self.assertTrue(session.visitor_verified)
        forged = self._open(visitor=dict(self._identity(self.channel), id="1"))
        self.assertTrue(forged["visitor_name"].startswith("Visitor #"), forged)
        self.assertFalse(self.Session._find_by_token(forged["token"]).visitor_verified)
        # a verified identity opens nothing of another conversation: the token is the only key
        response = self._call("/livechat/api/session/history", {"token": "", "visitor": self._identity(self.channel)})
        self.assertEqual((response.status_code, response.json()["error"]["code"]), (403, "invalid_token"))

    def test_session_open_with_an_ill_formed_visitor_is_anonymous(self):
        for visitor in ("Ana", 42, ["Ana"], {"id": {"$gt": ""}, "signature": ["x"]}, {"name": ["Ana"]}):
            data = self._open(visitor=visitor)
            self.assertTrue(data["visitor_name"].startswith("Visitor #"), (visitor, data))
