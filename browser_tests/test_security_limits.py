"""Over a rate limit, the widget says so politely and keeps what the visitor wrote; refused a
long-poll, it waits the Retry-After the server gives before it polls again."""
import json
import time
import uuid
from urllib.parse import urlsplit

import httpx
import pytest


PARAM = "livechat.rate_limit_post"
POLL_PARAM = "livechat.rate_limit_poll"
POLL_PATH = "/longpolling/livechat/poll"


def parameter_for_the_test(odoo, key, default):
    """Yields a setter of the system parameter ``key``; puts its previous value back afterwards."""
    previous = odoo.call("ir.config_parameter", "get_param", key)
    yield lambda value: odoo.call("ir.config_parameter", "set_param", key, str(value))
    odoo.call("ir.config_parameter", "set_param", key, previous or default)


@pytest.fixture
def post_limit(odoo):
    """The messages-per-session limit, for the test."""
    yield from parameter_for_the_test(odoo, PARAM, "60")


@pytest.fixture
def poll_limit(odoo):
    """The long-polls-per-session limit, for the test."""
    yield from parameter_for_the_test(odoo, POLL_PARAM, "120")


@pytest.fixture
def channel(odoo):
    channel_id = odoo.make_channel(rules=[{"action": "display_button"}], name="Limits %s" % uuid.uuid4().hex[:6])
    yield channel_id
    odoo.retire_channel(channel_id)


def test_widget_shows_the_rate_limit_and_keeps_the_draft(odoo, channel, post_limit, page):
    failed = []
    page.on("pageerror", lambda error: failed.append("pageerror: %s" % error))
    page.on("response", lambda response: response.status >= 400 and failed.append(
        (response.status, urlsplit(response.url).path)))
    post_limit(2)
    odoo.set_admin_online()
    page.goto("/livechat/support/%d" % channel)
    window = page.locator("[data-odoo-livechat] .lc-window")
    window.wait_for()
    textarea = window.locator("textarea")
    page.wait_for_function("t => !t.disabled", arg=textarea.element_handle())
    for text in ("first", "second"):
        textarea.fill(text)
        textarea.press("Enter")
        window.locator(".lc-msg-visitor[data-id]:has-text('%s')" % text).wait_for()

    textarea.fill("third, too fast")
    textarea.press("Enter")
    notice = window.locator(".lc-notice:has-text('too fast')")
    notice.wait_for()
    assert "please wait" in notice.inner_text()
    assert textarea.input_value() == "third, too fast", "the draft is kept"
    assert window.locator(".lc-msg-visitor:has-text('third, too fast')").count() == 0

    # once the limit is lifted, the same draft goes out
    post_limit(0)
    textarea.press("Enter")
    window.locator(".lc-msg-visitor[data-id]:has-text('third, too fast')").wait_for()
    # the refused message is the only request that failed (but the browser's own /favicon.ico)
    assert [error for error in failed if error != (404, "/favicon.ico")] == [(429, "/livechat/api/session/post")]


def test_widget_waits_the_retry_after_of_a_refused_long_poll(odoo, channel, poll_limit, site, page, base_url):
    """On a third-party page (CORS), the widget's long-poll is refused (HTTP 429): it polls again when
    the server's Retry-After says, not sooner and without its reconnection backoff, and then is
    served and gets what was said meanwhile."""
    # the counters of a minute start again when it turns (see livechat_rate_limit): not in the test
    if time.time() % 60 > 35:
        time.sleep(60.5 - time.time() % 60)
    poll_limit(15)  # a burst of 10, then one every 4 s
    odoo.set_admin_online()
    requests = []
    page.on("requestfinished", lambda request: requests.append(request))
    page.goto(site.add_page("retry.html", odoo.snippet(channel)))
    page.locator("[data-odoo-livechat] .lc-launcher").click()
    window = page.locator("[data-odoo-livechat] .lc-window")
    textarea = window.locator("textarea")
    page.wait_for_function("t => !t.disabled", arg=textarea.element_handle())
    token = page.evaluate("key => JSON.parse(localStorage.getItem(key)).token",
                          "odoo-livechat:%s:%d" % (base_url, channel))

    with httpx.Client(base_url=base_url, timeout=30) as client:
        def say(text):
            """The visitor's message, as the widget posts it: its long-poll brings it back."""
            response = client.post("/livechat/api/session/post", content=json.dumps({"token": token, "body": text}))
            assert response.status_code == 200, response.text
            window.locator(".lc-msg-visitor[data-id]:has-text(%s)" % json.dumps(text)).wait_for(timeout=70000)

        say("hello")
        # spend the session's long-polls (from 0 they answer at once: "hello" is on the bus) until
        # the server refuses them for a few seconds
        for _i in range(30):
            response = client.post(POLL_PATH, content=json.dumps({"token": token, "last": 0}))
            if response.status_code != 200:
                break
        assert response.status_code == 429, response.text
        assert int(response.headers["Retry-After"]) >= 3, response.headers
        # the widget's next long-poll (after this message) is refused too
        with page.expect_response(lambda response: urlsplit(response.url).path == POLL_PATH
                                  and response.status == 429) as refused:
            say("while refused")
        retry_after = int(refused.value.headers["retry-after"])
        assert retry_after >= 2, "a wait the widget's own backoff (0.5 to 1 s) would not honour"
        assert refused.value.headers["access-control-expose-headers"] == "Retry-After"
        say("after the wait")

    def started(request):
        return request.timing["startTime"]

    api = sorted((request for request in requests if urlsplit(request.url).path.startswith(
        ("/livechat/api/session/history", POLL_PATH))), key=started)
    refusals = [index for index, request in enumerate(api) if request.response().status == 429]
    assert refusals and refusals[0] + 1 < len(api), "refused, then served"
    for index in refusals:
        if index + 1 == len(api):
            continue  # refused again after "after the wait": still waiting when the test ended
        request = api[index]
        wait = int(request.response().headers["retry-after"])
        answered = started(request) + request.timing["responseEnd"]
        following = api[index + 1]
        assert urlsplit(following.url).path == POLL_PATH, "no catching up: the same cursor polls again"
        assert started(following) >= answered + 1000 * min(wait, 60) - 250, (
            "polled again %.1f s after a Retry-After of %d s" % ((started(following) - answered) / 1000, wait))
    assert api[refusals[0] + 1].response().status == 200, "waiting the Retry-After, the widget is served"
