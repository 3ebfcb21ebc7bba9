"""Typing, "Seen" and the unread count, from both sides: the operator in Odoo's web client (chat window
and Discuss), the visitor in the widget (a direct chat page, a third-party site)."""
import test_operator_discuss as discuss
from conftest import login
from test_operator_discuss import (OPERATOR_LOGIN, join_from_kanban, open_conversation,
                                   open_discuss, say, sessions_of, start_chat, wait_until)

WAIT = discuss.WAIT
# the operator tests' fixtures: a channel of its own, the operator's id, browsers of their own
channel = discuss.channel
operator_uid = discuss.operator_uid
new_browser_page = discuss.new_browser_page

# what the page sees of the widget's sound: every tone the widget starts (WebAudio oscillators)
COUNT_TONES = """
window.__tones = 0;
const Context = window.AudioContext;
window.AudioContext = class extends Context {
    createOscillator() {
        const oscillator = super.createOscillator();
        const start = oscillator.start.bind(oscillator);
        oscillator.start = (...args) => { window.__tones += 1; return start(...args); };
        return oscillator;
    }
};
"""


def wait_text(page, locator, text):
    """Wait until ``locator``'s element reads exactly ``text`` (checked in the page)."""
    page.wait_for_function("([el, text]) => el.textContent === text", arg=[locator.element_handle(), text])


def test_typing_and_seen_both_ways(odoo, channel, operator_uid, page, page_errors, new_browser_page):
    operator = page
    login(operator, OPERATOR_LOGIN, OPERATOR_LOGIN)
    join_from_kanban(operator, channel, odoo)

    visitor, visitor_errors = new_browser_page()
    window = start_chat(visitor, channel)
    say(window, "Hello, is my parcel on its way?")
    session = sessions_of(odoo, channel)[0]
    # this conversation's window (another test's may still be open)
    chat_window = operator.locator(".o_chat_window.o_livechat_window:has("
                                   ".o_thread_message:has-text('Hello, is my parcel on its way?'))")
    chat_window.wait_for()

    # the operator's window shows the message: the visitor reads "Seen" under it
    chat_window.locator(".o_mail_thread").click()
    window.locator(".lc-msg-visitor:has-text('Hello, is my parcel') .lc-seen:text-is('Seen')").wait_for()
    assert window.locator(".lc-seen").count() == 1

    # the visitor types: the operator's window says so; his input empties: it is gone
    textarea = window.locator("textarea")
    textarea.type("Also, can I", delay=20)
    typing = chat_window.locator(".o_livechat_typing")
    typing.wait_for()
    assert typing.inner_text().strip() == "%s is typing..." % session["visitor_name"]
    textarea.fill("")
    typing.wait_for(state="detached")

    # the operator types: the visitor's widget says "Marc is typing..."; it goes when he sends
    visitor_typing = window.locator(".lc-typing")
    assert visitor_typing.is_hidden()
    composer = chat_window.locator(".o_composer_text_field")
    composer.type("Let me check", delay=20)
    wait_text(visitor, visitor_typing, "Marc is typing...")
    assert visitor_typing.is_visible()
    composer.press("Enter")
    window.locator(".lc-msg-operator:has-text('Let me check')").wait_for()
    wait_text(visitor, visitor_typing, "")
    assert visitor_typing.is_hidden()

    # the visitor's window showed the reply: "Seen" under it in the operator's window
    chat_window.locator(".o_thread_message:has-text('Let me check') .o_livechat_seen:text-is('Seen')").wait_for()
    assert chat_window.locator(".o_livechat_seen").count() == 1
    assert odoo.read("livechat.session", session["id"], ["visitor_seen_message_id"])["visitor_seen_message_id"]

    # Discuss, after a reload: "Seen" again (the server kept it), and the visitor's typing
    open_discuss(operator)
    open_conversation(operator, session["mail_channel_id"][0])
    content = operator.locator(".o_mail_chat_content")
    content.locator(".o_thread_message:has-text('Let me check') .o_livechat_seen").wait_for()
    textarea.type("One more thing", delay=20)
    discuss_typing = content.locator(".o_livechat_typing")
    discuss_typing.wait_for()
    assert session["visitor_name"] in discuss_typing.inner_text()
    textarea.press("Enter")
    content.locator(".o_thread_message:has-text('One more thing')").wait_for()
    discuss_typing.wait_for(state="detached")

    # typing is never a message
    messages = odoo.call("mail.message", "search_read", [("model", "=", "mail.channel"),
                                                         ("res_id", "=", session["mail_channel_id"][0]),
                                                         ("livechat_welcome", "=", False)],
                         fields=["body"])
    assert len(messages) == 3, [message["body"] for message in messages]
    assert not page_errors, page_errors
    assert not visitor_errors, visitor_errors
    window.locator(".lc-close").click()
    window.locator(".lc-confirm-end").click()  # "End the conversation?"
    wait_until(lambda: sessions_of(odoo, channel)[0]["state"] == "closed", "the chat to end")
    memberships = odoo.call("mail.channel.partner", "search", [("channel_id", "=", session["mail_channel_id"][0])])
    odoo.call("mail.channel.partner", "write", memberships,
              {"is_minimized": False, "is_pinned": False, "fold_state": "closed"})


def test_unread_badge_title_sound_and_reopening(odoo, site, visitor):
    page, errors = visitor
    odoo.set_admin_online()
    channel_id = odoo.make_channel(rules=[{"action": "display_button"}], unread_sound=True)
    page.add_init_script(COUNT_TONES)
    page.goto(site.add_page("index.html", odoo.snippet(channel_id), title="Partner Garden Shop"))
    launcher = page.locator("[data-odoo-livechat] .lc-launcher")
    launcher.click()
    window = page.locator("[data-odoo-livechat] .lc-window")
    say(window, "Hello")
    session = odoo.call("livechat.session", "search_read", [("channel_id", "=", channel_id)],
                        fields=["mail_channel_id"])[0]

    def post(text):
        return odoo.call("mail.channel", "message_post", [session["mail_channel_id"][0]], body=text,
                         message_type="comment", subtype="mail.mt_comment")

    # minimized: the operator's two answers are counted on the button, the title blinks, a tone each
    window.locator(".lc-minimize").click()
    badge = launcher.locator(".lc-badge")
    assert badge.is_hidden()
    post("First answer.")
    wait_text(page, badge, "1")
    post("Second answer.")
    wait_text(page, badge, "2")
    assert badge.is_visible()
    page.wait_for_function("document.title === '(2) New message'")
    page.wait_for_function("document.title === 'Partner Garden Shop'")  # it blinks
    assert launcher.get_attribute("aria-label").endswith("(Unread messages: 2)")
    assert page.locator("[data-odoo-livechat] .lc-sr[aria-live=polite]").inner_text() == "Unread messages: 2"
    assert page.evaluate("window.__tones") == 2

    # a reload keeps the count
    page.reload()
    wait_text(page, badge, "2")
    page.wait_for_function("document.title === '(2) New message'")
    assert page.evaluate("window.__tones") == 0, "no sound again for what was counted already"

    # reopening clears it all, and tells the operator what was seen
    launcher.click()
    window.locator(".lc-msg-operator:has-text('Second answer.')").wait_for()
    page.wait_for_function("document.title === 'Partner Garden Shop'")
    page.wait_for_timeout(1500)  # no blink left running
    assert page.title() == "Partner Garden Shop"
    assert page.locator("[data-odoo-livechat] .lc-sr").inner_text() == ""
    domain = [("model", "=", "mail.channel"), ("res_id", "=", session["mail_channel_id"][0])]
    last = odoo.call("mail.message", "search", domain, order="id desc", limit=1)[0]

    def seen():
        return odoo.read("livechat.session", session["id"], ["visitor_seen_message_id"])["visitor_seen_message_id"]
    wait_until(lambda: seen() == last, "the visitor's seen to be kept")
    window.locator(".lc-minimize").click()
    assert badge.is_hidden()
    page.reload()
    launcher.wait_for()
    page.wait_for_timeout(1000)  # the history is read again: nothing is counted from it
    assert badge.is_hidden()
    assert page.title() == "Partner Garden Shop"
    assert not errors, errors
