"""The widget speaks the visitor's language: the page's, else the browser's, else English."""
import os

import pytest
from conftest import odoo_in_romanian

WAIT = 30000  # ms: only bounds a broken run


odoo = pytest.fixture(scope="module", name="odoo")(odoo_in_romanian)


def add_page(site, name, snippet, html_lang):
    """A page of the third-party site; ``html_lang`` None leaves the language to the browser."""
    lang = ' lang="%s"' % html_lang if html_lang else ""
    with open(os.path.join(site.directory, name), "w") as handle:
        handle.write('<!DOCTYPE html><html%s><head><meta charset="utf-8"><title>Magazin</title>'
                     '<link rel="icon" href="data:,">%s</head><body><h1>Unelte de grădină</h1></body></html>'
                     % (lang, snippet))
    return "%s/%s" % (site.url, name)


@pytest.fixture
def channel_id(odoo):
    odoo.set_admin_online()
    channel_id = odoo.make_channel(rules=[{"action": "display_button"}], button_text="Chat with us")
    odoo.call("livechat.channel", "write", [channel_id], {"button_text": "Vorbiți cu noi"},
              context={"lang": "ro_RO"})
    return channel_id


def open_widget(browser, url, locale):
    context = browser.new_context(locale=locale, viewport={"width": 1200, "height": 800})
    context.set_default_timeout(WAIT)
    page = context.new_page()
    page.goto(url)
    launcher = page.locator("[data-odoo-livechat] .lc-launcher")
    launcher.wait_for()
    return context, page, launcher


@pytest.mark.parametrize("html_lang,locale", [("ro", "en-US"), (None, "ro-RO")])
def test_widget_in_romanian(odoo, site, browser, channel_id, html_lang, locale):
    url = add_page(site, "ro.html", odoo.snippet(channel_id), html_lang)
    context, page, launcher = open_widget(browser, url, locale)
    try:
        # the channel's own text, translated by the administrator
        assert launcher.inner_text().strip() == "Vorbiți cu noi"
        launcher.click()
        window = page.locator("[data-odoo-livechat] .lc-window")
        window.wait_for()
        # the widget's own words come translated from the server
        send = window.locator("button:has-text('Trimite')")
        send.wait_for()
        assert page.locator("[data-odoo-livechat] .lc").first.get_attribute("lang") == "ro-RO"
    finally:
        context.close()


def test_widget_stays_english_for_english_visitors(odoo, site, browser, channel_id):
    url = add_page(site, "en.html", odoo.snippet(channel_id), "en")
    context, page, launcher = open_widget(browser, url, "en-US")
    try:
        assert launcher.inner_text().strip() == "Chat with us"
        launcher.click()
        page.locator("[data-odoo-livechat] .lc-window button:has-text('Send')").wait_for()
    finally:
        context.close()
