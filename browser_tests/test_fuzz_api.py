"""The public JSON endpoints against hostile input (hypothesis), and a flood from one address.

Both run on a server of their own in proxy mode, so that each request can come from its own
address (X-Forwarded-For): the shared test server's rate-limit counters for 127.0.0.1 are
not touched. Bounded: a fixed number of examples per endpoint, no shrinking deadline.
"""
import json
import os
import random
import statistics
import threading
import time

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livechat_server import OdooServer
from widget_support import Odoo

ENDPOINTS = ("init", "session/open", "session/post", "session/history", "session/leave", "session/page",
             "session/rate", "session/transcript", "offline/send", "chatbot/answer")
PARAMS = ("channel_id", "url", "visitor_name", "visitor_uid", "token", "body", "after_id", "last", "lang",
          "rating", "comment", "email", "tz", "name", "message", "answer_id")
HOSTILE_TEXTS = ['<img src=x onerror="alert(1)">', "javascript:alert(1)", "\u202egnp.exe", "\x00", "\ud800",
                 "' OR 1=1 --", "%s", "%(x)s", "{0}", "../../etc/passwd", "\r\nSet-Cookie: x=1", "😀" * 50,
                 "a" * 5000, ""]
EXAMPLES = 40
# the other visitors' delivery latency under the flood, at most this many times the calm one: the
# target is 2x (measured 0.7-2.1x on a busy 2-CPU machine); the margin keeps a loaded machine from
# failing the test, while the 4-5x of a flood that is not held back still fails it
MAX_FLOOD_SLOWDOWN = 3.0

scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-2 ** 70, max_value=2 ** 70)
           | st.floats() | st.text(max_size=200) | st.sampled_from(HOSTILE_TEXTS))
json_values = st.recursive(scalars, lambda children: st.lists(children, max_size=4)
                           | st.dictionaries(st.text(max_size=8), children, max_size=4), max_leaves=10)
addresses = st.builds("203.0.113.{}".format, st.integers(1, 254)) | st.builds("198.51.100.{}".format,
                                                                              st.integers(1, 254))


def proxy_headers(address, **headers):
    return dict(headers, **{"X-Forwarded-For": address, "X-Forwarded-Host": "chat.example.com",
                            "X-Forwarded-Proto": "https"})


def assert_clean_answer(response, what):
    """Never a server error; a JSON answer; errors say what is wrong in a readable message."""
    assert response.status_code < 500, "%s -> %s %s" % (what, response.status_code, response.text[:500])
    body = response.json()
    assert isinstance(body, dict), what
    if response.status_code >= 400:
        error = body["error"]
        assert isinstance(error["code"], str) and error["code"], what
        assert isinstance(error["message"], str) and error["message"], what
        assert "Traceback" not in error["message"], what


@pytest.fixture(scope="module")
def server(db_name):
    server = OdooServer(db_name, "fuzz", proxy_mode=True).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def odoo(server, db_name):
    return Odoo(server.url, db_name)


@pytest.fixture(scope="module")
def channel_id(odoo):
    channel = odoo.make_channel(rules=[{"action": "display_button"}], name="Fuzz Desk")
    yield channel
    # the administrator is the operator of the many sessions opened here: other tests' channels
    # must not see him busy
    odoo.retire_channel(channel)


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def open_session(client, odoo, channel_id, address):
    odoo.set_admin_online()
    response = client.post("/livechat/api/session/open", headers=proxy_headers(address), content=json.dumps(
        {"channel_id": channel_id, "url": "https://shop.example.com/"}))
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["available"], result
    return result


@pytest.fixture(scope="module")
def tokens(client, odoo, channel_id):
    """An open session and a closed one, so that the fuzzer also gets past the token check."""
    live = open_session(client, odoo, channel_id, "192.0.2.10")
    closed = open_session(client, odoo, channel_id, "192.0.2.11")
    client.post("/livechat/api/session/leave", headers=proxy_headers("192.0.2.11"),
                content=json.dumps({"token": closed["token"]}))
    return live["token"], closed["token"]


def payloads(channel_id, tokens):
    plausible = {
        "channel_id": st.sampled_from([channel_id, 0, -1, 2 ** 31, 2 ** 63, str(channel_id), "1e3"]),
        "token": st.sampled_from(list(tokens) + ["", "x" * 129]),
        "url": st.sampled_from(["https://shop.example.com/cart", "javascript:alert(1)", "http://[::1", "//x"]),
        "after_id": st.sampled_from([0, -1, 2 ** 31, 2 ** 70, "9" * 30, 1.5]),
        "last": st.sampled_from([0, None, -5]),  # a valid token and a later cursor would wait 50 s
    }
    values = {name: plausible.get(name, scalars) | json_values for name in PARAMS}
    values["last"] = plausible["last"]
    return st.fixed_dictionaries({}, optional=values)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_json_endpoints_never_fail_on_hostile_input(client, odoo, channel_id, tokens, endpoint):
    odoo.set_admin_online()

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(payload=payloads(channel_id, tokens), address=addresses,
           content_type=st.sampled_from(["text/plain;charset=UTF-8", "application/json", None]))
    def check(payload, address, content_type):
        headers = proxy_headers(address, **({"Content-Type": content_type} if content_type else {}))
        response = client.post("/livechat/api/" + endpoint, headers=headers, content=json.dumps(payload))
        assert_clean_answer(response, "%s %r" % (endpoint, payload))

    check()


@settings(max_examples=3 * EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(endpoint=st.sampled_from(ENDPOINTS), body=st.binary(max_size=3000)
       | st.text(max_size=3000).map(lambda text: text.encode("utf-8", "surrogatepass")),
       content_type=st.sampled_from(["text/plain", "application/json", "application/x-www-form-urlencoded",
                                     "multipart/form-data; boundary=x", None]),
       address=addresses)
def test_raw_bodies_never_fail(client, endpoint, body, content_type, address):
    headers = proxy_headers(address, **({"Content-Type": content_type} if content_type else {}))
    response = client.post("/livechat/api/" + endpoint, headers=headers, content=body)
    assert_clean_answer(response, "%s %r" % (endpoint, body[:200]))


def test_long_poll_never_fails_on_hostile_input(client, tokens):
    live, closed = tokens
    for payload in ({"token": live, "last": "x"}, {"token": live, "last": [1]}, {"token": closed, "last": 0},
                    {"token": {"a": 1}}, {"token": "\u0000"}, {"last": 2 ** 80}, {}):
        response = client.post("/longpolling/livechat/poll", headers=proxy_headers("192.0.2.50"),
                               content=json.dumps(payload))
        assert_clean_answer(response, repr(payload))


# ---------------------------------------------------------------------------------------------
# flood: ten connections from one address, as fast as the server answers them
# ---------------------------------------------------------------------------------------------
class Visitor(object):
    """A visitor who writes and waits for his own message on his long-poll, as the widget does."""

    def __init__(self, client, session, address):
        self.client, self.token, self.cursor, self.address = client, session["token"], session["cursor"], address
        self.latencies, self.failures = [], []

    def round_trip(self, text):
        started = time.monotonic()
        response = self.client.post("/livechat/api/session/post", headers=proxy_headers(self.address),
                                    content=json.dumps({"token": self.token, "body": text}))
        if response.status_code != 200:
            self.failures.append("post %s: %s" % (response.status_code, response.text[:200]))
            return
        while time.monotonic() - started < 30:
            response = self.client.post("/longpolling/livechat/poll", headers=proxy_headers(self.address),
                                        content=json.dumps({"token": self.token, "last": self.cursor}))
            if response.status_code != 200:
                self.failures.append("poll %s: %s" % (response.status_code, response.text[:200]))
                return
            result = response.json()
            self.cursor = result["cursor"]
            if any(event.get("type") == "message" and event["message"]["body"] == text
                   for event in result["events"]):
                self.latencies.append(time.monotonic() - started)
                return
        self.failures.append("%r never arrived" % text)


def run_visitors(visitors, rounds, phase):
    def run(visitor):
        for number in range(rounds):
            visitor.round_trip("%s message %d from %s" % (phase, number, visitor.address))
            time.sleep(0.05)
    threads = [threading.Thread(target=run, args=(visitor,)) for visitor in visitors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)


def test_flood_from_one_address_leaves_other_visitors_served(server, odoo, channel_id):
    """Ten threads from one address hammer open and post; three other visitors keep chatting.

    Functional: the flooder is refused (HTTP 429) once over the limits, and gets no more than
    they allow; the others lose nothing and are never refused. Speed: the others' delivery latency
    (post -> the visitor's own long-poll, p50) under the flood stays within MAX_FLOOD_SLOWDOWN of
    the calm one, measured in the same run before and after the flood (a shared machine's load
    changes). The request rates and latencies are printed and written to flood.txt in the logs.
    """
    limits = {"open": int(odoo.call("ir.config_parameter", "get_param", "livechat.rate_limit_open") or 60),
              "post": int(odoo.call("ir.config_parameter", "get_param", "livechat.rate_limit_post") or 60)}
    # addresses of their own (counters are kept a minute in the database, also across runs)
    rng = random.Random()
    addresses = ["192.0.2.%d" % number for number in rng.sample(range(60, 100), 3)]
    flooder = "192.0.2.%d" % rng.randint(100, 250)
    with httpx.Client(base_url=server.url, timeout=60, limits=httpx.Limits(max_connections=40)) as client:
        sessions = [open_session(client, odoo, channel_id, address) for address in addresses]
        visitors = [Visitor(client, session, address) for session, address in zip(sessions, addresses)]
        started = time.monotonic()
        run_visitors(visitors, 10, "calm")
        calm_seconds = time.monotonic() - started
        calm = [latency for visitor in visitors for latency in visitor.latencies]

        flood_token = open_session(client, odoo, channel_id, flooder)["token"]
        stop, answers = threading.Event(), {"open": [], "post": []}

        def flood():
            rng = random.Random()
            while not stop.is_set():
                kind = rng.choice(("open", "post"))
                payload = {"token": flood_token, "body": "spam"} if kind == "post" else {
                    "channel_id": channel_id, "url": "https://spam.example.com/"}
                try:
                    response = client.post("/livechat/api/session/" + kind, headers=proxy_headers(flooder),
                                           content=json.dumps(payload))
                    answers[kind].append(response.status_code)
                except httpx.HTTPError as error:
                    answers[kind].append(repr(error))

        flooders = [threading.Thread(target=flood) for _i in range(10)]
        flood_started = time.monotonic()
        for thread in flooders:
            thread.start()
        try:
            time.sleep(1)
            for visitor in visitors:
                visitor.latencies = []
            run_visitors(visitors, 10, "flood")
        finally:
            stop.set()
            for thread in flooders:
                thread.join(timeout=60)
            flood_seconds = time.monotonic() - flood_started
        flooded = [latency for visitor in visitors for latency in visitor.latencies]
        # calm again, in new sessions (the limits of a session allow 20 messages at once, then one a second)
        after = [Visitor(client, open_session(client, odoo, channel_id, address), address) for address in addresses]
        run_visitors(after, 10, "after")
        visitors += after
        calm_after = [latency for visitor in after for latency in visitor.latencies]
        calm_before, calm = calm, calm + calm_after

    flood_requests = len(answers["open"]) + len(answers["post"])
    refused = answers["open"].count(429) + answers["post"].count(429)
    slowdown = statistics.median(flooded) / statistics.median(calm) if calm and flooded else None
    report = ["flood: %d requests from one address in %.1f s (%.0f/s; the 3 other visitors together: %.0f/s), "
              "%d refused with 429; accepted: %d session openings, %d messages" % (
                  flood_requests, flood_seconds, flood_requests / flood_seconds, 3 * 10 * 2 / calm_seconds,
                  refused, answers["open"].count(200), answers["post"].count(200))]
    if calm and flooded:
        report.append("delivery latency of the other visitors, p50 / max: calm %.0f / %.0f ms (p50 before %.0f, "
                      "after %.0f), under flood %.0f / %.0f ms (p50 ratio %.2f)" % (
                          statistics.median(calm) * 1000, max(calm) * 1000, statistics.median(calm_before) * 1000,
                          statistics.median(calm_after or calm) * 1000, statistics.median(flooded) * 1000,
                          max(flooded) * 1000, slowdown))
    print("\n" + "\n".join(report))
    with open(os.path.join(server.logdir, "flood.txt"), "w") as handle:
        handle.write("\n".join(report) + "\n")

    failures = [failure for visitor in visitors for failure in visitor.failures]
    assert not failures, failures
    assert len(calm) == 60 and len(flooded) == 30, "every message of the other visitors arrived"
    unexpected = [answer for kind in answers for answer in answers[kind] if answer not in (200, 429)]
    assert not unexpected, unexpected
    assert refused, "the flood went over the limits and was refused"
    # a sliding minute: at most twice the limit when the flood straddles two minutes
    assert answers["open"].count(200) <= 2 * limits["open"]
    assert answers["post"].count(200) < 2 * limits["post"]
    assert slowdown <= MAX_FLOOD_SLOWDOWN, "\n".join(report)
