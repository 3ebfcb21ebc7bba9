"""No loss: what the server acknowledged is committed. A server of the test's own is killed with -9 in the
middle of a conversation (a message on its way, the visitor's long-poll waiting), restarted, and both
sides read the complete history: the visitor through the visitor API, the operator through the calls
of his Odoo chat window (JSON-RPC, logged in)."""
import json
import threading
import time

import httpx
import pytest

from livechat_server import OdooServer
from widget_support import Odoo


def open_session(url, channel_id):
    """A visitor opens a chat on ``channel_id`` of the server at ``url``: its answer (an operator took it)."""
    opened = httpx.post(url + "/livechat/api/session/open", timeout=30, content=json.dumps(
        {"channel_id": channel_id, "url": "https://shop.example.com/"})).json()
    assert opened["available"], opened
    return opened


class Operator(object):
    """The administrator in Odoo's web client: JSON-RPC calls with his session cookie."""

    def __init__(self, server, db):
        self.client = httpx.Client(base_url=server.url, timeout=30)
        result = self.rpc("/web/session/authenticate", {"db": db, "login": "admin", "password": "admin"})
        assert result["uid"]

    def rpc(self, path, params):
        response = self.client.post(path, json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})
        body = response.json()
        assert "error" not in body, body
        return body["result"]

    def call(self, model, method, args, kwargs=None):
        return self.rpc("/web/dataset/call_kw/%s/%s" % (model, method), {
            "model": model, "method": method, "args": args, "kwargs": kwargs or {}})

    def say(self, channel_id, text):
        """What the chat window's composer does."""
        return self.call("mail.channel", "message_post", [channel_id], {
            "body": text, "message_type": "comment", "subtype": "mail.mt_comment"})

    def thread(self, channel_id):
        """The messages the chat window shows (oldest first), as plain text."""
        messages = self.call("mail.channel", "channel_fetch_message", [[channel_id]], {"limit": 200})
        return [message["body"] for message in reversed(messages)]

    def close(self):
        self.client.close()


class Visitor(object):
    def __init__(self, server, token):
        self.client = httpx.Client(base_url=server.url, timeout=60)
        self.token = token

    def api(self, path, payload):
        """As the widget does: over the rate limit (the burst below), wait what the server says."""
        response = self.client.post("/livechat/api/" + path, content=json.dumps(dict(payload, token=self.token)))
        for _retry in range(5):
            if response.status_code != 429:
                break
            time.sleep(int(response.headers["Retry-After"]))
            response = self.client.post("/livechat/api/" + path, content=json.dumps(dict(payload, token=self.token)))
        assert response.status_code == 200, response.text
        return response.json()

    def say(self, text):
        return self.api("session/post", {"body": text})["message"]

    def history(self):
        return [message["body"] for message in self.api("session/history", {})["messages"]]

    def close(self):
        self.client.close()


@pytest.fixture
def server(db_name):
    server = OdooServer(db_name, "crash").start()
    yield server
    server.stop()


def test_kill_9_mid_conversation_loses_nothing_acknowledged(server, db_name):
    odoo = Odoo(server.url, db_name)
    channel_id = odoo.make_channel(rules=[{"action": "display_button"}], name="Crash Desk")
    odoo.set_admin_online()
    token = open_session(server.url, channel_id)["token"]
    visitor, operator = Visitor(server, token), Operator(server, db_name)
    acknowledged = [visitor.say("hello")["body"]]  # the conversation starts with the visitor's first message
    conversation = odoo.call("livechat.session", "search_read", [("access_token", "=", token)],
                             fields=["mail_channel_id"])[0]["mail_channel_id"][0]
    for number in range(5):
        acknowledged.append(visitor.say("visitor %d" % number)["body"])
        text = "operator %d" % number
        operator.say(conversation, text)
        acknowledged.append(text)

    # when the server dies, the visitor keeps writing, and another visitor's long-poll is waiting
    waiting = open_session(server.url, channel_id)
    poll_error = []

    def long_poll():
        try:
            httpx.post(server.url + "/longpolling/livechat/poll", timeout=60,
                       content=json.dumps({"token": waiting["token"], "last": waiting["cursor"]}))
        except httpx.HTTPError as error:
            poll_error.append(error)

    poller = threading.Thread(target=long_poll)
    poller.start()
    in_flight, stop = [], threading.Event()

    def keep_writing():
        number = 0
        while not stop.is_set():
            text = "burst %d" % number
            number += 1
            try:
                response = visitor.client.post("/livechat/api/session/post", timeout=10,
                                               content=json.dumps({"token": token, "body": text}))
            except httpx.HTTPError:
                in_flight.append(text)  # no answer: not acknowledged
                return
            if response.status_code == 200:
                acknowledged.append(text)
            time.sleep(0.03)  # a fast typist, under the per-session rate limit until the kill

    writer = threading.Thread(target=keep_writing)
    writer.start()
    time.sleep(1.5)
    server.kill9()
    stop.set()
    writer.join(timeout=30)
    poller.join(timeout=30)
    assert poll_error, "the waiting long-poll was cut by the crash"
    assert any(text.startswith("burst") for text in acknowledged), "messages were acknowledged during the burst"
    print("\nkill -9 after %d acknowledged messages (%d in the burst), %d on its way" % (
        len(acknowledged), len([text for text in acknowledged if text.startswith("burst")]), len(in_flight)))
    visitor.close()
    operator.close()

    # restart on the same database: both sides read everything that was acknowledged, in order
    server.start()
    visitor, operator = Visitor(server, token), Operator(server, db_name)
    try:
        history = visitor.history()
        window = operator.thread(conversation)
        assert [text for text in history if text in acknowledged] == acknowledged
        window_texts = [body for body in window]
        for text in acknowledged:
            assert any(text in body for body in window_texts), "%r missing on the operator's side" % text
        # a message on its way when the server died is either there completely, or not at all
        for text in in_flight:
            assert history.count(text) <= 1

        # the conversation goes on live: the widget's long-poll, from the cursor of its catch-up
        cursor = visitor.api("session/history", {})["cursor"]
        operator.say(conversation, "we are back")
        events = visitor.client.post("/longpolling/livechat/poll", timeout=60, content=json.dumps(
            {"token": token, "last": cursor})).json()["events"]
        assert "we are back" in [event["message"]["body"] for event in events if event["type"] == "message"]
        visitor.say("great")
        assert visitor.history()[-1] == "great"
        assert any("great" in body for body in operator.thread(conversation))
    finally:
        visitor.close()
        operator.close()
        Odoo(server.url, db_name).retire_channel(channel_id)
