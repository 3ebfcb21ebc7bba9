import gzip
import json
import os

from odoo import SUPERUSER_ID, api
from odoo.tests import common
from odoo.tools import config

from ..models.livechat_input import CLIENT_ID_MAX_LENGTH, MESSAGE_MAX_LENGTH
from .visitor_common import VisitorMixin, build_geoip_database

BASE = "http://%s:%s" % (common.HOST, common.PORT)


@common.at_install(False)
@common.post_install(True)
class TestVisitorApi(VisitorMixin, common.HttpCase):
    """The visitor API over real HTTP, as a third-party page calls it: JSON in text/plain, no cookie."""

    def setUp(self):
        super(TestVisitorApi, self).setUp()
        # Odoo 11's HttpCase serves requests on the registry's test cursor, not on self.cr: the test
        # data goes there for the server to see it (all rolled back when the test mode ends)
        self.env = api.Environment(self.registry.test_cr, SUPERUSER_ID, {})
        self._setup_visitor_channel()
        self._set_online(self.op_anna, self.op_bob)
        params = self.env["ir.config_parameter"].sudo()
        for key in ("livechat.rate_limit_open", "livechat.rate_limit_post", "livechat.rate_limit_post_per_ip"):
            params.set_param(key, "0")
        # a visitor, not logged in; the test session's cookie only names the database (as a single-database
        # server would find it), so that requests reuse the pooled connections of the test database
        self.http = self.opener

    # helpers ----------------------------------------------------------------
    def _request(self, method, path, **kwargs):
        # the test cursor's commit is a savepoint: a request that fails rolls back to here, not further
        self.env.cr.commit()  # pylint: disable=invalid-commit
        response = self.http.request(method, BASE + path, timeout=30, **kwargs)
        self.env.cache.invalidate()  # the server changed the data
        return response

    def _get(self, path, **kwargs):
        return self._request("GET", path, **kwargs)

    def _call(self, path, payload, content_type="text/plain;charset=UTF-8", headers=None, raw=None):
        body = raw if raw is not None else json.dumps(payload)
        headers = dict(headers or {}, **{"Content-Type": content_type})
        return self._request("POST", path, data=body.encode(), headers=headers)

    def _ok(self, path, payload, **kwargs):
        response = self._call(path, payload, **kwargs)
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()

    def _error(self, path, payload, status, code, **kwargs):
        response = self._call(path, payload, **kwargs)
        self.assertEqual(response.status_code, status, response.text)
        error = response.json()["error"]
        self.assertEqual(error["code"], code)
        self.assertTrue(error["message"] and "Traceback" not in error["message"])
        return error

    def _init(self, url="https://shop.example.com/", **kwargs):
        return self._ok("/livechat/api/init", {"channel_id": self.channel.id, "url": url}, **kwargs)

    def _open(self, **payload):
        return self._ok("/livechat/api/session/open",
                        dict({"channel_id": self.channel.id, "url": "https://shop.example.com/tools"}, **payload))

    def _rule(self, **values):
        values = dict({"channel_id": self.channel.id, "regex_url": "/"}, **values)
        return self.env["livechat.channel.rule"].create(values)

    def _session(self, token):
        return self.env["livechat.session"]._find_by_token(token)

    # init -------------------------------------------------------------------
    def test_init_show(self):
        self._rule(action="display_button")
        data = self._init()
        self.assertTrue(data["available"] and data["show_button"])
        self.assertEqual(data["action"], "display_button")
        self.assertEqual(data["colors"], {"button-bg": "#112233", "button-fg": "#FFEEDD", "header-bg": "#445566",
                                          "header-fg": "#FFFFFF", "accent": "#445566"})
        texts = data["texts"]
        self.assertEqual((texts["button"], texts["welcome"], texts["placeholder"]),
                         ("Talk to us", "Welcome! How can we help?", "Type here..."))
        self.assertTrue(texts["send"] and texts["no_operator"] and texts["closed"])
        self.assertTrue(data["poll_url"].endswith("/longpolling/livechat/poll"))

    def test_init_and_open_survive_a_backtracking_rule_on_a_long_url(self):
        """A URL rule with nested quantifiers, a 2 kB page URL: answered like any other page."""
        self._rule(regex_url="^/(a+)+$", action="hide_button", sequence=1)
        self._rule(action="display_button", sequence=2)
        url = "https://shop.example.com/" + "a" * 2000 + "!"
        data = self._init(url=url)
        self.assertEqual(data["action"], "display_button")
        self.assertEqual(self._init(url="https://shop.example.com/aaaa")["action"], "hide_button")
        opened = self._open(url=url)
        self.assertTrue(opened["token"])

    def test_other_methods_than_post_get_a_json_405(self):
        """The API answers in JSON whatever the method: a GET typed in a browser, a PUT, a DELETE."""
        paths = ["/livechat/api/init", "/livechat/api/session/open", "/livechat/api/session/post",
                 "/livechat/api/session/history", "/livechat/api/session/leave", "/livechat/api/session/rate",
                 "/livechat/api/session/transcript", "/livechat/api/offline/send", "/livechat/api/chatbot/answer",
                 "/livechat/api/session/page"]
        for path in paths:
            for method in ("GET", "PUT", "DELETE"):
                response = self._request(method, path)
                self.assertEqual(response.status_code, 405, (method, path, response.text[:200]))
                self.assertEqual(response.json()["error"]["code"], "method_not_allowed")
                self.assertIn("POST", response.headers["Allow"])
        # the preflight a third-party page's browser sends is still answered for CORS
        response = self._request("OPTIONS", "/livechat/api/init", headers={
            "Origin": "https://shop.example.com", "Access-Control-Request-Method": "POST"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers.get("Access-Control-Allow-Origin"), "*")

    def test_init_show_with_notification(self):
        self._rule(action="display_button_and_text")
        data = self._init()
        self.assertEqual((data["action"], data["texts"]["notification"], data["show_button"]),
                         ("display_button_and_text", "Any question?", True))

    def test_init_open_automatically(self):
        self._rule(action="auto_popup", auto_popup_timer=12)
        data = self._init()
        self.assertEqual((data["action"], data["auto_popup_timer"], data["show_button"]), ("auto_popup", 12, True))

    def test_init_hide(self):
        self._rule(action="hide_button")
        data = self._init()
        self.assertEqual((data["action"], data["show_button"]), ("hide_button", False))

    def test_init_url_regex(self):
        self._rule(action="auto_popup", auto_popup_timer=3, regex_url="^/shop", sequence=1)
        self._rule(action="display_button_and_text", regex_url="/contactus", sequence=2)
        self.assertEqual(self._init("https://example.com/shop/garden?x=1")["action"], "auto_popup")
        self.assertEqual(self._init("https://example.com/contactus")["action"], "display_button_and_text")
        other = self._init("https://example.com/blog")
        self.assertEqual((other["action"], other["show_button"]), ("hide_button", False),
                         "a channel whose rules all miss the page shows no button")

    def test_init_without_rules_shows_the_button(self):
        self.assertEqual(self._init()["action"], "display_button")

    def test_init_country_from_the_request_ip_behind_a_proxy(self):
        """The country comes from the visitor's IP, as Odoo's --proxy-mode reads it from X-Forwarded-For."""
        path = build_geoip_database({"81.196.0.0/16": "RO"})
        self.addCleanup(os.unlink, path)
        for key, value in (("geoip_database", path), ("proxy_mode", True)):
            self.addCleanup(config.__setitem__, key, config.get(key))
            config[key] = value
        self._rule(action="auto_popup", auto_popup_timer=5, sequence=1,
                   country_ids=[(6, 0, [self.env.ref("base.ro").id])])
        self._rule(action="display_button", sequence=2)
        proxy = {"X-Forwarded-Host": "%s:%s" % (common.HOST, common.PORT)}
        romanian = self._init(headers=dict(proxy, **{"X-Forwarded-For": "81.196.0.1"}))
        self.assertEqual((romanian["country_code"], romanian["action"]), ("RO", "auto_popup"))
        other = self._init(headers=dict(proxy, **{"X-Forwarded-For": "10.1.2.3"}))
        self.assertEqual((other["country_code"], other["action"]), (None, "display_button"))
        session = self._session(self._open_behind_proxy(proxy)["token"])
        self.assertEqual(session.country_id, self.env.ref("base.ro"))

    def test_x_forwarded_for_alone_is_honoured_in_proxy_mode_only(self):
        """A proxy that sends only X-Forwarded-For (no X-Forwarded-Host, which Odoo 11 waits for):
        the visitor's address still gives the country, and only under --proxy-mode."""
        path = build_geoip_database({"81.196.0.0/16": "RO"})
        self.addCleanup(os.unlink, path)
        self.addCleanup(config.__setitem__, "geoip_database", config.get("geoip_database"))
        config["geoip_database"] = path
        headers = {"X-Forwarded-For": "10.9.8.7, 81.196.0.1"}  # the last one: the proxy's own addition
        self.assertIsNone(self._init(headers=headers)["country_code"], "not trusted without --proxy-mode")
        self.addCleanup(config.__setitem__, "proxy_mode", config.get("proxy_mode"))
        config["proxy_mode"] = True
        self.assertEqual(self._init(headers=headers)["country_code"], "RO")
        session = self._session(self._ok("/livechat/api/session/open", {
            "channel_id": self.channel.id, "url": "https://x.org/"}, headers=headers)["token"])
        self.assertEqual(session.country_id, self.env.ref("base.ro"))

    def test_poll_url_behind_a_proxy_is_the_address_the_visitor_reached(self):
        """The proxy serves /longpolling/ where the visitor reached it: scheme and host forwarded."""
        headers = {"X-Forwarded-For": "81.196.0.1", "X-Forwarded-Proto": "https",
                   "X-Forwarded-Host": "chat.example.com:8443"}
        here = "http://%s:%s/longpolling/livechat/poll" % (common.HOST, common.PORT)
        self.assertEqual(self._init(headers=headers)["poll_url"], here, "not trusted without --proxy-mode")
        self.addCleanup(config.__setitem__, "proxy_mode", config.get("proxy_mode"))
        config["proxy_mode"] = True
        self.assertEqual(self._init(headers=headers)["poll_url"],
                         "https://chat.example.com:8443/longpolling/livechat/poll")
        headers["X-Forwarded-Host"] = "chat.example.com"
        self.assertEqual(self._init(headers=headers)["poll_url"], "https://chat.example.com/longpolling/livechat/poll")
        self.env["ir.config_parameter"].sudo().set_param("livechat.longpolling_url", "https://poll.example.com/")
        self.assertEqual(self._init(headers=headers)["poll_url"], "https://poll.example.com/longpolling/livechat/poll",
                         "the system parameter, when set, wins")

    def _open_behind_proxy(self, proxy):
        return self._ok("/livechat/api/session/open", {"channel_id": self.channel.id, "url": "https://x.org/"},
                        headers=dict(proxy, **{"X-Forwarded-For": "81.196.0.1"}))

    def test_init_nobody_available_hides_the_button(self):
        self._set_offline(self.op_anna, self.op_bob)
        data = self._init()
        self.assertEqual((data["available"], data["show_button"]), (False, False))

    def test_init_unknown_or_archived_channel(self):
        self._error("/livechat/api/init", {"channel_id": 999999, "url": "/"}, 404, "channel_not_found")
        self.channel.active = False
        self._error("/livechat/api/init", {"channel_id": self.channel.id, "url": "/"}, 404, "channel_not_found")

    def test_bad_input_is_refused_readably(self):
        self._error("/livechat/api/init", None, 400, "invalid_json", raw="{not json")
        self._error("/livechat/api/init", None, 400, "invalid_json", raw="[1, 2]")
        self._error("/livechat/api/init", {"url": "/"}, 400, "invalid_channel_id")
        self._error("/livechat/api/init", {"channel_id": "abc"}, 400, "invalid_channel_id")
        self._error("/livechat/api/init", None, 413, "request_too_large", raw="x" * (70 * 1024))

    def test_application_json_is_accepted_too(self):
        data = self._init(content_type="application/json")
        self.assertTrue(data["show_button"])
        opened = self._ok("/livechat/api/session/open", {"channel_id": self.channel.id},
                          content_type="application/json; charset=utf-8")
        self.assertTrue(opened["token"])

    def test_cors_for_third_party_pages_and_no_cookie(self):
        response = self._call("/livechat/api/init", {"channel_id": self.channel.id, "url": "/"},
                              headers={"Origin": "https://other-site.example"})
        self.assertEqual(response.headers.get("Access-Control-Allow-Origin"), "*")
        self.assertNotIn("Access-Control-Allow-Credentials", response.headers)
        self.assertNotIn("Set-Cookie", response.headers)
        preflight = self._request("OPTIONS", "/livechat/api/session/post", headers={
            "Origin": "https://other-site.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        self.assertEqual(preflight.status_code, 200)
        self.assertEqual(preflight.headers.get("Access-Control-Allow-Origin"), "*")
        self.assertIn("POST", preflight.headers.get("Access-Control-Allow-Methods", ""))
        backend = self._get("/web/login", headers={"Origin": "https://other-site.example"})
        self.assertNotIn("Access-Control-Allow-Origin", backend.headers, "CORS only where third-party pages need it")

    # open, post, history, leave, poll ----------------------------------------
    def test_conversation_flow(self):
        opened = self._open(visitor_uid="browser-42")
        self.assertTrue(opened["available"])
        self.assertIn(opened["operator_name"], ("Anna", "Bob Marin"))
        self.assertRegex(opened["visitor_name"], r"^Visitor #\d+$")
        self.assertEqual(opened["messages"], [])
        token, cursor = opened["token"], opened["cursor"]
        session = self._session(token)
        self.assertEqual((session.page_url, session.visitor_uid, session.state),
                         ("https://shop.example.com/tools", "browser-42", "open"))
        self.assertIn("python-requests", session.user_agent)

        posted = self._ok("/livechat/api/session/post", {"token": token, "body": "  Do you sell <b>rakes</b>?  "})
        self.assertEqual((posted["message"]["body"], posted["message"]["is_visitor"]),
                         ("Do you sell <b>rakes</b>?", True))
        stored = self.env["mail.message"].browse(posted["message"]["id"])
        self.assertIn("&lt;b&gt;rakes&lt;/b&gt;", stored.body, "operators see the text, never markup")

        session.mail_channel_id.sudo(session.operator_id).message_post(
            body="<p>Yes, <i>many</i>!</p>", message_type="comment", subtype="mail.mt_comment")
        polled = self._ok("/longpolling/livechat/poll", {"token": token, "last": cursor})
        bodies = [event["message"]["body"] for event in polled["events"] if event["type"] == "message"]
        self.assertEqual(bodies, ["Welcome! How can we help?", "Do you sell <b>rakes</b>?", "Yes, many!"],
                         "the channel's welcome, stored in the operator's name when the visitor first wrote")
        self.assertGreater(polled["cursor"], cursor)
        again = self._ok("/longpolling/livechat/poll", {"token": token, "last": polled["cursor"]})
        self.assertEqual(again["events"], [])

        history = self._ok("/livechat/api/session/history", {"token": token})
        self.assertEqual([(m["body"], m["is_visitor"]) for m in history["messages"]],
                         [("Welcome! How can we help?", False), ("Do you sell <b>rakes</b>?", True),
                          ("Yes, many!", False)])
        after = self._ok("/livechat/api/session/history", {"token": token, "after_id": posted["message"]["id"]})
        self.assertEqual([m["body"] for m in after["messages"]], ["Yes, many!"])

        self.assertEqual(self._ok("/livechat/api/session/leave", {"token": token})["state"], "closed")
        self.assertEqual((session.state, bool(session.end_date)), ("closed", True))
        operator_view = session.mail_channel_id.sudo().message_ids[0]
        self.assertIn("left the conversation", operator_view.body)
        self._error("/livechat/api/session/post", {"token": token, "body": "hello?"}, 403, "session_closed")
        closed = self._ok("/livechat/api/session/history", {"token": token})
        self.assertEqual(closed["state"], "closed")

    def test_nobody_available_on_open(self):
        self._set_offline(self.op_anna, self.op_bob)
        data = self._open()
        self.assertFalse(data["available"])
        self.assertNotIn("token", data)
        self.assertTrue(data["message"])

    def test_wrong_token_is_refused(self):
        mine = self._open()["token"]
        self._open()  # another visitor's session
        for path, payload in (("/livechat/api/session/post", {"body": "hi"}),
                              ("/livechat/api/session/history", {}),
                              ("/livechat/api/session/leave", {}),
                              ("/longpolling/livechat/poll", {"last": 0})):
            for token in ("not-a-token", mine[:-1], "", None, 42):
                self._error(path, dict(payload, token=token), 403, "invalid_token")
        self.assertEqual(self._session(mine).state, "open")

    def test_the_answer_of_a_post_is_the_payload_the_bus_carries(self):
        token = self._open()["token"]
        answer = self._ok("/livechat/api/session/post", {"token": token, "body": "Hello <b>there</b>\n\nsecond"})
        session = self._session(token)
        events = [event["message"] for event in self._bus_messages(session) if event.get("type") == "message"]
        welcome = events.pop(0)
        self.assertTrue(welcome["welcome"], "the stored welcome comes first")
        self.assertEqual(events, [answer["message"]], "one message, the same payload on the bus and in the answer")
        history = self._ok("/livechat/api/session/history", {"token": token})["messages"]
        self.assertEqual(history, [welcome, answer["message"]], "and in the history")

    def test_messages_are_capped(self):
        token = self._open()["token"]
        error = self._error("/livechat/api/session/post", {"token": token, "body": "x" * (MESSAGE_MAX_LENGTH + 1)},
                            413, "message_too_long")
        self.assertIn(str(MESSAGE_MAX_LENGTH), error["message"])
        self._error("/livechat/api/session/post", {"token": token, "body": "   "}, 400, "empty_message")
        # a body of the wrong type is named as such, not taken for an empty message
        for wrong in (["list"], 42, {"text": "hi"}, True):
            error = self._error("/livechat/api/session/post", {"token": token, "body": wrong}, 400, "invalid_body")
            self.assertIn("body", error["message"])
        self._ok("/livechat/api/session/post", {"token": token, "body": "x" * MESSAGE_MAX_LENGTH})
        self.assertEqual(len(self._ok("/livechat/api/session/history", {"token": token})["messages"]), 2,
                         "the welcome and the one message")

    # a message's client id: a resend is stored once --------------------------
    def _post(self, token, body, **payload):
        return self._ok("/livechat/api/session/post", dict(payload, token=token, body=body))["message"]

    def _history(self, token):
        """The messages of the conversation, the stored welcome aside (the channel's, not the visitor's)."""
        return [message for message in self._ok("/livechat/api/session/history", {"token": token})["messages"]
                if not message.get("welcome")]

    def test_a_resend_with_the_same_client_id_is_stored_once_and_gets_the_first_answer(self):
        token = self._open()["token"]
        # the first message (it starts the conversation), then a later one: each sent twice
        for body, client_id in (("Hello", "first-4f2a"), ("Any rakes?", "9b1c0e7d" * 4)):
            first = self._post(token, body, client_id=client_id)
            again = self._post(token, body, client_id=client_id)
            self.assertEqual(again, first, "the same answer: same message id, text, author and date")
            # the text of a resend is not compared: the message is the one sent first
            self.assertEqual(self._post(token, body + " (edited)", client_id=client_id), first)
        session = self._session(token)
        self.assertEqual([message.body for message in self._conversation_messages(session)
                          if not message.livechat_welcome],
                         ["<p>Hello</p>", "<p>Any rakes?</p>"], "the operator's side holds each message once")
        self.assertEqual([message["body"] for message in self._history(token)], ["Hello", "Any rakes?"])
        events = [event for event in self._bus_messages(session)
                  if event.get("type") == "message" and not event["message"].get("welcome")]
        self.assertEqual([event["message"]["body"] for event in events], ["Hello", "Any rakes?"],
                         "the widget and the operator were told once")

    def test_different_client_ids_or_sessions_are_different_messages(self):
        token, other = self._open()["token"], self._open()["token"]
        first = self._post(token, "ok", client_id="a1")
        second = self._post(token, "ok", client_id="a2")
        self.assertNotEqual(first["id"], second["id"])
        self.assertEqual([message["body"] for message in self._history(token)], ["ok", "ok"])
        # a client id is unique per session: another visitor's widget may give the same
        elsewhere = self._post(other, "ok", client_id="a1")
        self.assertNotIn(elsewhere["id"], (first["id"], second["id"]))
        self.assertEqual(len(self._history(other)), 1)

    def test_without_client_id_a_post_works_as_before(self):
        """Older widgets send none: each post is a message (a resend is then stored twice)."""
        token = self._open()["token"]
        first = self._post(token, "hi")
        self.assertNotEqual(self._post(token, "hi", client_id=None)["id"], first["id"])
        self.assertEqual([message["body"] for message in self._history(token)], ["hi", "hi"])
        self.assertFalse(self.env["mail.message"].browse(first["id"]).livechat_client_id)

    def test_an_invalid_client_id_is_refused_by_name(self):
        token = self._open()["token"]
        longest = "x" * CLIENT_ID_MAX_LENGTH
        self.assertEqual(self._post(token, "longest", client_id=longest)["body"], "longest")
        for client_id in (longest + "x", "", "has space", "naïve", "a/b", "a\nb", 42, True, ["a1"], {"id": "a1"}):
            error = self._error("/livechat/api/session/post", {"token": token, "body": "hi", "client_id": client_id},
                                400, "invalid_client_id")
            self.assertIn("client_id", error["message"])
            self.assertIn(str(CLIENT_ID_MAX_LENGTH), error["message"])
        self.assertEqual([message["body"] for message in self._history(token)], ["longest"])

    # loader, widget assets, pages --------------------------------------------
    def test_loader_script(self):
        response = self._get("/livechat/loader/%d.js" % self.channel.id)
        self.assertEqual(response.status_code, 200)
        self.assertIn("javascript", response.headers["Content-Type"])
        self.assertEqual(response.headers.get("Access-Control-Allow-Origin"), "*")
        self.assertNotIn("Set-Cookie", response.headers)
        self.assertIn("channelId: %d" % self.channel.id, response.text)
        version = response.text.split('version: "')[1].split('"')[0]
        self.assertIn("/livechat/widget/%s/widget.js" % version, response.text)
        self.assertIn('m.type = "module"', response.text)

    def test_loader_of_unknown_or_archived_channel_is_a_no_op_script(self):
        for channel_id in (999999, self.channel.id):
            if channel_id == self.channel.id:
                self.channel.active = False
            response = self._get("/livechat/loader/%d.js" % channel_id)
            self.assertEqual(response.status_code, 200)
            self.assertIn("javascript", response.headers["Content-Type"])
            self.assertTrue(response.text.startswith("/*") and response.text.rstrip().endswith("*/"))

    def test_widget_assets_are_versioned_cached_and_gzipped(self):
        loader = self._get("/livechat/loader/%d.js" % self.channel.id, headers={"Accept-Encoding": "identity"}).text
        version = loader.split('version: "')[1].split('"')[0]
        total_gzip = len(gzip.compress(loader.encode(), 9))
        for name, mimetype in (("widget.js", "javascript"), ("window.js", "javascript"), ("widget.css", "text/css")):
            url = "/livechat/widget/%s/%s" % (version, name)
            plain = self._get(url, headers={"Accept-Encoding": "identity"})
            self.assertEqual(plain.status_code, 200)
            self.assertIn(mimetype, plain.headers["Content-Type"])
            self.assertIn("immutable", plain.headers["Cache-Control"])
            self.assertEqual(plain.headers.get("Access-Control-Allow-Origin"), "*")
            raw = self._get(url, headers={"Accept-Encoding": "gzip"}, stream=True).raw
            self.assertEqual(raw.headers.get("Content-Encoding"), "gzip")
            compressed = raw.read(decode_content=False)
            self.assertEqual(gzip.decompress(compressed), plain.content)
            if name == "widget.js":
                total_gzip += len(compressed)
                # the stylesheet travels inside the module: no request of its own before the button shows
                css = self._get("/livechat/widget/%s/widget.css" % version).text
                self.assertIn(json.dumps(css).encode(), plain.content)
            if name == "window.js":
                # the chat's window, loaded when it opens, takes what it needs of the core from the core's module
                self.assertIn(b'from "./widget.js";', plain.content)
                self.assertIn(b"class LivechatWidget", plain.content)
        self.assertLessEqual(total_gzip, 15 * 1024, "loader + widget (its CSS inlined) stay under 15 kB gzipped")
        stale = self._get("/livechat/widget/0000/widget.js")
        self.assertEqual(stale.headers["Cache-Control"], "no-cache")

    def test_direct_chat_page(self):
        response = self._get("/livechat/support/%d" % self.channel.id)
        self.assertEqual(response.status_code, 200)
        self.assertIn("/livechat/loader/%d.js?page=1" % self.channel.id, response.text)
        self.assertIn("<title>Visitor Test Channel</title>", response.text)
        missing = self._get("/livechat/support/999999")
        self.assertEqual(missing.status_code, 404)
        self.assertNotIn("/livechat/loader/", missing.text)

    def test_demo_page_embeds_the_snippet(self):
        response = self._get("/livechat/demo?channel_id=%d" % self.channel.id)
        self.assertEqual(response.status_code, 200)
        self.assertRegex(response.text, r'<script defer="defer" src="http://[^"]+/livechat/loader/%d\.js">'
                         % self.channel.id)
        self.assertIn("&lt;script src=", response.text)

    def test_website_pages_carry_the_widget_of_the_website_channel(self):
        website = self.env["website"].search([], limit=1)
        website.livechat_channel_id = self.channel
        page = self._get("/")
        self.assertEqual(page.status_code, 200)
        self.assertIn('/livechat/loader/%d.js"' % self.channel.id, page.text)
        website.livechat_channel_id = False
        self.assertNotIn("/livechat/loader/", self._get("/").text)
