"""What a hostile visitor sends is shown as text, in real Chromium: in the widget, in the operator's chat
window, in Discuss and in the session's history. The visitor's name (sent by a crafted request), his
page URL, his user agent and his message carry markup, a script URL and a right-to-left override;
no script runs, no image is created, no script link appears."""
import json
import uuid

import pytest

from conftest import operator_and_visitor

WAIT = 20000
RUN = uuid.uuid4().hex[:6]
MARKUP = '<img src=x onerror="window.__xss=1">'
NAME = "%s\u202e Eve %s" % (MARKUP, RUN)
MESSAGE = "%s <b>bold</b> javascript:window.__xss=2 \u202egnp.exe %s" % (MARKUP, RUN)
USER_AGENT = "Mozilla/5.0 (X11) %s" % MARKUP


@pytest.fixture
def channel(odoo):
    name = "Escaping Test %s" % uuid.uuid4().hex[:6]
    channel_id = odoo.make_channel(rules=[{"action": "display_button"}], name=name)
    yield {"id": channel_id, "name": name}
    odoo.retire_channel(channel_id)


def no_script_ran(page):
    assert page.evaluate("() => window.__xss") is None, "a visitor's script ran"
    assert page.locator("img[src='x']").count() == 0, "a visitor's markup became an image"
    assert page.locator("a[href^='javascript']").count() == 0, "a visitor's script URL became a link"


def test_hostile_visitor_is_shown_as_text_everywhere(odoo, channel, browser, base_url, page, page_errors):
    operator = page
    # the visitor: a hostile user agent, a crafted name in his request, markup in his page's URL
    visitor, visitor_errors, dialogs = operator_and_visitor(odoo, operator, browser, base_url, WAIT,
                                                            user_agent=USER_AGENT)

    def crafted_open(route):
        payload = json.loads(route.request.post_data)
        payload["visitor_name"] = NAME
        route.continue_(post_data=json.dumps(payload))

    visitor.route("**/livechat/api/session/open", crafted_open)
    try:
        visitor.goto("/livechat/support/%d?q=%s" % (channel["id"], MARKUP))
        window = visitor.locator("[data-odoo-livechat] .lc-window")
        window.wait_for()
        textarea = window.locator("textarea")
        visitor.wait_for_function("t => !t.disabled", arg=textarea.element_handle())
        textarea.fill(MESSAGE)
        textarea.press("Enter")
        mine = window.locator(".lc-msg-visitor[data-id]").last
        mine.wait_for()
        # the widget: the message is its text, without the bidi override (which made "gnp.exe" read "exe.png")
        assert MESSAGE.replace("\u202e", "") in mine.inner_text()
        no_script_ran(visitor)

        session = odoo.call("livechat.session", "search_read", [("channel_id", "=", channel["id"])],
                            fields=["visitor_name", "page_url", "user_agent", "mail_channel_id"])[0]
        assert session["visitor_name"] == "%s Eve %s" % (MARKUP, RUN), "the bidi override is gone, the rest is text"
        assert session["page_url"].startswith(base_url)
        assert MARKUP in session["user_agent"]

        # the operator's chat window: name, message and visitor's page as text
        chat_window = operator.locator(".o_chat_window.o_livechat_window:has(.o_chat_title:has-text('%s'))" % RUN)
        chat_window.wait_for()
        message = chat_window.locator(".o_thread_message:has-text('gnp.exe %s')" % RUN)
        message.wait_for()
        assert MARKUP in message.inner_text()
        assert chat_window.locator(".o_thread_message b:text-is('bold')").count() == 0
        assert MARKUP in chat_window.locator(".o_chat_title").inner_text()
        # the visitor's pages are http(s) links; the panel's own links (toggle, tags, the backend's
        # records) stay inside Odoo; none is a script
        for link in chat_window.locator(".o_livechat_visitor a").all():
            href = link.get_attribute("href") or ""
            assert not href.strip().lower().startswith(("javascript", "data:", "vbscript")), href
        visitor_links = chat_window.locator(".o_livechat_page_link, .o_livechat_current_page_link").all()
        assert visitor_links, "the visitor's page is a link"
        for link in visitor_links:
            assert link.get_attribute("href").startswith(("http://", "https://"))
        no_script_ran(operator)

        # Discuss: the conversation under LIVECHAT
        operator.goto("/web?reload=%s#action=mail.mail_channel_action_client_chat" % uuid.uuid4().hex[:6])
        item = operator.locator(".o_livechat_channel_item[data-channel-id='%d']" % session["mail_channel_id"][0])
        item.wait_for()
        assert MARKUP in item.inner_text()
        item.click()
        content = operator.locator(".o_mail_chat_content")
        content.locator(".o_thread_message:has-text('gnp.exe %s')" % RUN).wait_for()
        assert MARKUP in content.locator(".o_livechat_visitor_name").inner_text()
        no_script_ran(operator)

        # the session's history (Live Chat > Sessions): the whole conversation, the page as a web link
        operator.goto("/web#model=livechat.session&id=%d&view_type=form" % session["id"])
        conversation = operator.locator(".o_livechat_session_conversation")
        conversation.locator("text=gnp.exe %s" % RUN).wait_for()
        assert MARKUP in conversation.inner_text()
        assert MARKUP in operator.locator(".oe_title").inner_text()
        page_link = operator.locator("a.o_form_uri[href*='/livechat/support/']")
        assert page_link.get_attribute("href").startswith(base_url)
        no_script_ran(operator)
    finally:
        visitor.context.close()

    assert not dialogs, dialogs
    assert not page_errors, page_errors
    assert not visitor_errors, visitor_errors
