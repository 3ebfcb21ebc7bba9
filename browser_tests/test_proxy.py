"""Behind a real reverse proxy: Debian's nginx, over https, in front of a prefork Odoo server.

The test starts its own topology: a prefork server (``--workers=2``, ``--proxy-mode``, its gevent
long-polling port) on the test database, and nginx with the configuration the README shows
(``deploy/nginx-livechat.conf``), of which only the ports and the certificate (self-signed, made
here with ``openssl``) change. A visitor chats with an operator through it both ways; visitors at
different addresses have rate-limit buckets of their own; and ``X-Forwarded-For`` alone is honoured
under ``--proxy-mode`` only (``patches/http_dispatch.py``).
"""
import http.client
import json
import os
import ssl
import time

import pytest

from conftest import ConsoleErrors, login
from livechat_server import ROOT, OdooServer
from nginx_proxy import NGINX, Nginx, readme_showing
from widget_support import Odoo

CONFIG = os.path.join(ROOT, "deploy", "nginx-livechat.conf")
WAIT = 30000  # ms: bounds a broken run only
OPERATOR_CHAT_NAME = "Petra behind the Proxy"
POLL_PATH = "/longpolling/livechat/poll"
LOWERED_INIT_LIMIT = 10  # widget start-ups a minute per address: the 11th is refused (burst of 10)


@pytest.fixture(scope="module")
def upstream(db_name):
    # as the README's deployment section says: the addon loaded by every process from its start
    server = OdooServer(db_name, "proxy", proxy_mode=True, workers=2, extra_args=["--load=base,web,livechat"]).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def nginx(upstream):
    if not os.path.exists(NGINX):
        pytest.fail("%s is missing: tools/setup.sh installs Debian's nginx" % NGINX)
    proxy = Nginx(CONFIG, [("server 127.0.0.1:8069;", "server 127.0.0.1:%d;" % upstream.port),
                           ("server 127.0.0.1:8072;", "server 127.0.0.1:%d;" % upstream.longpolling_port)]).start()
    yield proxy
    proxy.stop()


@pytest.fixture(scope="module")
def rpc(upstream, db_name):
    return Odoo(upstream.url, db_name)


@pytest.fixture
def lowered_init_limit(rpc):
    """``livechat.rate_limit_init`` at LOWERED_INIT_LIMIT for the test, as it was afterwards."""
    key = "livechat.rate_limit_init"
    previous = rpc.call("ir.config_parameter", "get_param", key)
    rpc.call("ir.config_parameter", "set_param", key, str(LOWERED_INIT_LIMIT))
    yield LOWERED_INIT_LIMIT
    rpc.call("ir.config_parameter", "set_param", key, previous)  # False: unset again


@pytest.fixture(scope="module")
def channel_id(rpc):
    channel = rpc.make_channel(rules=[{"action": "display_button"}], name="Proxy Desk")
    yield channel
    rpc.retire_channel(channel)


def https_connection(proxy, source):
    """An https connection to nginx from the loopback address ``source`` (nginx's ``$remote_addr``)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's self-signed certificate
    return http.client.HTTPSConnection("127.0.0.1", proxy.port, timeout=30, context=context,
                                       source_address=(source, 0))


def http_connection(url, source):
    """A plain HTTP connection to the Odoo server at ``url``, from the loopback address ``source``."""
    host, port = url.split("//", 1)[1].split(":")
    return http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source, 0))


def init(connection, channel, headers=None):
    """The widget's start-up, on ``connection``: (status, answer)."""
    connection.request("POST", "/livechat/api/init", body=json.dumps({"channel_id": channel, "url": "/shop"}),
                       headers=dict({"Content-Type": "text/plain"}, **(headers or {})))
    response = connection.getresponse()
    return response.status, json.loads(response.read() or b"{}")


def statuses(connection, channel, count, headers=None):
    return [init(connection, channel, headers)[0] for _number in range(count)]


def wait_online(rpc):
    """The operator's web client polls the bus through the proxy: he is online."""
    for _attempt in range(60):
        if rpc.read("res.users", rpc.uid, ["im_status"])["im_status"] == "online":
            return
        time.sleep(0.5)
    raise AssertionError("the operator's web client never polled the bus")


def test_readme_shows_the_configuration_the_test_runs():
    readme_showing(CONFIG)


def test_visitor_chats_with_the_operator_through_nginx_over_https(nginx, browser, rpc, channel_id):
    previous_name = rpc.read("res.users", rpc.uid, ["livechat_username"])["livechat_username"]
    rpc.call("res.users", "write", [rpc.uid], {"livechat_username": OPERATOR_CHAT_NAME})
    contexts = []

    def new_page():
        context = browser.new_context(base_url=nginx.url, ignore_https_errors=True,
                                      viewport={"width": 1280, "height": 800})
        context.set_default_timeout(WAIT)
        contexts.append(context)
        errors, urls = ConsoleErrors(), []
        page = errors.attach(context.new_page())
        page.on("request", lambda request: urls.append(request.url))
        return page, errors, urls

    try:
        # the operator's web client, through nginx: its bus long-poll goes to the gevent process
        operator, operator_errors, operator_urls = new_page()
        login(operator)
        operator.goto("/web#action=livechat.livechat_channel_action_kanban")
        operator.wait_for_selector(".o_kanban_view")
        wait_online(rpc)
        session_cookie = [cookie for cookie in operator.context.cookies() if cookie["name"] == "session_id"]
        assert session_cookie and session_cookie[0]["secure"], "https reached Odoo as https (X-Forwarded-Proto)"

        # the visitor, on a page embedding the Widget tab's snippet, served through nginx
        page, visitor_errors, visitor_urls = new_page()
        with page.expect_response(lambda response: response.url.endswith("/livechat/api/init")) as answer:
            page.goto("/livechat/demo?channel_id=%d" % channel_id)
        assert answer.value.json()["poll_url"] == nginx.url + POLL_PATH
        launcher = page.locator("[data-odoo-livechat] .lc-launcher")
        launcher.click()
        window = page.locator("[data-odoo-livechat] .lc-window")
        page.wait_for_function("t => t.textContent === %s" % json.dumps(OPERATOR_CHAT_NAME),
                               arg=window.locator(".lc-title").element_handle())
        textarea = window.locator("textarea")
        page.wait_for_function("t => !t.disabled", arg=textarea.element_handle())
        textarea.fill("Hello through the proxy?")
        textarea.press("Enter")

        # visitor -> operator (the operator's bus poll through nginx) -> visitor (the widget's poll)
        chat_window = operator.locator(".o_chat_window:has-text('Hello through the proxy?')")
        chat_window.wait_for()
        composer = chat_window.locator(".o_composer_text_field")
        composer.fill("Loud and clear, over https.")
        composer.press("Enter")
        window.locator(".lc-msg-operator:has-text('Loud and clear, over https.')").wait_for()

        for urls in (visitor_urls, operator_urls):
            outside = [url for url in urls if not url.startswith((nginx.url + "/", "data:", "blob:", "about:"))]
            assert not outside, "requests that did not go through the proxy: %s" % outside
        assert nginx.url + POLL_PATH in visitor_urls, "the widget long-polls through the proxy"
        assert nginx.url + "/longpolling/poll" in operator_urls, "the web client long-polls through the proxy"
        assert not visitor_errors, visitor_errors
        assert not operator_errors, operator_errors
    finally:
        for context in contexts:
            context.close()
        rpc.call("res.users", "write", [rpc.uid], {"livechat_username": previous_name})


def test_visitors_at_different_addresses_have_their_own_rate_limit_buckets(nginx, channel_id, lowered_init_limit):
    first, second = https_connection(nginx, "127.0.0.2"), https_connection(nginx, "127.0.0.3")
    try:
        assert statuses(first, channel_id, lowered_init_limit) == [200] * lowered_init_limit
        assert init(first, channel_id)[0] == 429, "the limit bites"
        assert init(second, channel_id)[0] == 200, "another address, another bucket"
        # the same address shares its bucket, on a new connection, and whatever it writes in the header
        again = https_connection(nginx, "127.0.0.2")
        try:
            assert init(again, channel_id)[0] == 429
            assert init(again, channel_id, {"X-Forwarded-For": "198.51.100.99"})[0] == 429, \
                "nginx appends the address it saw: a client cannot choose its own"
        finally:
            again.close()
    finally:
        first.close()
        second.close()


def test_x_forwarded_for_alone_is_honoured_under_proxy_mode_only(upstream, base_url, channel_id, lowered_init_limit):
    """Straight to the Odoo servers, with only ``X-Forwarded-For``: the prefork server of this module
    runs with ``--proxy-mode``, the shared test server without."""
    romania = {"X-Forwarded-For": "81.196.0.1"}
    proxied = http_connection(upstream.url, "127.0.0.4")
    direct = http_connection(base_url, "127.0.0.5")
    try:
        # the GeoIP country of the forwarded address, under --proxy-mode only
        status, answer = init(proxied, channel_id, romania)
        assert (status, answer["country_code"]) == (200, "RO")
        status, answer = init(direct, channel_id, romania)
        assert (status, answer["country_code"]) == (200, None), "without --proxy-mode the header is ignored"

        # rate-limit buckets of the forwarded addresses under --proxy-mode ...
        first = {"X-Forwarded-For": "198.51.100.41"}
        assert statuses(proxied, channel_id, lowered_init_limit, first) == [200] * lowered_init_limit
        assert init(proxied, channel_id, first)[0] == 429, "the limit bites"
        assert init(proxied, channel_id, {"X-Forwarded-For": "198.51.100.42"})[0] == 200
        # ... and without it, one bucket for the connection's address, whatever the header says
        spoofed = ["198.51.100.%d" % number for number in range(50, 50 + lowered_init_limit)]
        assert [init(direct, channel_id, {"X-Forwarded-For": address})[0] for address in spoofed] \
            == [200] * (lowered_init_limit - 1) + [429]
    finally:
        proxied.close()
        direct.close()
