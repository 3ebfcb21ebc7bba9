"""Transfer and business hours, as the operator and the visitor see them.

The administrator answers a visitor and transfers the conversation with /transfer (the transfer form
completes the operator's name) to the demo user ("Marc" for visitors): the visitor reads "Marc joined
the conversation." and sees Marc in his window's header; the note stays among operators. Outside
business hours the visitor gets the offline form and "We're back ... at 9:00" in his language and
timezone, in Romanian too.
"""
import datetime
import json
import uuid
from zoneinfo import ZoneInfo

import pytest

from conftest import login, open_livechat_app

WAIT = 20000  # ms: bounds a broken run
RO_WEEKDAYS = ["luni", "marți", "miercuri", "joi", "vineri", "sâmbătă", "duminică"]
EN_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@pytest.fixture
def marc(odoo):
    uid = odoo.call("res.users", "search", [("login", "=", "demo")])[0]
    odoo.call("res.users", "write", [uid], {"livechat_username": "Marc"})
    return {"id": uid, "name": odoo.read("res.users", uid, ["name"])["name"]}


@pytest.fixture
def channel(odoo):
    name = "Transfer Test %s" % uuid.uuid4().hex[:6]
    channel_id = odoo.make_channel(rules=[{"action": "display_button"}], name=name, offline_form_enabled=False,
                                   sequence=0)
    yield {"id": channel_id, "name": name}
    odoo.retire_channel(channel_id)


def test_operator_transfers_to_another_operator(odoo, channel, marc, page, page_errors, visitor):
    operator = page
    odoo.set_admin_online()
    login(operator)
    open_livechat_app(operator)
    operator.locator(".o_kanban_record:has-text(%s)" % json.dumps(channel["name"])).wait_for()
    visitor_page, visitor_errors = visitor
    visitor_page.goto("/livechat/support/%d" % channel["id"])
    window = visitor_page.locator("[data-odoo-livechat] .lc-window")
    textarea = window.locator("textarea")
    visitor_page.wait_for_function("t => !t.disabled", arg=textarea.element_handle())
    textarea.fill("I would like 40 garden chairs")
    textarea.press("Enter")
    session = odoo.call("livechat.session", "search_read", [("channel_id", "=", channel["id"])],
                        fields=["operator_id", "mail_channel_id"])[0]
    assert session["operator_id"][0] == odoo.uid

    # the administrator's chat window opens; he invites Marc: "@Mar" completes the operators' names
    # (his chat window of this visitor: other tests may have left him other conversations)
    chat_window = operator.locator(
        ".o_chat_window.o_livechat_window:has(.o_thread_message:has-text('40 garden chairs'))")
    chat_window.wait_for()
    composer = chat_window.locator(".o_composer_text_field")
    composer.type("/invite")
    operator.locator(".o_mention_proposition:has-text('invite')").wait_for()
    composer.press("Enter")
    composer.type(" @%s" % marc["name"][:3])
    operator.locator(".o_mention_proposition:has-text(%s)" % json.dumps(marc["name"])).click()
    composer.type(" can you check the stock?")
    composer.press("Enter")
    window.locator(".lc-msg-notification:has-text('Marc joined the conversation.')").wait_for()
    # the note is for operators: the administrator reads it, the visitor does not
    chat_window.locator(".o_thread_message:has-text('can you check the stock?')").wait_for()
    assert "stock" not in window.inner_text()
    assert window.locator(".lc-title").inner_text() != "Marc", "an invited colleague: the operator stays"

    # then he types /transfer alone: the transfer form opens
    composer.type("/transfer")
    operator.locator(".o_mention_proposition:has-text('transfer')").wait_for()
    composer.press("Enter")
    composer.press("Enter")
    dialog = operator.locator(".modal:has(.o_field_widget[name=note])")
    dialog.wait_for()
    # the operator's name completes
    dialog.locator(".o_field_many2one[name=operator_id] input").type(marc["name"][:4])
    operator.locator(".ui-autocomplete li a:text-is(%s)" % json.dumps(marc["name"])).click()
    dialog.locator("textarea.o_field_widget[name=note]").fill("VIP customer, wants a discount")
    dialog.locator(".modal-footer button:has-text('Confirm')").click()
    dialog.wait_for(state="detached")

    # the header shows Marc (who joined already: the visitor is not told twice)
    visitor_page.wait_for_function(
        "() => document.querySelector('[data-odoo-livechat]').shadowRoot"
        ".querySelector('.lc-title').textContent === 'Marc'")
    # the administrator left the conversation: his chat window closes
    chat_window.wait_for(state="detached")
    session = odoo.read("livechat.session", session["id"], ["operator_id"])
    assert session["operator_id"][0] == marc["id"]
    transfers = odoo.call("livechat.session.transfer", "search_read", [("session_id", "=", session["id"])],
                          fields=["kind", "from_operator_id", "to_operator_id", "note"], order="id")
    assert [(t["kind"], t["from_operator_id"][0], t["to_operator_id"][0], t["note"]) for t in transfers] == [
        ("invite", odoo.uid, marc["id"], "can you check the stock?"),
        ("transfer", odoo.uid, marc["id"], "VIP customer, wants a discount")]
    assert window.locator(".lc-msg-notification:has-text('Marc joined the conversation.')").count() == 1
    # the note never reached the visitor; after a reload the header still shows Marc
    assert "discount" not in window.inner_text()
    visitor_page.reload()
    window.locator(".lc-msg-notification:has-text('Marc joined the conversation.')").wait_for()
    assert window.locator(".lc-title").inner_text() == "Marc"
    assert "discount" not in window.inner_text()
    assert not page_errors, page_errors
    assert not visitor_errors, visitor_errors


# business hours -----------------------------------------------------------------
def closed_until(odoo, channel_id, days_closed):
    """The channel opens weekdays and weekends 9:00-17:00 in Bucharest, but is closed today and the next
    ``days_closed - 1`` days (holidays): returns the date it opens again (Bucharest)."""
    today = datetime.datetime.now(ZoneInfo("Europe/Bucharest")).date()
    odoo.call("livechat.channel", "write", [channel_id], {
        "hours_enabled": True, "hours_tz": "Europe/Bucharest", "hours_closed_action": "offline_form",
        "hours_ids": [(0, 0, {"dayofweek": str(day), "hour_from": 9, "hour_to": 17}) for day in range(7)],
        "holiday_ids": [(0, 0, {"date": (today + datetime.timedelta(days=offset)).isoformat(), "closed": True})
                        for offset in range(days_closed)],
    })
    return today + datetime.timedelta(days=days_closed)


def visitor_sees(browser, site, odoo, channel_id, locale, timezone, html_lang="en"):
    lang = ' lang="%s"' % html_lang
    path = "%s.html" % uuid.uuid4().hex[:8]
    with open("%s/%s" % (site.directory, path), "w") as handle:
        handle.write('<!DOCTYPE html><html%s><head><meta charset="utf-8"><title>Shop</title>'
                     '<link rel="icon" href="data:,">%s</head><body><h1>Shop</h1></body></html>'
                     % (lang, odoo.snippet(channel_id)))
    context = browser.new_context(locale=locale, timezone_id=timezone, viewport={"width": 1200, "height": 800})
    context.set_default_timeout(WAIT)
    page = context.new_page()
    page.goto("%s/%s" % (site.url, path))
    launcher = page.locator("[data-odoo-livechat] .lc-launcher")
    launcher.click()
    back = page.locator("[data-odoo-livechat] .lc-offline .lc-offline-back")
    back.wait_for()
    return context, page, back.inner_text()


def test_outside_business_hours_offline_form_and_back_at(odoo, site, browser, channel):
    odoo.call("livechat.channel", "write", [channel["id"]], {"offline_form_enabled": True})
    opening = closed_until(odoo, channel["id"], 2)
    day = EN_WEEKDAYS[opening.weekday()]
    # written in the widget's language (the server's answer: en_US), in the visitor's timezone:
    # in Bucharest, the channel's: 9:00; in London (two hours behind, in summer too): 7:00
    context, page, text = visitor_sees(browser, site, odoo, channel["id"], "en-US", "Europe/Bucharest")
    assert text == "We're back %s at 9:00 AM." % day
    assert page.locator("[data-odoo-livechat] .lc-offline input[name=email]").count() == 1
    context.close()
    context, page, text = visitor_sees(browser, site, odoo, channel["id"], "en-US", "Europe/London")
    assert text == "We're back %s at 7:00 AM." % day
    context.close()


def test_outside_business_hours_in_romanian(odoo, site, browser, channel):
    if not odoo.call("res.lang", "search", [("code", "=", "ro_RO"), ("active", "=", True)]):
        wizard = odoo.call("base.language.install", "create", {"lang": "ro_RO"})
        odoo.call("base.language.install", "lang_install", [wizard])
    odoo.call("livechat.channel", "write", [channel["id"]], {"offline_form_enabled": True})
    # the sentence as i18n/ro.po has it (written here, so that this test does not wait for the .po)
    src = "We're back {day} at {time}."
    if not odoo.call("ir.translation", "search", [("src", "=", src), ("lang", "=", "ro_RO"), ("type", "=", "code")]):
        odoo.call("ir.translation", "create", {
            "name": "addons/livechat/models/livechat_channel_hours.py", "type": "code", "lang": "ro_RO",
            "src": src, "value": "Revenim {day} la {time}.", "module": "livechat", "state": "translated"})
    opening = closed_until(odoo, channel["id"], 3)
    context, page, text = visitor_sees(browser, site, odoo, channel["id"], "ro-RO", "Europe/Bucharest", "ro")
    try:
        # the day's name and the time written by the browser, in Romanian
        assert text == "Revenim %s la 9:00." % RO_WEEKDAYS[opening.weekday()]
        page.locator("[data-odoo-livechat] .lc-offline button:has-text('Trimite')").wait_for()
    finally:
        context.close()
