"""A visitor chats from a page of another website while an operator answers in the Odoo backend."""

WAIT = 30000  # ms: messages arrive within a second or two; this only bounds a broken run (busy CI)
OPERATOR_CHAT_NAME = "Oana from Support"  # the administrator's Online Chat Name (fixture operator_name)


def wait_online(odoo):
    """The operator's open web client polls the bus: he is online."""
    for _attempt in range(60):
        if odoo.read("res.users", odoo.uid, ["im_status"])["im_status"] == "online":
            return
        odoo.set_admin_online()
    raise AssertionError("the operator never came online")


def test_visitor_and_operator_chat_across_origins(odoo, site, visitor, admin_page, page_errors, operator_name):
    page, visitor_errors = visitor
    channel_id = odoo.make_channel(rules=[{"action": "display_button"}])
    url = site.add_page("index.html", odoo.snippet(channel_id))
    site.add_page("other.html", odoo.snippet(channel_id), title="Another page of the shop")
    assert not url.startswith(odoo.base_url)

    # the operator works in the backend (not in Discuss, which shows conversations in its own list):
    # his web client polls the bus, and chat windows open at the bottom right
    operator = admin_page
    operator.goto("/web#action=livechat.livechat_channel_action_kanban")
    operator.wait_for_selector(".o_kanban_view")
    wait_online(odoo)

    page.goto(url)
    launcher = page.locator("[data-odoo-livechat] .lc-launcher")
    launcher.wait_for()
    assert launcher.inner_text().strip() == "Chat with our team"
    assert launcher.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(31, 111, 67)"
    # the page's own CSS ("button { background: red }") does not reach the widget
    assert launcher.evaluate("b => getComputedStyle(b).fontSize") != "40px"

    launcher.click()
    window = page.locator("[data-odoo-livechat] .lc-window")
    window.wait_for()
    title = window.locator(".lc-title")
    page.wait_for_function("t => t.textContent === 'Oana from Support'", arg=title.element_handle())
    assert window.locator(".lc-header").evaluate("h => getComputedStyle(h).backgroundColor") == "rgb(18, 52, 86)"
    first = window.locator(".lc-msg").first
    assert first.locator(".lc-body").inner_text() == "Hello! What can we do for you?"
    assert first.locator(".lc-author").inner_text() == "Oana from Support"
    textarea = window.locator("textarea")
    assert textarea.get_attribute("placeholder") == "Ask us anything..."
    page.wait_for_function("t => !t.disabled", arg=textarea.element_handle())
    assert textarea.evaluate("t => t === t.getRootNode().activeElement"), "the input has the focus"

    # visitor -> operator: text, never markup
    textarea.fill("Do you sell <b>rakes</b>?")
    textarea.press("Enter")
    window.locator(".lc-msg-visitor[data-id] .lc-body:text-is('Do you sell <b>rakes</b>?')").wait_for()
    chat_window = operator.locator(".o_chat_window:has-text('Do you sell <b>rakes</b>?')")
    chat_window.wait_for(timeout=WAIT)
    assert operator.locator(".o_chat_window b:text-is('rakes')").count() == 0

    # operator -> visitor, from Odoo's own chat window
    composer = chat_window.locator(".o_composer_text_field")
    composer.fill("Yes, we have 12 kinds of rakes.")
    composer.press("Enter")
    reply = window.locator(".lc-msg-operator:has-text('Yes, we have 12 kinds of rakes.')")
    reply.wait_for()
    assert reply.locator(".lc-author").inner_text() == "Oana from Support"

    # the conversation survives navigation to another page of the site, and a reload
    page.click("#next")
    page.wait_for_url("**/other.html")
    window.locator(".lc-msg-operator:has-text('Yes, we have 12 kinds of rakes.')").wait_for()
    page.reload()
    window.locator(".lc-msg-visitor:has-text('Do you sell <b>rakes</b>?')").wait_for()
    assert window.locator(".lc-title").inner_text() == "Oana from Support"
    composer.fill("Still there after your reload?")
    composer.press("Enter")
    window.locator(".lc-msg-operator:has-text('Still there after your reload?')").wait_for()

    # the visitor ends the conversation: the operator is told
    window.locator(".lc-close").click()
    window.locator(".lc-confirm-end").click()
    chat_window.locator(":text('left the conversation.')").wait_for()
    window.locator(".lc-after-close").click()  # after the end-of-chat panel (rating, transcript)
    launcher.wait_for()
    assert page.locator("[data-odoo-livechat] .lc-window").count() == 0

    assert not visitor_errors, visitor_errors
    assert not page_errors, page_errors


def test_messages_sent_during_an_outage_arrive_after_reconnecting(odoo, site, visitor):
    page, _errors = visitor  # failed requests are the point of this test
    odoo.set_admin_online()
    channel_id = odoo.make_channel(rules=[{"action": "display_button"}])
    page.goto(site.add_page("index.html", odoo.snippet(channel_id)))
    page.locator("[data-odoo-livechat] .lc-launcher").click()
    window = page.locator("[data-odoo-livechat] .lc-window")
    textarea = window.locator("textarea")
    page.wait_for_function("t => !t.disabled", arg=textarea.element_handle())
    textarea.fill("Hello")
    textarea.press("Enter")
    window.locator(".lc-msg-visitor[data-id]").wait_for()
    session = odoo.call("livechat.session", "search_read", [("channel_id", "=", channel_id)],
                        fields=["mail_channel_id"])[0]

    def post(text):
        odoo.call("mail.channel", "message_post", [session["mail_channel_id"][0]], body=text,
                  message_type="comment", subtype="mail.mt_comment")

    # the server goes away (a restart): live updates and history fail
    def down(url):
        return "/longpolling/livechat/poll" in url or "/livechat/api/session/history" in url

    def refuse(route):
        route.abort("connectionrefused")

    page.route(down, refuse)
    post("Sorry for the wait.")  # answers the poll in flight; the next ones fail
    window.locator(".lc-notice:text('Connection lost. Reconnecting...')").wait_for(timeout=60000)
    post("Here is the answer.")
    post("And a second one.")
    page.unroute(down, refuse)
    window.locator(".lc-msg-operator:has-text('And a second one.')").wait_for(timeout=60000)
    bodies = window.locator(".lc-msg-operator .lc-body").all_inner_texts()
    assert bodies[-3:] == ["Sorry for the wait.", "Here is the answer.", "And a second one."]
    assert window.locator(".lc-notice").is_hidden()
