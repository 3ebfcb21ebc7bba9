"""After the chat and instead of it, in a real browser: rating and transcript from the widget,
the offline form, and canned responses in the operator's composer."""
import json
import time

from conftest import own_browser_page


def wait_until(check, timeout=30, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError("timed out waiting for %s" % message)


def unexpected(page_errors):
    """JS errors and failed requests, but not the browser's log lines for the 400 answers these tests
    provoke on purpose (invalid addresses) nor the demo page's missing favicon: those are checked by URL."""
    return [error for error in page_errors if not error.startswith("console: Failed to load resource")]


def watch_failed_requests(page):
    """URLs answered 4xx, the favicon aside."""
    failed = []
    page.on("response", lambda r: 400 <= r.status < 500 and not r.url.endswith("/favicon.ico")
            and failed.append("%s %s" % (r.status, r.url.split("?")[0])))
    return failed


def widget_ready(page):
    page.wait_for_selector("[data-odoo-livechat][data-ready='1']", state="attached")


def demo_visitor(browser, base_url, odoo, page_errors, channel_id):
    """A visitor's page (a browser context of its own, its errors in ``page_errors``), once the
    administrator, an operator of ``channel_id``, is available (he is in the backend)."""
    wait_until(lambda: odoo.call("livechat.channel", "read", [channel_id], ["available_operator_count"])[0]
               ["available_operator_count"], message="the operator to be online")
    return own_browser_page(browser, base_url, 15000, errors=page_errors,
                            viewport={"width": 1280, "height": 800})[0]


def visitor_writes(visitor, channel_id, text):
    """On the channel's demo page, the visitor opens the chat and sends ``text``; returns once it is sent."""
    visitor.goto("/livechat/demo?channel_id=%d" % channel_id)
    widget_ready(visitor)
    visitor.click(".lc-launcher")
    visitor.wait_for_selector(".lc-input:not([disabled])")
    visitor.fill(".lc-input", text)
    visitor.press(".lc-input", "Enter")
    visitor.wait_for_selector(".lc-msg-visitor[data-id]:has-text(%s)" % json.dumps(text))


def test_visitor_rates_and_asks_for_the_transcript(admin_page, browser, base_url, odoo, page_errors):
    channel_id = odoo.ref("livechat.livechat_channel_demo_support")
    visitor = demo_visitor(browser, base_url, odoo, page_errors, channel_id)
    failed = watch_failed_requests(visitor)
    try:
        visitor_writes(visitor, channel_id, "Hello, where is my order?")

        session = odoo.call("livechat.session", "search_read", [("channel_id", "=", channel_id)],
                            fields=["id", "mail_channel_id", "operator_id"], order="id desc", limit=1)[0]
        odoo.call("mail.channel", "message_post", [session["mail_channel_id"][0]],
                  body="It ships today.", message_type="comment", subtype="mail.mt_comment")
        visitor.wait_for_selector(".lc-msg-operator:has-text('It ships today.')")

        # the visitor ends the chat: the rating and transcript panel replaces the input
        visitor.click(".lc-close")
        visitor.click(".lc-confirm-end")
        panel = visitor.locator(".lc-after")
        panel.wait_for()
        assert not visitor.locator(".lc-form").is_visible()
        assert panel.locator(".lc-rating-send").is_disabled(), "nothing to send before a choice"
        limits = visitor.evaluate("() => window.odooLivechat.widget.config.limits")  # the server's, from init
        assert panel.locator(".lc-rating-comment").get_attribute("maxlength") == str(limits["rating_comment"])
        assert panel.locator(".lc-transcript-email").get_attribute("maxlength") == str(limits["email"])
        panel.locator(".lc-rate-happy").click()
        assert panel.locator(".lc-rate-happy").get_attribute("aria-pressed") == "true"
        panel.locator(".lc-rating-comment").fill("Fast answer <b>thanks</b>")
        panel.locator(".lc-rating-send").click()
        panel.locator(".lc-after-thanks").wait_for()

        # transcript: a bad address is refused with a readable message and kept for correction
        email = panel.locator(".lc-transcript-email")
        email.fill("ana.example.com")
        panel.locator(".lc-transcript button[type=submit]").click()
        error = panel.locator(".lc-transcript .lc-after-status.lc-after-error")
        error.wait_for()
        assert "valid e-mail address" in error.inner_text()
        email.fill("ana@example")  # the browser accepts it, the server does not
        panel.locator(".lc-transcript button[type=submit]").click()
        visitor.wait_for_selector(".lc-transcript .lc-after-error:has-text('ana@example')")
        assert email.input_value() == "ana@example", "nothing the visitor typed is lost"
        email.fill("ana@example.com")
        panel.locator(".lc-transcript button[type=submit]").click()
        visitor.wait_for_selector(".lc-transcript .lc-after-status:not(.lc-after-error):has-text('ana@example.com')")

        assert failed == ["400 %s/livechat/api/session/transcript" % base_url], "only the refused address"
        panel.locator(".lc-after-close").click()
        visitor.wait_for_selector(".lc-window", state="detached")
        assert visitor.locator(".lc-launcher").is_visible()
    finally:
        visitor.context.close()

    # the server has the rating, the operator reads it in the conversation, the e-mail is queued
    rated = odoo.call("livechat.session", "read", [session["id"]], ["rating", "rating_comment", "state"])[0]
    assert rated["rating"] == "happy"
    assert rated["rating_comment"] == "Fast answer <b>thanks</b>"
    assert rated["state"] == "closed"
    notices = odoo.call("mail.message", "search_read", [("model", "=", "mail.channel"),
                                                        ("res_id", "=", session["mail_channel_id"][0]),
                                                        ("body", "ilike", "rated the conversation")], fields=["body"])
    assert len(notices) == 1 and "Happy" in notices[0]["body"]
    mails = odoo.call("mail.mail", "search_read", [("email_to", "=", "ana@example.com")], fields=["body_html"])
    assert len(mails) == 1
    assert "Hello, where is my order?" in mails[0]["body_html"]
    assert "It ships today." in mails[0]["body_html"]

    # the session history shows the whole conversation and the rating
    page = admin_page
    page.goto("/web#model=livechat.session&id=%d&view_type=form" % session["id"])
    conversation = page.locator(".o_livechat_conversation")
    conversation.wait_for()
    assert "Hello, where is my order?" in conversation.inner_text()
    assert "It ships today." in conversation.inner_text()
    assert "Happy" in page.locator(".o_form_view").inner_text()
    assert not unexpected(page_errors), page_errors


def test_no_transcript_offered_before_an_operator_answered(admin_page, browser, base_url, odoo, page_errors):
    """A conversation only the visitor wrote in can be rated, but not e-mailed: the server refuses it (a
    transcript is then no relay for his own text), and the widget does not offer what would be refused."""
    channel_id = odoo.ref("livechat.livechat_channel_demo_support")
    visitor = demo_visitor(browser, base_url, odoo, page_errors, channel_id)
    try:
        visitor_writes(visitor, channel_id, "Anybody there?")
        visitor.click(".lc-close")
        visitor.click(".lc-confirm-end")
        panel = visitor.locator(".lc-after")
        panel.wait_for()
        assert panel.locator(".lc-rate-happy").is_visible(), "the conversation can still be rated"
        assert panel.locator(".lc-transcript").count() == 0, "no transcript form before an operator answered"
    finally:
        visitor.context.close()
    assert not unexpected(page_errors), page_errors


def test_offline_form_when_nobody_is_available(page, base_url, odoo, page_errors):
    failed = watch_failed_requests(page)
    nobody = odoo.call("res.users", "create", {"name": "Never Online", "login": "never_online_offline_form"})
    channel_id = odoo.call("livechat.channel", "create", {
        "name": "After Hours", "user_ids": [(6, 0, [nobody])], "offline_form_enabled": True,
        "offline_form_text": "We are closed. Leave a message!"})
    page.goto("/livechat/demo?channel_id=%d" % channel_id)
    widget_ready(page)
    page.click(".lc-launcher")
    form = page.locator(".lc-offline")
    form.wait_for()
    assert "We are closed. Leave a message!" in form.inner_text()
    assert not page.locator(".lc-input").is_visible(), "no chat input: nobody would answer"
    limits = page.evaluate("() => window.odooLivechat.widget.config.limits")  # the server's, from init
    for field, limit in (("input[name=name]", "offline_name"), ("input[name=email]", "email"),
                         ("textarea[name=message]", "offline_message")):
        assert form.locator(field).get_attribute("maxlength") == str(limits[limit]), field

    form.locator("input[name=email]").fill("ana@example.com")
    form.locator("textarea[name=message]").fill("Do you deliver on Sundays?")
    form.locator("button[type=submit]").click()
    error = form.locator(".lc-after-status.lc-after-error")
    error.wait_for()
    assert "name" in error.inner_text()
    assert form.locator("textarea[name=message]").input_value() == "Do you deliver on Sundays?"

    form.locator("input[name=name]").fill("Ana <Pop>")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".lc-offline-sent")
    assert failed == ["400 %s/livechat/api/offline/send" % base_url], "only the form without a name"

    records = odoo.call("livechat.offline.message", "search_read", [("channel_id", "=", channel_id)],
                        fields=["name", "email", "message", "state"])
    assert records == [{"id": records[0]["id"], "name": "Ana <Pop>", "email": "ana@example.com",
                        "message": "Do you deliver on Sundays?", "state": "new"}]
    # the widget's browser id goes with it: erasing this visitor's data finds the message
    browser_id = page.evaluate("() => JSON.parse(Object.entries(localStorage).find(([k]) => k.endsWith(':uid'))[1])")
    stored = odoo.call("livechat.offline.message", "read", [records[0]["id"]], ["visitor_uid"])[0]["visitor_uid"]
    assert browser_id and stored == browser_id
    assert not unexpected(page_errors), page_errors


def test_channel_without_offline_form_shows_no_button(page, odoo, page_errors):
    nobody = odoo.call("res.users", "create", {"name": "Also Never Online", "login": "never_online_no_form"})
    channel_id = odoo.call("livechat.channel", "create", {"name": "Closed Shop", "user_ids": [(6, 0, [nobody])]})
    page.goto("/livechat/demo?channel_id=%d" % channel_id)
    widget_ready(page)
    assert page.locator(".lc-launcher").count() == 0
    odoo.call("livechat.channel", "write", [channel_id], {"offline_form_enabled": True})
    page.reload()
    widget_ready(page)
    page.click(".lc-launcher")
    page.locator(".lc-offline").wait_for()
    assert not unexpected(page_errors), page_errors


def test_canned_response_in_the_operator_composer(admin_page, odoo, page_errors):
    odoo.call("livechat.canned.response", "create", {"shortcut": "patience", "answer": "Thank you for your patience!"})
    page = admin_page
    page.goto("/web#action=mail.mail_channel_action_client_chat")
    page.click(".o_mail_chat_sidebar .o_mail_chat_channel_item:has-text('general')")
    composer = page.locator(".o_mail_chat_content .o_composer_input textarea").first
    composer.wait_for()
    composer.click()
    composer.type("Hi :pati", delay=50)
    suggestion = page.locator(".o_mention_proposition:has-text('patience')")
    suggestion.wait_for()
    # the list of an earlier keystroke (":" lists every response) may still show: wait for ":pati"'s
    page.wait_for_function("""() => [...document.querySelectorAll('.o_mention_proposition')]
        .every((proposition) => proposition.textContent.includes('patience'))""", timeout=15000)
    assert "Thank you for your patience!" in suggestion.inner_text()
    composer.press("Enter")
    assert composer.input_value() == "Hi Thank you for your patience! "
    assert not unexpected(page_errors), page_errors
