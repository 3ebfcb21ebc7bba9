"""The operator's side in Odoo's web client, with a visitor in another browser.

The operator (the demo user, "Marc" for visitors) joins a channel from its Kanban card; visitors
start chats from the channel's direct chat page; the operator answers from the chat window and
from Discuss; LEAVE and inactivity stop new chats.
"""
import json
import time
import uuid
from datetime import datetime, timedelta

import pytest

from conftest import login, open_livechat_app, own_browser_page

WAIT = 20000  # ms: bounds a broken run; things arrive within a second or two
PARAM = "livechat.operator_inactivity_minutes"
OPERATOR_LOGIN = "demo"


@pytest.fixture
def operator_uid(odoo):
    return odoo.call("res.users", "search", [("login", "=", OPERATOR_LOGIN)])[0]


@pytest.fixture
def channel(odoo):
    """A channel of its own (no operator yet), so that other tests' operators never answer here."""
    name = "Operator Test %s" % uuid.uuid4().hex[:6]
    # first on the dashboard (top left): no chat window (bottom right) stands in front of its card
    channel_id = odoo.make_channel(rules=[{"action": "display_button"}], operators=[], name=name,
                                   offline_form_enabled=False, sequence=0)
    yield {"id": channel_id, "name": name}
    odoo.call("livechat.channel", "write", [channel_id], {"active": False})


@pytest.fixture
def inactivity_minutes(odoo):
    """Sets the inactivity limit for the test; puts the previous value back afterwards."""
    previous = odoo.call("ir.config_parameter", "get_param", PARAM)

    def set_limit(minutes):
        odoo.call("ir.config_parameter", "set_param", PARAM, str(minutes))

    yield set_limit
    odoo.call("ir.config_parameter", "set_param", PARAM, previous or "30")


@pytest.fixture
def new_browser_page(browser, base_url):
    """Pages in browsers of their own (one context each: no shared cookie or storage); ``timeout``
    (ms) bounds their waits, this module's ``WAIT`` unless another module's test says otherwise."""
    pages = []

    def new_page(timeout=WAIT):
        page, errors = own_browser_page(browser, base_url, timeout, viewport={"width": 1280, "height": 800})
        pages.append(page)
        return page, errors

    yield new_page
    for page in pages:
        page.context.close()


def wait_until(condition, what, attempts=60):
    for _attempt in range(attempts):
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError("never happened: %s" % what)


def available_operators(odoo, channel):
    return odoo.read("livechat.channel", channel["id"], ["available_operator_count"])["available_operator_count"]


def sessions_of(odoo, channel):
    return odoo.call("livechat.session", "search_read", [("channel_id", "=", channel["id"])],
                     fields=["visitor_name", "operator_id", "state", "mail_channel_id"], order="id")


def join_from_kanban(page, channel, odoo):
    """The operator clicks JOIN on the channel's Kanban card (Live Chat app); returns the card once his
    web client, polling the bus, has made him the channel's one available operator."""
    open_livechat_app(page)
    card = page.locator(".o_kanban_record:has-text('%s')" % channel["name"])
    card.locator(".o_livechat_join").click()
    card.locator(".o_livechat_leave").wait_for()
    wait_until(lambda: available_operators(odoo, channel) == 1, "the operator is available")
    return card


def start_chat(visitor, channel):
    """A visitor opens the channel's direct chat page; returns the chat window once he can type."""
    visitor.goto("/livechat/support/%d" % channel["id"])
    window = visitor.locator("[data-odoo-livechat] .lc-window")
    window.wait_for()
    return window


def say(window, text):
    textarea = window.locator("textarea")
    window.page.wait_for_function("t => !t.disabled", arg=textarea.element_handle())
    textarea.fill(text)
    textarea.press("Enter")
    window.locator(".lc-msg-visitor[data-id]:has-text(%s)" % json.dumps(text)).wait_for()


def open_discuss(page):
    page.goto("/web?reload=%s#action=mail.mail_channel_action_client_chat" % uuid.uuid4().hex[:6])
    page.locator(".o_mail_chat_sidebar").wait_for()


def open_conversation(page, mail_channel_id):
    """Clicks a conversation in Discuss's sidebar; returns its item once it is the open one.

    The sidebar is re-rendered whenever a counter changes: a click whose press and release fall on
    either side of a re-render reaches no item, hence one click event, dispatched on the item.
    """
    item = page.locator(".o_livechat_channel_item[data-channel-id='%d']" % mail_channel_id)
    item.dispatch_event("click")
    page.locator(".o_livechat_channel_item.o_active[data-channel-id='%d']" % mail_channel_id).wait_for()
    return item


def wait_bold(page, channel_id, bold=True):
    """Wait until the conversation's item in Discuss' sidebar is (or is not) shown in bold.

    Checked inside the page in one go: the sidebar re-renders as notifications arrive."""
    page.wait_for_function(
        "([id, bold]) => { const item = document.querySelector(`.o_livechat_channel_item[data-channel-id='${id}']`);"
        " return !!item && (parseInt(getComputedStyle(item).fontWeight, 10) >= 700) === bold; }",
        arg=[channel_id, bold])


def test_operator_answers_in_window_and_discuss(odoo, channel, operator_uid, page, page_errors, new_browser_page):
    operator = page
    login(operator, OPERATOR_LOGIN, OPERATOR_LOGIN)
    join_from_kanban(operator, channel, odoo)

    # a visitor starts a chat: it is routed to him, his chat window opens bottom-right on the Kanban
    visitor, visitor_errors = new_browser_page()
    window = start_chat(visitor, channel)
    say(window, "Hello, where is my <b>order</b>?")
    first = sessions_of(odoo, channel)[0]
    assert first["operator_id"][0] == operator_uid
    chat_window = operator.locator(".o_chat_window.o_livechat_window")
    chat_window.locator(".o_thread_message:has-text('Hello, where is my <b>order</b>?')").wait_for()
    assert chat_window.locator(".o_chat_title").inner_text().strip().startswith(first["visitor_name"])
    assert chat_window.locator(".o_thread_author:text-is(%s)" % json.dumps(first["visitor_name"])).count() == 1
    assert chat_window.locator(".o_thread_message b:text-is('order')").count() == 0, "text, not HTML"
    info = chat_window.locator(".o_livechat_visitor")
    assert first["visitor_name"] in info.inner_text()
    assert "/livechat/support/%d" % channel["id"] in info.locator(".o_livechat_visitor_start").inner_text()
    # it is also in the messaging menu of the top bar
    messaging_menu = operator.locator(".o_mail_navbar_item:has(.fa-comments)")
    messaging_menu.locator("> a").click()
    messaging_menu.locator(".o_mail_channel_preview:has-text(%s)" % json.dumps(first["visitor_name"])).wait_for()
    messaging_menu.locator("> a").click()

    # the visitor opens another page (the chat goes on there): the operator sees it at once
    # (its #fragment, where sites keep state and tokens, is not reported)
    visitor.goto("/livechat/support/%d?step=checkout#access_token=s3cr3t" % channel["id"])
    visitor.reload()
    window.locator(".lc-msg-visitor:has-text('Hello, where is my')").wait_for()
    checkout = "%s/livechat/support/%d?step=checkout" % (odoo.base_url, channel["id"])
    info.locator(".o_livechat_visitor_pages a[href=%s]" % json.dumps(checkout)).wait_for()
    assert "s3cr3t" not in info.inner_text()

    # the operator answers from the chat window
    composer = chat_window.locator(".o_composer_text_field")
    composer.fill("It left our warehouse this morning.")
    composer.press("Enter")
    reply = window.locator(".lc-msg-operator:has-text('It left our warehouse this morning.')")
    reply.wait_for()
    assert reply.locator(".lc-author").inner_text() == "Marc"

    # a second visitor, from Romania (as GeoIP would say), starts another chat
    second_visitor, second_errors = new_browser_page()
    second_window = start_chat(second_visitor, channel)
    say(second_window, "Buna ziua!")
    second = sessions_of(odoo, channel)[1]
    assert second["operator_id"][0] == operator_uid
    romania = odoo.call("res.country", "search", [("code", "=", "RO")])[0]
    odoo.call("livechat.session", "write", [second["id"]], {"country_id": romania})

    # Discuss: both under LIVECHAT, newest first, already read (the windows showed them)
    open_discuss(operator)
    heading = operator.locator(".o_livechat_sidebar_title")
    assert heading.inner_text().strip() == "LIVECHAT"
    items = operator.locator(".o_livechat_channel_item")
    assert items.count() == 2
    assert items.nth(0).get_attribute("data-channel-id") == str(second["mail_channel_id"][0])
    assert items.nth(1).get_attribute("data-channel-id") == str(first["mail_channel_id"][0])
    assert items.nth(0).locator("img.o_livechat_flag[src$='/ro.png']").count() == 1
    wait_bold(operator, first["mail_channel_id"][0], bold=False)

    # the first visitor writes again while the operator looks at his Inbox: bold
    say(window, "Can I change the delivery address?")
    operator.wait_for_function(
        "id => document.querySelector(`.o_livechat_channel_item[data-channel-id='${id}']`)"
        ".classList.contains('o_unread_message')", arg=first["mail_channel_id"][0])
    wait_bold(operator, first["mail_channel_id"][0])

    # he opens it: the conversation and the visitor in the main pane, no longer bold
    open_conversation(operator, first["mail_channel_id"][0])
    content = operator.locator(".o_mail_chat_content")
    content.locator(".o_thread_message:has-text('Can I change the delivery address?')").wait_for()
    pane_info = content.locator(".o_livechat_visitor")
    assert first["visitor_name"] in pane_info.locator(".o_livechat_visitor_name").inner_text()
    assert pane_info.locator(".o_livechat_visitor_pages li").count() == 1
    operator.wait_for_function(
        "id => !document.querySelector(`.o_livechat_channel_item[data-channel-id='${id}']`)"
        ".classList.contains('o_unread_message')", arg=first["mail_channel_id"][0])
    wait_bold(operator, first["mail_channel_id"][0], bold=False)

    # he chats from Discuss as in the window
    discuss_composer = content.locator(".o_composer_text_field:visible")
    discuss_composer.fill("Yes: send it to me here.")
    discuss_composer.press("Enter")
    window.locator(".lc-msg-operator:has-text('Yes: send it to me here.')").wait_for()

    # the Romanian visitor's conversation shows his country
    open_conversation(operator, second["mail_channel_id"][0])
    content.locator(".o_thread_message:has-text('Buna ziua!')").wait_for()
    assert "Romania" in content.locator(".o_livechat_visitor_country").inner_text()

    # /leave: the visitor is told and his chat ends; the conversation leaves the list
    discuss_composer.type("/leave")
    operator.locator(".o_mention_proposition:has-text('leave')").wait_for()
    discuss_composer.press("Enter")
    discuss_composer.press("Enter")
    second_window.locator(".lc-msg-notification:has-text('Marc left the conversation.')").wait_for()
    second_window.locator(".lc-notice:text('This conversation has ended.')").wait_for()
    operator.locator(".o_livechat_channel_item[data-channel-id='%d']"
                     % second["mail_channel_id"][0]).wait_for(state="detached")
    assert operator.locator(".o_livechat_channel_item").count() == 1
    assert sessions_of(odoo, channel)[1]["state"] == "closed"

    # the first visitor leaves while the operator reads his conversation: it leaves the list at once,
    # the open thread stays and says when he left
    item = open_conversation(operator, first["mail_channel_id"][0])
    window.locator(".lc-close").click()
    window.locator(".lc-confirm-end").click()
    item.wait_for(state="detached")
    assert operator.locator(".o_livechat_sidebar_title").count() == 0
    content.locator(".o_livechat_visitor_left_at").wait_for()
    assert "The visitor left at" in content.locator(".o_livechat_visitor_left_at").inner_text()
    # ended, both stay readable in the session history
    assert [session["state"] for session in sessions_of(odoo, channel)] == ["closed", "closed"]

    assert not page_errors, page_errors
    assert not visitor_errors, visitor_errors
    assert not second_errors, second_errors


def test_chat_window_opens_with_the_visitors_first_message(odoo, channel, page, page_errors, new_browser_page):
    """A visitor who opens the chat without writing disturbs no operator; his first message does."""
    operator = page
    login(operator, OPERATOR_LOGIN, OPERATOR_LOGIN)
    join_from_kanban(operator, channel, odoo)

    visitor, visitor_errors = new_browser_page()
    window = start_chat(visitor, channel)
    wait_until(lambda: sessions_of(odoo, channel), "the chat is open, the operator reserved")
    assert not sessions_of(odoo, channel)[0]["mail_channel_id"]
    operator.wait_for_timeout(2000)  # a notification would have reached his web client by now
    assert operator.locator(".o_chat_window.o_livechat_window").count() == 0, "no window for a silent chat"

    say(window, "Hello, is anyone there?")
    chat_window = operator.locator(".o_chat_window.o_livechat_window")
    chat_window.locator(".o_thread_message:has-text('Hello, is anyone there?')").wait_for()
    assert chat_window.count() == 1
    assert not page_errors, page_errors
    assert not visitor_errors, visitor_errors
    # the next tests log in as the same operator: the chat ends, and he removes it (as with its X)
    window.locator(".lc-close").click()
    window.locator(".lc-confirm-end").click()
    wait_until(lambda: sessions_of(odoo, channel)[0]["state"] == "closed", "the chat to end")
    conversation = sessions_of(odoo, channel)[0]["mail_channel_id"][0]
    memberships = odoo.call("mail.channel.partner", "search", [("channel_id", "=", conversation)])
    odoo.call("mail.channel.partner", "write", memberships,
              {"is_minimized": False, "is_pinned": False, "fold_state": "closed"})


def test_after_leave_no_new_chat_is_routed(odoo, channel, page, page_errors, new_browser_page):
    operator = page
    login(operator, OPERATOR_LOGIN, OPERATOR_LOGIN)
    card = join_from_kanban(operator, channel, odoo)
    operator.wait_for_timeout(500)  # Odoo's Kanban ignores a card's second click within 300 ms
    card.locator(".o_livechat_leave").click()
    card.locator(".o_livechat_join").wait_for()
    assert available_operators(odoo, channel) == 0

    visitor, visitor_errors = new_browser_page()
    window = start_chat(visitor, channel)
    window.locator(".lc-notice:has-text('no one is available')").wait_for()
    assert not sessions_of(odoo, channel)
    assert operator.locator(".o_chat_window.o_livechat_window").count() == 0
    assert not page_errors, page_errors
    assert not visitor_errors, visitor_errors


def test_idle_operator_gets_no_new_chat(odoo, channel, operator_uid, new_browser_page, inactivity_minutes):
    inactivity_minutes(5)
    operator, operator_errors = new_browser_page()
    login(operator, OPERATOR_LOGIN, OPERATOR_LOGIN)
    join_from_kanban(operator, channel, odoo)
    assert not operator_errors, operator_errors
    operator.close()  # his web client stops polling: what the bus knows of him is written below
    # what the bus records of a web client left open without a click for 10 minutes
    presence = odoo.call("bus.presence", "search", [("user_id", "=", operator_uid)])
    now = datetime.utcnow()
    odoo.call("bus.presence", "write", presence, {
        "last_poll": now.strftime("%Y-%m-%d %H:%M:%S"),
        "last_presence": (now - timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M:%S"),
    })
    assert available_operators(odoo, channel) == 0

    visitor, visitor_errors = new_browser_page()
    window = start_chat(visitor, channel)
    window.locator(".lc-notice:has-text('no one is available')").wait_for()
    assert not sessions_of(odoo, channel)
    assert not visitor_errors, visitor_errors

    # the scheduled action disconnects him: he is no longer an operator of the channel
    cron_id = odoo.call("ir.model.data", "xmlid_to_res_id", "livechat.ir_cron_livechat_remove_inactive_operators")
    odoo.call("ir.cron", "method_direct_trigger", [cron_id])
    assert operator_uid not in odoo.read("livechat.channel", channel["id"], ["user_ids"])["user_ids"]
