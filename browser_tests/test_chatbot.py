"""The demo chatbot greets a visitor, asks its questions, and hands over to an operator who answers."""
import pytest


WAIT = 15000  # ms: bounds a broken run only; messages arrive within a second or two
OPERATOR_CHAT_NAME = "Oana from Sales"  # the administrator's Online Chat Name (fixture operator_name)


def xmlid(odoo, name):
    return odoo.call("ir.model.data", "xmlid_to_res_id", "livechat.%s" % name, True)


@pytest.fixture
def sales_channel(odoo):
    """The demo channel of the Welcome Bot, the administrator its only operator (others may be online)."""
    channel_id = xmlid(odoo, "livechat_channel_demo_sales")
    previous = odoo.read("livechat.channel", channel_id, ["user_ids"])["user_ids"]
    odoo.call("livechat.channel", "write", [channel_id], {"user_ids": [(6, 0, [odoo.uid])]})
    yield channel_id
    odoo.call("livechat.channel", "write", [channel_id], {"user_ids": [(6, 0, previous)]})


def wait_available(odoo, channel_id):
    """The administrator's open web client polls the bus: he can take the channel's conversations."""
    for _attempt in range(60):
        odoo.set_admin_online()
        if odoo.read("livechat.channel", channel_id, ["available_operator_count"])["available_operator_count"]:
            return
    raise AssertionError("the operator never became available")


def bot_says(window, text):
    message = window.locator(".lc-msg-bot:has(.lc-body:text-is(%r))" % text)
    message.wait_for()
    return message


def test_demo_script_end_to_end_with_forward(odoo, sales_channel, visitor, admin_page, page_errors, operator_name):
    page, visitor_errors = visitor
    channel_id = sales_channel
    operator = admin_page  # logged into the backend, the operator of the Sales channel
    # on the channels dashboard (Discuss, the first page after login, shows no chat windows)
    operator.goto("/web#action=livechat.livechat_channel_action_kanban")
    operator.locator(".o_livechat_channel_kanban").wait_for()
    wait_available(odoo, channel_id)

    # the demo page embeds the widget as another website would
    page.goto("/livechat/demo?channel_id=%d" % channel_id)
    page.locator("[data-odoo-livechat] .lc-launcher").click()
    window = page.locator("[data-odoo-livechat] .lc-window")
    hello = bot_says(window, "Hello! I am Robin, the virtual assistant of YourCompany.")
    assert hello.locator(".lc-author").inner_text() == "Robin"
    avatar = hello.locator("img.lc-avatar")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=avatar.element_handle())
    assert window.locator(".lc-title").inner_text() == "Robin"

    # the question, its answers as buttons
    bot_says(window, "What do you need?")
    answers = window.locator(".lc-answers .lc-answer")
    answers.first.wait_for()
    assert answers.all_inner_texts() == ["Buy our products", "Help with an order", "Just browsing"]
    answers.nth(1).click()
    window.locator(".lc-msg-visitor .lc-body:text-is('Help with an order')").wait_for()
    bot_says(window, "What is your order number?")
    assert window.locator(".lc-answers").count() == 0, "the buttons go once answered"

    textarea = window.locator("textarea")
    page.wait_for_function("t => t.placeholder === 'Your answer'", arg=textarea.element_handle())
    textarea.fill("SO042")
    textarea.press("Enter")
    bot_says(window, "What is your e-mail address? We will write to you if we get cut off.")
    page.wait_for_function("t => t.placeholder === 'Your e-mail address' && t.inputMode === 'email'",
                           arg=textarea.element_handle())

    # an invalid e-mail is asked again
    textarea.fill("ana at example")
    textarea.press("Enter")
    window.locator(".lc-msg-bot .lc-body:has-text('does not look like an e-mail address')").wait_for()
    textarea.fill("ana@example.com")
    textarea.press("Enter")

    # forward: the operator takes over, with the transcript so far
    bot_says(window, "Thank you! Let me find a colleague who can help you.")
    window.locator(".lc-msg:has-text('Oana from Sales joined the conversation.')").wait_for()
    page.wait_for_function("t => t.textContent === 'Oana from Sales'", arg=window.locator(".lc-title").element_handle())
    assert window.locator(".lc-msg-bot:has-text('We will answer you by e-mail')").count() == 0

    chat_window = operator.locator(".o_chat_window:has-text('ana@example.com')")
    chat_window.wait_for(timeout=WAIT)
    for text in ("What do you need?", "Help with an order", "SO042"):
        assert chat_window.locator(":text('%s')" % text).count() > 0, text
    composer = chat_window.locator(".o_composer_text_field")
    composer.fill("Hello Ana, I am looking at order SO042.")
    composer.press("Enter")
    reply = window.locator(".lc-msg-operator:has-text('Hello Ana, I am looking at order SO042.')")
    reply.wait_for()
    assert reply.locator(".lc-author").inner_text() == "Oana from Sales"

    # the operator reads the answers on the session
    sessions = odoo.call("livechat.session", "search_read", [("channel_id", "=", channel_id)],
                         fields=["chatbot_answer_ids", "operator_id", "chatbot_state"], limit=1, order="id desc")
    assert sessions[0]["operator_id"][0] == odoo.uid
    assert sessions[0]["chatbot_state"] == "forwarded"
    answers = odoo.call("livechat.session.answer", "read", sessions[0]["chatbot_answer_ids"], ["value"])
    assert [answer["value"] for answer in answers] == ["Help with an order", "SO042", "ana@example.com"]

    assert not visitor_errors, visitor_errors
    assert not page_errors, page_errors


def test_chatbot_menu_form_and_test_button(admin_page, context, page_errors):
    page = admin_page
    page.click("a[data-menu-xmlid='livechat.menu_livechat_root']")
    page.click("a[data-menu-xmlid='livechat.menu_livechat_chatbot']")
    page.locator(".o_list_view td:text-is('Welcome Bot')").click()
    form = page.locator(".o_form_view")
    form.locator(".o_livechat_chatbot_steps tr.o_data_row").first.wait_for()
    assert form.locator(".o_livechat_chatbot_steps tr.o_data_row").count() == 7

    # a step opens in a pop-up with its answers
    form.locator(".o_livechat_chatbot_steps td:text-is('What do you need?')").click()
    dialog = page.locator(".modal-dialog")
    dialog.locator("td:text-is('Just browsing')").wait_for()
    assert dialog.locator("td:text-is('Jump to a step')").count() == 1
    dialog.locator(".modal-footer button:has-text('Close'), .modal-footer button:has-text('Discard')").first.click()

    # "Test" opens the direct-chat page with the bot talking
    with context.expect_page() as new_page:
        page.click("button.o_livechat_chatbot_test")
    chat = new_page.value
    chat.wait_for_load_state()
    assert "/livechat/support/" in chat.url and "chatbot=" in chat.url
    chat.locator("[data-odoo-livechat] .lc-msg-bot:has-text('Hello! I am Robin')").wait_for(timeout=WAIT)
    chat.locator("[data-odoo-livechat] .lc-answer:text-is('Just browsing')").click()
    chat.locator("[data-odoo-livechat] .lc-msg-bot:has-text('Enjoy your visit!')").wait_for(timeout=WAIT)
    assert not page_errors, page_errors
