"""A message is stored once, however often it is sent: the widget gives each message a client id and
sends it again with every resend of that message; the server answers a resend as it answered the first
post. Proved on a server of the test's own killed with -9 right after the message committed (before
its answer reached the visitor), on requests sent at once, and in the widget when an answer is lost."""
import json
import socket
import subprocess
import threading
import time
import uuid

import httpx
import pytest

from livechat_server import OdooServer
from test_crash_recovery import Operator, Visitor, open_session
from widget_support import Odoo

POST = "/livechat/api/session/post"


class Database(object):
    """One ``psql`` kept open on the test database: a query answered in well under a millisecond, to see
    the server's commit as soon as it happens."""

    def __init__(self, db):
        self.process = subprocess.Popen(["psql", "-X", "-q", "-t", "-A", "-d", db], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, bufsize=1)

    def value(self, query):
        """The one value of ``query`` (one row, one column)."""
        self.process.stdin.write(query.rstrip(";") + ";\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


def send_without_reading(server, payload):
    """POST ``payload`` to the visitor API on a raw socket whose answer the test never reads: for the
    visitor, the answer is lost."""
    body = json.dumps(payload).encode()
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(b"POST " + POST.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 b"Content-Type: text/plain;charset=UTF-8\r\nConnection: close\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(body) + body)
    return sock


def new_client_id():
    return uuid.uuid4().hex


@pytest.fixture
def server(db_name):
    server = OdooServer(db_name, "idempotent").start()
    yield server
    server.stop()


def test_a_resend_after_a_kill_between_commit_and_answer_is_stored_once(server, db_name):
    odoo = Odoo(server.url, db_name)
    channel_id = odoo.make_channel(rules=[{"action": "display_button"}], name="Resend Desk")
    odoo.set_admin_online()
    token = open_session(server.url, channel_id)["token"]
    visitor = Visitor(server, token)
    visitor.say("hello")  # the conversation starts
    conversation = odoo.call("livechat.session", "search_read", [("access_token", "=", token)],
                             fields=["mail_channel_id"])[0]["mail_channel_id"][0]
    database = Database(db_name)
    client_id, text = new_client_id(), "is the blue rake in stock?"
    stored = "SELECT count(*) FROM mail_message WHERE res_id = %d AND livechat_client_id = '%s'" % (
        conversation, client_id)
    try:
        sock = send_without_reading(server, {"token": token, "body": text, "client_id": client_id})
        deadline = time.monotonic() + 30
        while database.value(stored) == "0":
            assert time.monotonic() < deadline, "the message was never committed"
        server.kill9()  # the message is committed; the server dies before the visitor reads any answer
        sock.settimeout(1)
        try:
            written = sock.recv(65536)
        except OSError:
            written = b""
        sock.close()
        print("\nkilled after the commit (the server had %s its answer, which the visitor never read)" % (
            "written" if written.startswith(b"HTTP/") else "not written"))
        visitor.close()

        # the widget sends the draft again, with its client id, to the restarted server
        server.start()
        visitor, operator = Visitor(server, token), Operator(server, db_name)
        try:
            answer = visitor.api("session/post", {"body": text, "client_id": client_id})["message"]
            assert answer["body"] == text and answer["is_visitor"]
            assert database.value(stored) == "1", "the resend stored nothing"
            message_id = database.value("SELECT id FROM mail_message WHERE livechat_client_id = '%s'" % client_id)
            assert answer["id"] == int(message_id), "the answer is the first post's message"
            assert visitor.history().count(text) == 1, "the visitor's history holds it once"
            assert len([body for body in operator.thread(conversation) if text in body]) == 1, \
                "the operator's conversation holds it once"
            # and the conversation goes on
            visitor.say("thanks")
            assert visitor.history()[-2:] == [text, "thanks"]
        finally:
            visitor.close()
            operator.close()
    finally:
        database.close()
        Odoo(server.url, db_name).retire_channel(channel_id)


@pytest.fixture
def no_post_limit(odoo):
    """No messages-per-session limit during the test: each request Odoo replays counts again."""
    key = "livechat.rate_limit_post"
    previous = odoo.call("ir.config_parameter", "get_param", key)
    odoo.call("ir.config_parameter", "set_param", key, "0")
    yield
    odoo.call("ir.config_parameter", "set_param", key, previous or "60")


def test_resends_at_once_with_the_same_client_id_make_one_message(base_url, db_name, no_post_limit):
    """Eight requests with the same client id at once (a flaky network retrying): one message, and
    every request gets its answer. The first message of a session (the conversation is created:
    the others wait and are replayed by Odoo), then a later one (they meet at the unique index)."""
    odoo = Odoo(base_url, db_name)
    channel_id = odoo.make_channel(rules=[{"action": "display_button"}], name="Resend Burst Desk")
    odoo.set_admin_online()
    token = open_session(base_url, channel_id)["token"]
    try:
        with httpx.Client(base_url=base_url, timeout=60) as client:
            for text in ("first message", "a later message"):
                client_id, answers = new_client_id(), []

                def say(body=text, client_id=client_id, answers=answers):
                    response = client.post(POST, content=json.dumps(
                        {"token": token, "body": body, "client_id": client_id}))
                    answers.append((response.status_code, response.json()))

                threads = [threading.Thread(target=say) for _number in range(8)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(60)
                assert [status for status, _body in answers] == [200] * 8, answers
                assert len({json.dumps(body, sort_keys=True) for _status, body in answers}) == 1, \
                    "every request got the same answer"
            history = client.post("/livechat/api/session/history", content=json.dumps(
                {"token": token})).json()["messages"]
        assert [message["body"] for message in history if not message.get("welcome")] == \
            ["first message", "a later message"]
    finally:
        odoo.retire_channel(channel_id)


def test_the_widget_shows_a_message_once_when_its_answer_was_lost(odoo, page):
    """The server stores the message, its answer never reaches the widget (the connection is cut):
    the widget keeps it as a draft, the visitor sends it again, and the conversation shows it once,
    also after a reload."""
    channel_id = odoo.make_channel(rules=[{"action": "display_button"}], name="Lost Answer Desk")
    odoo.set_admin_online()
    posts = []

    def lose_the_first_answer(route):
        posts.append(json.loads(route.request.post_data))
        if len(posts) == 2:
            route.fetch()  # the server stores it and answers; the answer is lost on the way
            route.abort("connectionreset")
        else:
            route.continue_()

    try:
        page.goto("/livechat/support/%d" % channel_id)
        window = page.locator("[data-odoo-livechat] .lc-window")
        window.wait_for()
        textarea = window.locator("textarea")
        page.wait_for_function("t => !t.disabled", arg=textarea.element_handle())
        page.route("**" + POST, lose_the_first_answer)
        textarea.fill("hello")
        textarea.press("Enter")
        window.locator(".lc-msg-visitor[data-id]:has-text('hello')").wait_for()

        text = "do you deliver on Sundays?"
        textarea.fill(text)
        textarea.press("Enter")
        window.locator(".lc-notice:not([hidden])").wait_for()
        assert textarea.input_value() == text, "the draft is kept"
        bubbles = window.locator(".lc-msg-visitor:has-text('%s')" % text)
        # the message was stored: the widget's long-poll brings it (by id), and the draft is sent again
        window.locator(".lc-msg-visitor[data-id]:has-text('%s')" % text).wait_for()
        textarea.press("Enter")
        page.wait_for_function("t => t.value === ''", arg=textarea.element_handle())
        page.wait_for_timeout(1000)  # the resend's answer, and any event on its way
        assert len(posts) == 3
        assert posts[1]["client_id"] and posts[2]["client_id"] == posts[1]["client_id"], posts
        assert posts[0]["client_id"] != posts[1]["client_id"]
        assert bubbles.count() == 1, "shown once"
        assert window.locator(".lc-notice").is_hidden()

        page.reload()
        window.locator(".lc-msg-visitor[data-id]:has-text('hello')").wait_for()
        page.wait_for_timeout(500)
        assert window.locator(".lc-msg-visitor:has-text('%s')" % text).count() == 1, "once in the history"
    finally:
        odoo.retire_channel(channel_id)
