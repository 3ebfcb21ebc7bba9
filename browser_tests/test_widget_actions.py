"""Each button action of a channel rule, as a visitor sees it; and the direct chat link."""
import pytest

from widget_support import Odoo

HOST = "[data-odoo-livechat][data-ready]"


@pytest.fixture
def odoo(base_url, db_name, page):
    page.set_default_timeout(30000)  # only bounds a broken run on a busy machine
    odoo = Odoo(base_url, db_name)
    odoo.set_admin_online()
    return odoo


def visit(page, odoo, channel_id):
    """The demo page: it embeds the channel's snippet like any third-party page."""
    page.goto("%s/livechat/demo?channel_id=%d" % (odoo.base_url, channel_id))
    page.locator(HOST).wait_for(state="attached")


def test_show_displays_the_button_only(page, odoo, page_errors):
    visit(page, odoo, odoo.make_channel(rules=[{"action": "display_button"}]))
    assert page.locator(HOST + " .lc-launcher").is_visible()
    assert page.locator(HOST + " .lc-bubble").count() == 0
    assert page.locator(HOST + " .lc-window").count() == 0
    assert not page_errors, page_errors


def test_show_with_notification_displays_the_bubble(page, odoo, page_errors):
    visit(page, odoo, odoo.make_channel(rules=[{"action": "display_button_and_text"}]))
    bubble = page.locator(HOST + " .lc-bubble")
    assert bubble.is_visible()
    assert "Questions? We are online." in bubble.inner_text()
    assert page.locator(HOST + " .lc-launcher").is_visible()
    bubble.locator(".lc-bubble-close").click()
    assert page.locator(HOST + " .lc-bubble").count() == 0
    assert page.locator(HOST + " .lc-launcher").is_visible()
    assert not page_errors, page_errors


def test_open_automatically_opens_the_window_after_the_timer(page, odoo, page_errors):
    visit(page, odoo, odoo.make_channel(rules=[{"action": "auto_popup", "auto_popup_timer": 1}]))
    window = page.locator(HOST + " .lc-window")
    window.wait_for()  # nobody clicked
    assert window.locator(".lc-msg-operator .lc-body").first.inner_text() == "Hello! What can we do for you?"
    page.wait_for_function("t => t.textContent !== ''", arg=window.locator(".lc-title").element_handle())
    assert page.locator(HOST + " .lc-launcher").is_hidden()
    assert not page_errors, page_errors


def test_hide_shows_nothing(page, odoo, page_errors):
    visit(page, odoo, odoo.make_channel(rules=[{"action": "hide_button"}]))
    assert page.locator(HOST + " .lc-launcher").count() == 0
    assert page.locator(HOST + " .lc-window").count() == 0
    assert not page_errors, page_errors


def test_rule_for_another_page_shows_nothing_here(page, odoo, page_errors):
    visit(page, odoo, odoo.make_channel(rules=[{"action": "display_button", "regex_url": "^/shop"}]))
    assert page.locator(HOST + " .lc-launcher").count() == 0
    assert not page_errors, page_errors


def test_nobody_available_shows_no_button(page, odoo, page_errors):
    channel_id = odoo.make_channel(rules=[{"action": "display_button"}], operators=[])
    visit(page, odoo, channel_id)
    assert page.locator(HOST + " .lc-launcher").count() == 0
    assert not page_errors, page_errors


def test_direct_chat_link_opens_a_full_page_chat(page, odoo, page_errors):
    channel_id = odoo.make_channel(rules=[{"action": "hide_button"}])
    link = odoo.read("livechat.channel", channel_id, ["web_page"])["web_page"]
    assert link.endswith("/livechat/support/%d" % channel_id)
    page.goto("%s/livechat/support/%d" % (odoo.base_url, channel_id))
    window = page.locator("[data-odoo-livechat] .lc-window")
    window.wait_for()
    box = window.bounding_box()
    # a centred column as tall as the page under its header (the branded direct-chat page)
    assert box["width"] >= 700 and box["height"] >= 600, "the chat fills the page's column"
    assert abs(box["x"] + box["width"] / 2 - page.viewport_size["width"] / 2) < 5, "centred"
    textarea = window.locator("textarea")
    page.wait_for_function("t => !t.disabled", arg=textarea.element_handle())
    textarea.fill("Hello from the direct link")
    window.locator(".lc-send").click()
    window.locator(".lc-msg-visitor[data-id]:has-text('Hello from the direct link')").wait_for()
    assert not page_errors, page_errors


def test_fields_are_capped_by_the_limits_the_server_sends(page, odoo, page_errors):
    visit(page, odoo, odoo.make_channel(rules=[{"action": "display_button"}]))
    # what the server's init answered this widget: the widget writes no cap of its own
    limits = page.evaluate("() => window.odooLivechat.widget.config.limits")
    assert limits["message"] > 0 and limits["email"] > 0, limits
    page.locator(HOST + " .lc-launcher").click()
    textarea = page.locator(HOST + " .lc-input")
    page.wait_for_function("t => !t.disabled", arg=textarea.element_handle())
    assert textarea.get_attribute("maxlength") == str(limits["message"])
    textarea.fill("x" * (limits["message"] + 10))
    assert len(textarea.input_value()) == limits["message"], "the cap bites"
    assert not page_errors, page_errors
