"""The rough edges of a conversation, as a visitor and an operator see them in real browsers: one name
for the operator on both sides (and renames), the welcome in the operator's window, "&lt;i&gt;" read as
typed, commands typed fast that never reach the visitor, links and times in the widget, Discuss' list
live and sorted, "End the conversation?", the chatbot's end with nobody available, the direct chat page."""
import uuid

import pytest

import test_operator_discuss as discuss
from conftest import login
from test_operator_discuss import (
    OPERATOR_LOGIN, join_from_kanban, open_conversation, open_discuss, say, sessions_of,
    start_chat, wait_until)

# the operator tests' fixtures: a channel of its own, the demo operator, browsers of their own
channel = discuss.channel
operator_uid = discuss.operator_uid
new_browser_page = discuss.new_browser_page

WAIT = 20000  # ms: bounds a broken run; things arrive within a second or two
CHAT_NAME = "Marc"  # the demo operator's Online Chat Name


@pytest.fixture
def no_window_left(odoo, channel):
    """The next tests log in as the same operator: this test's chats end and leave his web client
    (no chat window reopens for them)."""
    yield
    sessions = odoo.call("livechat.session", "search_read", [("channel_id", "=", channel["id"])],
                         fields=["mail_channel_id"])
    odoo.call("livechat.session", "write", [session["id"] for session in sessions], {"state": "closed"})
    conversations = [session["mail_channel_id"][0] for session in sessions if session["mail_channel_id"]]
    memberships = odoo.call("mail.channel.partner", "search", [("channel_id", "in", conversations)])
    odoo.call("mail.channel.partner", "write", memberships,
              {"is_minimized": False, "is_pinned": False, "fold_state": "closed"})


@pytest.fixture
def chat_name(odoo, operator_uid):
    """The demo operator's Online Chat Name, put back after the test (it renames him)."""
    previous = odoo.read("res.users", operator_uid, ["livechat_username"])["livechat_username"]
    odoo.call("res.users", "write", [operator_uid], {"livechat_username": CHAT_NAME})
    yield CHAT_NAME
    odoo.call("res.users", "write", [operator_uid], {"livechat_username": previous})


def test_both_sides_read_the_same(odoo, channel, no_window_left, operator_uid, chat_name, page, page_errors,
                                  new_browser_page):
    operator = page
    login(operator, OPERATOR_LOGIN, OPERATOR_LOGIN)
    real_name = odoo.read("res.users", operator_uid, ["name"])["name"]
    assert real_name != chat_name
    odoo.call("livechat.channel", "write", [channel["id"]], {"welcome_message": "Hello! How can we help?"})
    join_from_kanban(operator, channel, odoo)

    # the visitor reads the welcome in the operator's name, and types entities, markup and a link
    visitor, visitor_errors = new_browser_page()
    window = start_chat(visitor, channel)
    welcome = window.locator(".lc-msg-operator").first
    assert welcome.locator(".lc-body").inner_text() == "Hello! How can we help?"
    typed = "&lt;i&gt; <b>rakes</b> see https://example.com/rakes?size=2&color=red, or javascript:alert(1)"
    say(window, typed)
    mine = window.locator(".lc-msg-visitor[data-id]").last
    assert mine.locator(".lc-body").inner_text() == typed
    link = mine.locator("a")
    assert link.count() == 1, "only the http(s) address is a link"
    assert link.get_attribute("href") == "https://example.com/rakes?size=2&color=red"
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener noreferrer nofollow"
    assert mine.locator("b, i, script").count() == 0
    # a time on each message (the visitor's local time), a day separator
    assert mine.locator("time.lc-time").inner_text().strip()
    assert window.locator(".lc-day").first.inner_text() == "Today"
    # the welcome is now the server's (stored in the operator's name): shown once
    window.locator(".lc-msg-operator[data-id] .lc-body:text-is('Hello! How can we help?')").wait_for()
    assert window.locator(".lc-msg-operator .lc-body:text-is('Hello! How can we help?')").count() == 1

    # the operator's chat window: the welcome, signed with his chat name; the visitor's text as typed
    chat_window = operator.locator(".o_chat_window.o_livechat_window")
    message = chat_window.locator(".o_thread_message:has-text('rakes')")
    message.wait_for()
    assert chat_window.locator(".o_thread_message:has-text('Hello! How can we help?')").count() == 1
    assert message.locator(".o_thread_message_content i, .o_thread_message_content b").count() == 0
    assert "&lt;i&gt; <b>rakes</b>" in message.locator(".o_thread_message_content").inner_text()

    # he answers: both sides read "Marc", never his user name
    composer = chat_window.locator(".o_composer_text_field")
    composer.fill("We have &amp; sell <i>rakes</i>.")
    composer.press("Enter")
    reply = window.locator(".lc-msg-operator[data-id]:has-text('sell')")
    reply.wait_for()
    assert reply.locator(".lc-body").inner_text() == "We have &amp; sell <i>rakes</i>."
    assert reply.locator(".lc-author").inner_text() == chat_name
    chat_window.locator(".o_thread_message:has-text('sell')").wait_for()
    authors = chat_window.locator(".o_thread_author").all_inner_texts()
    assert authors and all(real_name not in author for author in authors), authors
    assert any(author.strip() == chat_name for author in authors), authors

    # commands typed fast (sent before the suggestion list opens) reach the operator only
    composer.fill("/help")
    composer.press("Enter")
    chat_window.locator(".o_thread_message:has-text('Type a command at the start of a message')").wait_for()
    composer.fill("/nope")
    composer.press("Enter")
    chat_window.locator(".o_thread_message:has-text('Unknown command /nope')").wait_for()
    say(window, "Still there?")  # what the operator sends after this would come before it
    assert window.locator(".lc-msg:has-text('/help'), .lc-msg:has-text('/nope')").count() == 0

    # he renames himself: the visitor's header follows, without a reload
    odoo.call("res.users", "write", [operator_uid], {"livechat_username": "Marc from Support"})
    visitor.wait_for_function("t => t.textContent === 'Marc from Support'",
                              arg=window.locator(".lc-title").element_handle())

    assert not page_errors, page_errors
    assert not visitor_errors, visitor_errors


def test_discuss_list_is_live_and_sorted(odoo, channel, no_window_left, operator_uid, page, page_errors,
                                         new_browser_page):
    operator = page
    login(operator, OPERATOR_LOGIN, OPERATOR_LOGIN)
    join_from_kanban(operator, channel, odoo)
    first_visitor, first_errors = new_browser_page()
    first_window = start_chat(first_visitor, channel)
    say(first_window, "First visitor here")
    second_visitor, second_errors = new_browser_page()
    second_window = start_chat(second_visitor, channel)
    say(second_window, "Second visitor here")
    first, second = [session["mail_channel_id"][0] for session in sessions_of(odoo, channel)]

    open_discuss(operator)

    def order():
        """This test's conversations in the list, in its order (the operator may have others)."""
        listed = [int(item.get_attribute("data-channel-id"))
                  for item in operator.locator(".o_livechat_channel_item").all()]
        return [channel_id for channel_id in listed if channel_id in (first, second)]

    wait_until(lambda: order() == [second, first], "the latest message first")
    # the first visitor writes again: his conversation moves to the top, without a reload
    say(first_window, "Me again")
    wait_until(lambda: order() == [first, second], "the first conversation on top")
    # the operator answers the second one from Discuss: it moves to the top
    open_conversation(operator, second)
    discuss_composer = operator.locator(".o_mail_chat_content .o_composer_text_field:visible")
    discuss_composer.fill("Answering you")
    discuss_composer.press("Enter")
    second_window.locator(".lc-msg-operator:has-text('Answering you')").wait_for()
    wait_until(lambda: order() == [second, first], "the answered conversation on top")
    # a conversation that ends leaves the list at once
    first_window.locator(".lc-close").click()
    first_window.locator(".lc-confirm-end").click()
    operator.locator(".o_livechat_channel_item[data-channel-id='%d']" % first).wait_for(state="detached")
    assert order() == [second]

    assert not page_errors, page_errors
    assert not first_errors, first_errors
    assert not second_errors, second_errors


def wait_admin_available(odoo, channel_id):
    for _attempt in range(60):
        odoo.set_admin_online()
        if odoo.read("livechat.channel", channel_id, ["available_operator_count"])["available_operator_count"]:
            return
    raise AssertionError("the operator never became available")


def test_end_of_chat_asks_once_and_keeps_the_conversation_in_view(odoo, visitor):
    page, errors = visitor
    channel_id = odoo.make_channel(rules=[{"action": "display_button"}])
    try:
        wait_admin_available(odoo, channel_id)
        page.goto("/livechat/support/%d" % channel_id)
        window = page.locator("[data-odoo-livechat] .lc-window")
        textarea = window.locator("textarea")
        page.wait_for_function("t => !t.disabled", arg=textarea.element_handle())
        for number in range(1, 9):
            textarea.fill("Message number %d" % number)
            textarea.press("Enter")
            window.locator(".lc-msg-visitor[data-id]:has-text('Message number %d')" % number).wait_for()
        session = odoo.call("livechat.session", "search_read", [("channel_id", "=", channel_id)],
                            fields=["mail_channel_id"], limit=1)[0]
        odoo.call("mail.channel", "message_post", [session["mail_channel_id"][0]],
                  body="An answer", message_type="comment", subtype="mail.mt_comment")
        window.locator(".lc-msg-operator:has-text('An answer')").wait_for()

        # × asks first: End has the focus, Escape cancels, and so does Cancel; nothing ended
        window.locator(".lc-close").click()
        confirm = window.locator(".lc-confirm[role='alertdialog']")
        confirm.wait_for()
        assert confirm.locator(".lc-confirm-text").inner_text() == "End the conversation?"
        assert window.locator(".lc-confirm-end").evaluate("b => b === b.getRootNode().activeElement")
        page.keyboard.press("Escape")
        confirm.wait_for(state="detached")
        assert window.locator(".lc-close").evaluate("b => b === b.getRootNode().activeElement")
        window.locator(".lc-close").click()
        window.locator(".lc-confirm-cancel").click()
        confirm.wait_for(state="detached")
        assert odoo.call("livechat.session", "search_read", [("channel_id", "=", channel_id)],
                         fields=["state"])[0]["state"] == "open"
        assert not textarea.is_disabled()

        # ... once: End ends it (keyboard: Tab to End, Enter)
        window.locator(".lc-close").click()
        window.locator(".lc-confirm-end").press("Enter")
        panel = window.locator(".lc-after")
        panel.wait_for()
        wait_until(lambda: odoo.call("livechat.session", "search_read", [("channel_id", "=", channel_id)],
                                     fields=["state"])[0]["state"] == "closed", "the chat to end")
        # the panel scrolls; the conversation keeps at least half the window, its last message in view
        heights = window.evaluate("w => [w.getBoundingClientRect().height,"
                                  " w.querySelector('.lc-messages').getBoundingClientRect().height]")
        assert heights[1] >= heights[0] / 2 - 1, heights
        assert window.locator(".lc-msg-operator:has-text('An answer')").is_visible()
        last = window.locator(".lc-msg-operator:has-text('An answer')").bounding_box()
        messages = window.locator(".lc-messages").bounding_box()
        assert last["y"] + last["height"] <= messages["y"] + messages["height"] + 1
        assert not errors, errors
    finally:
        odoo.retire_channel(channel_id)


def test_chatbot_end_with_nobody_available_offers_the_offline_form(odoo, visitor):
    page, errors = visitor
    script_id = odoo.call("livechat.chatbot.script", "create", {
        "title": "Edge Bot %s" % uuid.uuid4().hex[:6], "bot_name": "Edgy",
        "step_ids": [(0, 0, {"sequence": 1, "step_type": "text", "message": "Hi, I only say hello."})],
    })
    channel_id = odoo.make_channel(rules=[{"action": "display_button", "chatbot_script_id": script_id}],
                                   operators=[], offline_form_enabled=True)
    try:
        page.goto("/livechat/support/%d" % channel_id)
        window = page.locator("[data-odoo-livechat] .lc-window")
        window.locator(".lc-msg-bot:has-text('Hi, I only say hello.')").wait_for()
        window.locator(".lc-msg-bot:has-text('No one is available to continue this conversation')").wait_for()
        window.locator(".lc-notice:text('This conversation has ended.')").wait_for()
        assert window.locator("textarea").is_disabled(), "no typing into a dead conversation"
        assert window.locator(".lc-after").count() == 0, "nothing to rate"
        window.locator(".lc-restart:text('Leave us a message')").click()
        window.locator(".lc-offline").wait_for()
        assert window.locator(".lc-restart").count() == 0
        session = odoo.call("livechat.session", "search_read", [("channel_id", "=", channel_id)],
                            fields=["state"])[0]
        assert session["state"] == "closed"
        assert not errors, errors
    finally:
        odoo.retire_channel(channel_id)
        odoo.call("livechat.chatbot.script", "write", [script_id], {"active": False})


@pytest.mark.parametrize("width, height", [(1280, 800), (375, 700)])
def test_direct_chat_page_is_branded_and_centred(odoo, browser, base_url, width, height):
    channel_id = odoo.make_channel(rules=[{"action": "display_button"}], name="Garden Help %s" % uuid.uuid4().hex[:4])
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto("/livechat/support/%d" % channel_id)
        channel_name = odoo.read("livechat.channel", channel_id, ["name"])["name"]
        company = odoo.read("res.company", odoo.call("res.users", "read", [odoo.uid], ["company_id"])[0]
                            ["company_id"][0], ["name"])["name"]
        header = page.locator(".o_livechat_brand")
        assert header.locator(".o_livechat_company").inner_text() == company
        assert header.locator("h1").inner_text() == channel_name
        logo = header.locator("img.o_livechat_logo")
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=logo.element_handle())
        window = page.locator("[data-odoo-livechat] .lc-window")
        window.wait_for()
        box = window.bounding_box()
        header_box = header.bounding_box()
        assert box["y"] >= header_box["y"] + header_box["height"] - 1, "under the header"
        assert box["y"] + box["height"] <= height + 1
        if width > 800:
            assert box["width"] <= 760
            assert abs(box["x"] + box["width"] / 2 - width / 2) <= 2, "a centred column"
        else:
            assert abs(box["width"] - width) <= 1, "the whole width of a phone"
        form = window.locator(".lc-form").bounding_box()
        assert form["width"] <= box["width"]
    finally:
        context.close()
        odoo.retire_channel(channel_id)
