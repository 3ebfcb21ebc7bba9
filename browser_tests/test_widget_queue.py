"""Waiting in line, in real browsers: three visitors see their places 1-2-3, then move up as a slot frees;
what the second wrote while waiting reaches the operator; "Leave a message instead" opens the offline
form; the words are the server's, in Romanian too."""
import datetime
import json
import os
import re
import time
import uuid

import httpx
import pytest

from widget_support import Odoo

WAIT = 30000  # ms: positions arrive within a second; this only bounds a broken run
RO_PO = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "i18n", "ro.po")


@pytest.fixture(scope="module")
def admin(base_url, db_name):
    return Odoo(base_url, db_name, timeout=None)  # installing a language takes its time


@pytest.fixture
def operator(admin):
    """Pia, an operator of her own (other tests' chats do not count in her load), online."""
    login = "pia_%s" % uuid.uuid4().hex[:6]
    user_id = admin.call("res.users", "create", {
        "name": "Pia Queue", "login": login, "password": login,
        "groups_id": [(4, admin.ref("base.group_user")), (4, admin.ref("livechat.group_livechat_user"))],
    })
    stamp = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")
    admin.call("bus.presence", "create", {"user_id": user_id, "last_poll": stamp, "last_presence": stamp,
                                          "status": "online"})
    return user_id


@pytest.fixture
def channel_id(admin, operator):
    channel_id = admin.make_channel(rules=[{"action": "display_button"}], operators=[operator],
                                    limit_conversations=True, max_conversations=1, offline_form_enabled=True)
    yield channel_id
    admin.retire_channel(channel_id)


def api_visitor(base_url, channel_id):
    """A visitor through the API alone: he takes the operator's only slot."""
    answer = httpx.post(base_url + "/livechat/api/session/open", timeout=30,
                        content=json.dumps({"channel_id": channel_id, "url": "https://shop.example.com/"})).json()
    assert answer["state"] == "open", answer
    return answer["token"]


def leave(base_url, token):
    response = httpx.post(base_url + "/livechat/api/session/leave", timeout=30, content=json.dumps({"token": token}))
    assert response.status_code == 200, response.text


def open_visitor(browser, url, locale="en-US"):
    context = browser.new_context(locale=locale, viewport={"width": 1200, "height": 800})
    context.set_default_timeout(WAIT)
    errors = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append("pageerror: %s" % exc))
    page.on("console", lambda msg: msg.type == "error" and errors.append("console: %s" % msg.text))
    page.goto(url)
    page.locator("[data-odoo-livechat] .lc-launcher").click()
    window = page.locator("[data-odoo-livechat] .lc-window")
    window.wait_for()
    return context, page, window, errors


def until(condition, timeout=WAIT / 1000.0):
    """Until ``condition()`` is true (what the server did after a request the page sent on its own)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not within %d s" % timeout
        time.sleep(0.2)


def wait_text(page, locator, pattern):
    """Until ``locator``'s text matches ``pattern`` (a regular expression)."""
    page.wait_for_function("([node, source]) => node && new RegExp(source).test(node.textContent)",
                           arg=[locator.element_handle(), pattern])
    return locator.inner_text()


def test_three_visitors_see_their_places_then_move_up(admin, base_url, site, browser, channel_id):
    url = site.add_page("queue.html", admin.snippet(channel_id))
    first_token = api_visitor(base_url, channel_id)
    visitors = []
    try:
        for _number in range(3):
            visitors.append(open_visitor(browser, url))
        places = [window.locator(".lc-queue-position") for _context, _page, window, _errors in visitors]
        for (_context, page, _window, _errors), place, text in zip(visitors, places, (
                r"^You are next in line · about \d+ minutes?$",
                r"^You are number 2 in line · about \d+ minutes$",
                r"^You are number 3 in line · about \d+ minutes$")):
            wait_text(page, place, text)
        for _context, _page, window, _errors in visitors:
            assert window.locator(".lc-queue-leave").inner_text() == "Leave a message instead"
            assert window.locator(".lc-queue-leave").is_visible()

        # the second writes while he waits: his message shows, and will be in the conversation
        _context, second_page, second_window, _errors = visitors[1]
        second_window.locator("textarea").fill("My order 42 never arrived")
        second_window.locator("textarea").press("Enter")
        second_window.locator(".lc-msg-visitor[data-id] .lc-body:text-is('My order 42 never arrived')").wait_for()

        # a slot frees: the first is served at once, the others move up, live
        leave(base_url, first_token)
        _context, first_page, first_window, _errors = visitors[0]
        first_page.wait_for_function("t => t.textContent === 'Pia Queue'",
                                     arg=first_window.locator(".lc-title").element_handle())
        first_window.locator(".lc-queue").wait_for(state="detached")
        wait_text(second_page, places[1], r"^You are next in line")
        wait_text(visitors[2][1], places[2], r"^You are number 2 in line")

        # the third leaves a message instead: the offline form, his place goes to nobody else
        _context, third_page, third_window, _errors = visitors[2]
        third_window.locator(".lc-queue-leave").click()
        third_window.locator("form.lc-offline").wait_for()
        expected = [("closed", False), ("open", "assigned"), ("waiting", False), ("closed", "left")]
        # the widget's leave request goes out as the form shows (keepalive): a moment later it is done
        until(lambda: [(row["state"], row["queue_outcome"]) for row in admin.call(
            "livechat.session", "search_read", [("channel_id", "=", channel_id)],
            fields=["state", "queue_outcome"], order="id")] == expected)

        # the first closes his chat: the second is served, and the operator reads what he wrote while waiting
        first_window.locator(".lc-close").click()
        first_window.locator(".lc-confirm-end").click()  # "End the conversation?"
        second_page.wait_for_function("t => t.textContent === 'Pia Queue'",
                                      arg=second_window.locator(".lc-title").element_handle())
        second = admin.call("livechat.session", "search_read", [("channel_id", "=", channel_id)],
                            fields=["state", "operator_id", "mail_channel_id"], order="id")[2]
        assert second["state"] == "open"
        conversation = second["mail_channel_id"][0]
        bodies = [message["body"] for message in
                  admin.call("mail.channel", "channel_fetch_message", [conversation], limit=20)]
        assert any("My order 42 never arrived" in body for body in bodies), bodies
        members = admin.call("mail.channel", "read", [conversation], ["channel_partner_ids"])[0]["channel_partner_ids"]
        operator_partner = admin.read("res.users", second["operator_id"][0], ["partner_id"])["partner_id"][0]
        assert operator_partner in members
        for _context, _page, _window, errors in visitors:
            assert errors == []
    finally:
        for context, _page, _window, _errors in visitors:
            context.close()


def romanian_translated():
    with open(RO_PO, encoding="utf-8") as handle:
        return re.search(r'msgid "You are next in line"\nmsgstr "[^"]+"', handle.read()) is not None


def test_the_place_in_line_in_romanian(admin, base_url, site, browser, channel_id):
    if not romanian_translated():
        pytest.skip("i18n/ro.po has no translation of the queue's texts yet (the integrator fills it from "
                    "the helper's fragment)")
    if not admin.call("res.lang", "search", [("code", "=", "ro_RO"), ("active", "=", True)]):
        wizard = admin.call("base.language.install", "create", {"lang": "ro_RO", "overwrite": True})
        admin.call("base.language.install", "lang_install", [wizard])
    url = site.add_page("coada.html", admin.snippet(channel_id))
    with open(os.path.join(site.directory, "coada.html"), "w") as handle:  # a page in Romanian
        handle.write('<!DOCTYPE html><html lang="ro"><head><meta charset="utf-8"><title>Magazin</title>'
                     '<link rel="icon" href="data:,">%s</head><body><h1>Unelte</h1></body></html>'
                     % admin.snippet(channel_id))
    api_visitor(base_url, channel_id)
    visitors = []
    try:
        for _number in range(2):
            visitors.append(open_visitor(browser, url, locale="ro-RO"))
        wait_text(visitors[0][1], visitors[0][2].locator(".lc-queue-position"), r"^Urmați la rând · aproximativ")
        wait_text(visitors[1][1], visitors[1][2].locator(".lc-queue-position"), r"^Sunteți numărul 2 la rând")
        assert visitors[1][2].locator(".lc-queue-leave").inner_text() == "Lăsați un mesaj în schimb"
    finally:
        for context, _page, _window, _errors in visitors:
            context.close()


def test_operator_status_in_the_systray(admin_page, odoo):
    """The operator chooses Online / Busy / Away in the backend's systray; it is stored on his user."""
    page = admin_page
    status = page.locator(".o_livechat_operator_status")
    try:
        status.locator(".o_livechat_status_toggle").wait_for()
        assert status.locator(".o_livechat_status_label").inner_text().strip() == "Online"
        status.locator(".o_livechat_status_toggle").click()
        status.locator(".o_livechat_status_choice[data-status=busy]").click()
        page.wait_for_function(
            "() => (document.querySelector('.o_livechat_status_label') || {}).textContent === 'Busy'")
        assert odoo.read("res.users", odoo.uid, ["livechat_status"])["livechat_status"] == "busy"
    finally:
        odoo.call("res.users", "write", [odoo.uid], {"livechat_status": "online"})
