"""The operator's workspace from his web client, with a visitor in another browser: the visitor panel
updating as the visitor navigates, /note and /history that never reach the visitor, the conversation
status (back to In progress when the visitor writes), "Looking for help" seen by another operator
who joins, the live Ongoing board.
"""
import json

import test_operator_discuss as discuss
from conftest import login, open_livechat_app
from test_operator_discuss import (OPERATOR_LOGIN, channel,  # noqa: F401 (fixture)
                                   join_from_kanban, open_conversation, open_discuss, sessions_of, start_chat,
                                   say, wait_until)

__all__ = ["channel"]
# ms: bounds a broken run (the machine running the tests may be very busy: a first login compiles assets)
WAIT = 60000
new_browser_page = discuss.new_browser_page  # browsers of their own, with this module's WAIT


def command(composer, name, text=""):
    """Type ``/name`` in a composer, pick it in the completion, add ``text`` and send."""
    page = composer.page
    composer.type("/" + name)
    page.locator(".o_mention_proposition:has-text(%s)" % json.dumps(name)).first.wait_for()
    # the list of the whole name, not one left from a shorter prefix whose first (picked by Enter) is
    # another command: "/h" lists /help first
    page.wait_for_function("name => { const items = document.querySelectorAll('.o_mention_proposition');"
                           " return items.length === 1 && items[0].textContent.includes(name); }", arg=name)
    composer.press("Enter")
    if text:
        composer.type(text)
    composer.press("Enter")


def session_of(odoo, session_id, fields):
    return odoo.read("livechat.session", session_id, fields)


def test_workspace_from_the_operators_chat_window(odoo, channel, page, page_errors, new_browser_page):
    operator = page
    operator.set_default_timeout(WAIT)
    login(operator, OPERATOR_LOGIN, OPERATOR_LOGIN)
    join_from_kanban(operator, channel, odoo)

    visitor, visitor_errors = new_browser_page(timeout=WAIT)
    window = start_chat(visitor, channel)
    say(window, "Hello, I need an invoice")
    session = sessions_of(odoo, channel)[0]
    chat_window = operator.locator(".o_chat_window.o_livechat_window")
    chat_window.locator(".o_thread_message:has-text('Hello, I need an invoice')").wait_for()

    # the panel: folded to the status and the tags, unfolded by its toggle
    panel = chat_window.locator(".o_livechat_workspace")
    assert panel.locator(".o_livechat_status_select").input_value() == "in_progress"
    assert not panel.locator(".o_livechat_ws_details").is_visible()
    panel.locator(".o_livechat_panel_toggle").click()
    chat_window.locator(".o_livechat_ws_details").wait_for()
    assert "Not verified" in chat_window.locator(".o_livechat_ws_identity").inner_text()

    # the visitor opens another page: the panel's current page follows (the widget reports it)
    visitor.goto("/livechat/support/%d?step=pricing" % channel["id"])
    window.locator(".lc-msg-visitor:has-text('Hello, I need an invoice')").wait_for()
    chat_window.locator(".o_livechat_current_page_link:has-text('step=pricing')").wait_for()

    # /note: kept on the session, shown in the panel, never sent to the visitor
    composer = chat_window.locator(".o_composer_text_field")
    command(composer, "note", "secret-note-1234 refund approved")
    chat_window.locator(".o_livechat_note_body:has-text('secret-note-1234 refund approved')").wait_for()
    # /history: answered to the operator only
    command(composer, "history")
    chat_window.locator(".o_thread_message:has-text('Pages visited by')").wait_for()
    assert "step=pricing" in chat_window.locator(".o_thread_message:has-text('Pages visited by')").inner_text()
    # a message after both reaches the visitor; neither the note nor the history did
    composer.fill("Your invoice is on its way.")
    composer.press("Enter")
    window.locator(".lc-msg-operator:has-text('Your invoice is on its way.')").wait_for()
    visitor_text = window.inner_text()
    assert "secret-note-1234" not in visitor_text
    assert "Pages visited by" not in visitor_text
    assert "/note" not in visitor_text and "/history" not in visitor_text
    assert odoo.call("mail.message", "search_count", [("model", "=", "mail.channel"),
                                                      ("res_id", "=", session["mail_channel_id"][0]),
                                                      ("body", "ilike", "secret-note")]) == 0

    # the status: Waiting for customer from the panel, back to In progress when the visitor writes
    chat_window.locator(".o_livechat_status_select").select_option("waiting")
    wait_until(lambda: session_of(odoo, session["id"], ["conversation_status"])["conversation_status"] == "waiting",
               "the status is saved")
    say(window, "Thanks, got it")
    wait_until(lambda: session_of(odoo, session["id"], ["conversation_status"])["conversation_status"]
               == "in_progress", "back to In progress")
    operator.wait_for_function(
        "() => { const s = document.querySelector('.o_livechat_window .o_livechat_status_select');"
        " return !!s && s.value === 'in_progress'; }")

    # Looking for help: another operator of the channel is told, joins, the visitor reads it
    odoo.call("livechat.channel", "write", [channel["id"]], {"user_ids": [(4, odoo.uid)]})
    helper, helper_errors = new_browser_page(timeout=WAIT)
    login(helper, "admin", "admin")
    open_livechat_app(helper)
    chat_window.locator(".o_livechat_status_select").select_option("help")
    notification = helper.locator(".o_livechat_help_notification")
    notification.wait_for()
    assert session["visitor_name"] in notification.inner_text()
    notification.locator(".o_livechat_help_join").click()
    helper_window = helper.locator(".o_chat_window.o_livechat_window")
    helper_window.locator(".o_thread_message:has-text('Hello, I need an invoice')").wait_for()
    # the helper reads the notes of whoever handled it before him
    helper_window.locator(".o_livechat_panel_toggle").click()
    helper_window.locator(".o_livechat_note_body:has-text('secret-note-1234')").wait_for()
    window.locator(".lc-msg-notification:has-text('joined the conversation.')").wait_for()
    assert "secret-note-1234" not in window.inner_text()

    # Discuss' LIVECHAT list shows the status
    open_discuss(operator)
    item = operator.locator(".o_livechat_channel_item[data-channel-id='%d']" % session["mail_channel_id"][0])
    item.locator(".o_livechat_status_badge.o_livechat_status_help").wait_for()
    open_conversation(operator, session["mail_channel_id"][0])
    operator.locator(".o_livechat_workspace_side .o_livechat_note_body:has-text('secret-note-1234')").wait_for()

    assert not page_errors, page_errors
    assert not visitor_errors, visitor_errors
    assert not helper_errors, helper_errors


def test_ongoing_board_updates_live(odoo, channel, page, page_errors, new_browser_page):
    operator = page
    operator.set_default_timeout(WAIT)
    login(operator, OPERATOR_LOGIN, OPERATOR_LOGIN)
    join_from_kanban(operator, channel, odoo)
    operator.goto("/web#action=livechat.livechat_session_action_ongoing")
    # the board, empty (nothing going on) or not
    operator.locator(".o_list_view:visible, .oe_view_nocontent:visible").first.wait_for()  # Odoo 11: oe_

    visitor, visitor_errors = new_browser_page(timeout=WAIT)
    window = start_chat(visitor, channel)
    say(window, "Anyone there?")
    session = sessions_of(odoo, channel)[0]
    # the new conversation appears without a reload, with its status
    row = operator.locator(".o_data_row:has-text(%s)" % json.dumps(session["visitor_name"]))
    row.wait_for()
    assert "In Progress" in row.inner_text()
    odoo.call("livechat.session", "action_set_conversation_status", [session["id"]], "waiting")
    operator.locator(".o_data_row:has-text(%s):has-text('Waiting for Customer')"
                     % json.dumps(session["visitor_name"])).wait_for()
    # it ends: it leaves the board
    window.locator(".lc-close").click()
    window.locator(".lc-confirm-end").click()  # "End the conversation?"
    row.wait_for(state="detached")

    assert not page_errors, page_errors
    assert not visitor_errors, visitor_errors
