"""Scale out: two Odoo prefork servers (each with its gevent long-polling process) on one database,
behind Debian's nginx balancing both, round robin, no stickiness, with the configuration the README
shows (``deploy/nginx-livechat-two-servers.conf``, only its addresses and certificate changed).

A visitor served by server A and an operator by server B chat both ways (the bus crosses servers by
PostgreSQL's NOTIFY); presence and rate limits are the same seen from both; and when server A is
killed mid-conversation, nginx sends everything to B: the visitor's posts go on, each stored once, and
his long-poll catches up with what the operator wrote meanwhile."""
import json
import os
import threading
import time

import httpx
import pytest

from livechat_server import ROOT, OdooServer
from nginx_proxy import NGINX, Nginx, readme_showing
from widget_support import Odoo

CONFIG = os.path.join(ROOT, "deploy", "nginx-livechat-two-servers.conf")
POLL_PATH = "/longpolling/livechat/poll"
# each server's options beyond the test's usual ones (a server of tests/livechat_server.py), as the
# README's command line gives them
SERVER_ARGS = ["--db_maxconn=16", "--load=base,web,livechat"]
LOWERED_INIT_LIMIT = 10  # widget start-ups a minute per address: the 11th is refused (burst of 10)


@pytest.fixture(scope="module")
def servers(db_name):
    started = []
    try:
        for name in ("two-a", "two-b"):
            started.append(OdooServer(db_name, name, proxy_mode=True, workers=2, extra_args=SERVER_ARGS).start())
        yield started
    finally:
        for server in started:
            server.stop()


@pytest.fixture(scope="module")
def nginx(servers):
    if not os.path.exists(NGINX):
        pytest.fail("%s is missing: tools/setup.sh installs Debian's nginx" % NGINX)
    a, b = servers
    proxy = Nginx(CONFIG, [
        ("server 10.0.0.11:8069 ", "server 127.0.0.1:%d " % a.port),
        ("server 10.0.0.12:8069 ", "server 127.0.0.1:%d " % b.port),
        ("server 10.0.0.11:8072 ", "server 127.0.0.1:%d " % a.longpolling_port),
        ("server 10.0.0.12:8072 ", "server 127.0.0.1:%d " % b.longpolling_port),
    ]).start()
    yield proxy
    proxy.stop()


@pytest.fixture(scope="module")
def rpc(servers, db_name):
    """The administrator, through server A and through server B."""
    return [Odoo(server.url, db_name) for server in servers]


@pytest.fixture(scope="module")
def channel_id(rpc):
    channel = rpc[0].make_channel(rules=[{"action": "display_button"}], name="Two Servers Desk")
    yield channel
    rpc[1].retire_channel(channel)


class Visitor(object):
    """The widget's calls, to one base URL (a server, or nginx)."""

    def __init__(self, base_url, token=None, longpolling_url=None):
        self.client = httpx.Client(base_url=base_url, timeout=60, verify=False)  # the test's own certificate
        self.longpolling_url = longpolling_url or base_url
        self.token = token

    def api(self, path, payload, url=None):
        response = self.client.post((url or "") + "/livechat/api/" + path,
                                    content=json.dumps(dict(payload, token=self.token)))
        assert response.status_code == 200, (path, response.status_code, response.text)
        return response.json()

    def open(self, channel):
        answer = self.client.post("/livechat/api/session/open", content=json.dumps(
            {"channel_id": channel, "url": "https://shop.example.com/"}))
        assert answer.status_code == 200, answer.text
        assert answer.json()["available"], answer.text
        self.token = answer.json()["token"]
        return self

    def say(self, text, client_id):
        return self.api("session/post", {"body": text, "client_id": client_id})["message"]

    def history(self):
        return self.api("session/history", {})

    def poll(self, last):
        response = self.client.post(self.longpolling_url + POLL_PATH, timeout=70,
                                    content=json.dumps({"token": self.token, "last": last}))
        assert response.status_code == 200, response.text
        return [event["message"]["body"] for event in response.json()["events"] if event["type"] == "message"]

    def close(self):
        self.client.close()


def conversation_of(odoo, token):
    return odoo.call("livechat.session", "search_read", [("access_token", "=", token)],
                     fields=["mail_channel_id"])[0]["mail_channel_id"][0]


def operator_says(odoo, conversation, text):
    odoo.call("mail.channel", "message_post", [conversation], body=text, message_type="comment",
              subtype="mail.mt_comment")


def operator_reads(odoo, conversation):
    return [message["body"] for message in
            odoo.call("mail.channel", "channel_fetch_message", [conversation], limit=200)]


def assert_gone(server, timeout=20):
    """Its workers, orphaned, notice their master is gone and exit: the port then refuses connections."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(server.url + "/web/webclient/version_info", timeout=2)
        except httpx.ConnectError:
            return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("server %s still answers after its master was killed" % server.name)


def test_readme_shows_the_configuration_the_test_runs():
    readme = readme_showing(CONFIG)
    section = readme.split("Several Odoo servers\n", 1)[1].split("\nConfiguration\n", 1)[0]
    command = section.split("odoo-bin ", 1)[1].split("\n\n", 1)[0].split()
    for option in SERVER_ARGS + ["--proxy-mode", "--workers=2"]:
        assert option in command, "README.rst's command line for several servers lacks %s" % option


def test_visitor_on_server_a_and_operator_on_server_b_chat_both_ways(servers, rpc, channel_id):
    a, b = servers
    via_a, via_b = rpc
    via_b.set_admin_online()
    counts = [odoo.read("livechat.channel", channel_id, ["available_operator_count"])["available_operator_count"]
              for odoo in rpc]
    assert counts[0] >= 1 and counts[0] == counts[1], "presence is the same seen from both servers: %s" % counts

    visitor = Visitor(a.url, longpolling_url=a.longpolling_url).open(channel_id)
    try:
        visitor.say("Hello, I am on server A", "two-a-1")
        conversation = conversation_of(via_b, visitor.token)
        assert any("Hello, I am on server A" in body for body in operator_reads(via_b, conversation))
        cursor = visitor.history()["cursor"]
        operator_says(via_b, conversation, "Answered from server B")
        # the widget's long-poll waits on A's gevent process; B's post reaches it by NOTIFY
        assert "Answered from server B" in visitor.poll(cursor)
    finally:
        visitor.close()


def test_rate_limits_are_shared_by_both_servers(servers, rpc, channel_id):
    key = "livechat.rate_limit_init"
    previous = rpc[0].call("ir.config_parameter", "get_param", key)
    rpc[0].call("ir.config_parameter", "set_param", key, str(LOWERED_INIT_LIMIT))
    headers = {"X-Forwarded-For": "198.51.100.77", "Content-Type": "text/plain"}  # one visitor's address
    body = json.dumps({"channel_id": channel_id, "url": "/shop"})
    try:
        statuses = [httpx.post(servers[number % 2].url + "/livechat/api/init", content=body, headers=headers,
                               timeout=30).status_code for number in range(LOWERED_INIT_LIMIT)]
        assert statuses == [200] * LOWERED_INIT_LIMIT, "half on A, half on B"
        for server in servers:
            assert httpx.post(server.url + "/livechat/api/init", content=body, headers=headers,
                              timeout=30).status_code == 429, "the limit bites on either server"
    finally:
        rpc[0].call("ir.config_parameter", "set_param", key, previous)


def test_server_a_killed_mid_conversation_nginx_fails_over_and_nothing_is_lost(servers, nginx, rpc, channel_id):
    a, b = servers
    via_b = rpc[1]
    via_b.set_admin_online()
    visitor = Visitor(nginx.url).open(channel_id)
    try:
        sent = ["before %d" % number for number in range(4)]  # round robin: two on each server
        for number, text in enumerate(sent):
            visitor.say(text, "two-before-%d" % number)
        conversation = conversation_of(via_b, visitor.token)
        operator_says(via_b, conversation, "I am looking into it")
        cursor = visitor.history()["cursor"]

        # a long-poll is waiting (on A or B) when A dies
        polled = []
        poller = threading.Thread(target=lambda: polled.append(
            httpx.post(nginx.url + POLL_PATH, verify=False, timeout=70,
                       content=json.dumps({"token": visitor.token, "last": cursor})).status_code))
        poller.start()
        a.kill9()
        assert_gone(a)
        after = ["after %d" % number for number in range(4)]
        for number, text in enumerate(after):  # every one served, by B
            visitor.say(text, "two-after-%d" % number)
        operator_says(via_b, conversation, "Found it, after the crash")
        poller.join(timeout=80)
        assert not poller.is_alive()

        # the widget polls again, from its cursor: it catches up through nginx
        caught_up = visitor.poll(cursor)
        assert "Found it, after the crash" in caught_up
        history = [message["body"] for message in visitor.history()["messages"]]
        for text in sent + after:
            assert history.count(text) == 1, "%r stored %d times" % (text, history.count(text))
        operator_side = operator_reads(via_b, conversation)
        for text in sent + after:
            assert sum(text in body for body in operator_side) == 1, text
    finally:
        visitor.close()
