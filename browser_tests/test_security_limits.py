"""Over a rate limit, the widget says so politely and keeps what the visitor wrote."""
import uuid
from urllib.parse import urlsplit

import pytest

from widget_support import Odoo

PARAM = "livechat.rate_limit_post"


@pytest.fixture
def odoo(base_url, db_name):
    return Odoo(base_url, db_name)


@pytest.fixture
def post_limit(odoo):
    """Sets the messages-per-session limit for the test; puts the previous value back afterwards."""
    previous = odoo.call("ir.config_parameter", "get_param", PARAM)
    yield lambda value: odoo.call("ir.config_parameter", "set_param", PARAM, str(value))
    odoo.call("ir.config_parameter", "set_param", PARAM, previous or "60")


@pytest.fixture
def channel(odoo):
    channel_id = odoo.make_channel(rules=[{"action": "display_button"}], name="Limits %s" % uuid.uuid4().hex[:6])
    yield channel_id
    sessions = odoo.call("livechat.session", "search", [("channel_id", "=", channel_id)])
    odoo.call("livechat.session", "write", sessions, {"state": "closed"})
    odoo.call("livechat.channel", "write", [channel_id], {"active": False})


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
