"""WCAG 2.2 AA of the visitor's side, in a real browser: axe-core's automated audit of every screen the
visitor meets (button, open window, after-chat panel, offline form, direct-chat page) in English and
Romanian, at desktop and phone size; a chat driven by the keyboard alone; reduced motion honoured.

axe-core comes from npm (tools/setup.sh installs it next to lessc, in .cache/node). The widget's shadow
root is open, so ``axe.run(document)`` audits inside it."""
import os
import uuid

import pytest
from conftest import odoo_in_romanian

WAIT = 30000  # ms: only bounds a broken run
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AXE = os.path.join(ROOT, ".cache", "node", "node_modules", "axe-core", "axe.min.js")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 667}}
LANGUAGES = {"en": "en-US", "ro": "ro-RO"}
WIDGET = "[data-odoo-livechat]"


odoo = pytest.fixture(scope="module", name="odoo")(odoo_in_romanian)


@pytest.fixture(scope="module")
def axe_source():
    assert os.path.exists(AXE), "axe-core is missing: run tools/setup.sh"
    with open(AXE) as handle:
        return handle.read()


def audit(page, axe_source, screen):
    """axe-core's WCAG 2.0-2.2 A/AA rules on the whole page, the widget's shadow root included: no
    violation, else the list of them, readable."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)  # evaluated, not a <script>: a page's CSP cannot refuse it
    violations = page.evaluate("""(tags) => axe.run(document, {runOnly: {type: "tag", values: tags},
                                                              resultTypes: ["violations"]})
                                  .then((result) => result.violations.map((v) => ({
                                      id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.map((n) => [JSON.stringify(n.target), n.failureSummary])})))""",
                               WCAG_TAGS)
    lines = []
    for violation in violations:
        lines.append("%s (%s): %s" % (violation["id"], violation["impact"], violation["help"]))
        lines.extend("    %s\n      %s" % (target, (summary or "").replace("\n", "\n      "))
                     for target, summary in violation["nodes"])
    assert not violations, "axe, %s:\n%s" % (screen, "\n".join(lines))


def add_page(site, html_lang, snippet):
    """A plain page of a third-party site, in ``html_lang``, embedding the widget."""
    name = "a11y-%s.html" % uuid.uuid4().hex[:8]
    with open(os.path.join(site.directory, name), "w") as handle:
        handle.write('<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8"><title>Garden</title>'
                     '<meta name="viewport" content="width=device-width, initial-scale=1">'
                     '<link rel="icon" href="data:,">%s</head><body><main><h1>Garden tools</h1>'
                     '<p><a href="#spades">Spades</a></p></main></body></html>' % (html_lang, snippet))
    return "%s/%s" % (site.url, name)


def new_page(browser, base_url, lang, size, **options):
    context = browser.new_context(base_url=base_url, locale=LANGUAGES[lang], viewport=VIEWPORTS[size], **options)
    context.set_default_timeout(WAIT)
    errors = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def channel(odoo, lang, **values):
    odoo.set_admin_online()
    return odoo.make_channel(rules=[{"action": "display_button"}], **values)


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_axe_finds_nothing_from_button_to_rating(odoo, site, browser, base_url, axe_source, lang, size):
    channel_id = channel(odoo, lang)
    context, page, errors = new_page(browser, base_url, lang, size)
    try:
        page.goto(add_page(site, lang, odoo.snippet(channel_id)))
        launcher = page.locator(WIDGET + " .lc-launcher")
        launcher.wait_for()
        audit(page, axe_source, "the closed button (%s, %s)" % (lang, size))

        launcher.click()
        window = page.locator(WIDGET + " .lc-window")
        page.locator(WIDGET + " .lc-input:not([disabled])").wait_for()
        assert page.locator(WIDGET + " .lc").first.get_attribute("lang").startswith(lang)
        page.fill(WIDGET + " .lc-input", "Hello, do you sell spades?")
        page.press(WIDGET + " .lc-input", "Enter")
        window.locator(".lc-msg-visitor[data-id]").wait_for()
        session = odoo.call("livechat.session", "search_read", [("channel_id", "=", channel_id)],
                            fields=["mail_channel_id"], limit=1)[0]
        odoo.call("mail.channel", "message_post", [session["mail_channel_id"][0]],
                  body="Yes, see https://example.com/spades", message_type="comment", subtype="mail.mt_comment")
        window.locator(".lc-msg-operator:has-text('Yes, see')").wait_for()
        audit(page, axe_source, "the open window with messages (%s, %s)" % (lang, size))

        window.locator(".lc-close").click()
        audit(page, axe_source, "the end-of-chat question (%s, %s)" % (lang, size))
        window.locator(".lc-confirm-end").click()
        window.locator(".lc-after").wait_for()
        audit(page, axe_source, "the after-chat panel (%s, %s)" % (lang, size))
        assert not errors, errors
    finally:
        context.close()
        odoo.retire_channel(channel_id)


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_axe_finds_nothing_on_offline_form_and_direct_chat_page(odoo, site, browser, base_url, axe_source,
                                                                lang, size):
    offline_id = odoo.make_channel(rules=[{"action": "display_button"}], operators=[], offline_form_enabled=True)
    online_id = channel(odoo, lang)
    context, page, errors = new_page(browser, base_url, lang, size)
    try:
        page.goto(add_page(site, lang, odoo.snippet(offline_id)))
        page.locator(WIDGET + " .lc-launcher").click()
        page.locator(WIDGET + " .lc-offline").wait_for()
        audit(page, axe_source, "the offline form (%s, %s)" % (lang, size))

        page.goto("/livechat/support/%d" % online_id)
        page.locator(WIDGET + " .lc-input:not([disabled])").wait_for()
        audit(page, axe_source, "the direct-chat page (%s, %s)" % (lang, size))
        assert not errors, errors
    finally:
        context.close()
        odoo.retire_channel(offline_id)
        odoo.retire_channel(online_id)


def focused(page):
    """The class of the element that has the keyboard focus, inside the widget's shadow root or not."""
    return page.evaluate("""() => {
        let node = document.activeElement;
        while (node && node.shadowRoot && node.shadowRoot.activeElement) { node = node.shadowRoot.activeElement; }
        return node ? (node.getAttribute('class') || node.tagName.toLowerCase()) : '';
    }""")


def tab_to(page, css_class, limit=15, key="Tab"):
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        seen.append(focused(page))
        if css_class in seen[-1].split():
            return seen
    raise AssertionError("%s never took the focus; the focus went through %s" % (css_class, seen))


def test_a_chat_with_the_keyboard_only(odoo, site, browser, base_url):
    channel_id = channel(odoo, "en")
    context, page, errors = new_page(browser, base_url, "en", "desktop")
    try:
        page.goto(add_page(site, "en", odoo.snippet(channel_id)))
        page.locator(WIDGET + " .lc-launcher").wait_for()
        order = tab_to(page, "lc-launcher")
        assert order[0] == "a", "the page's own link comes first, the chat button after it: %s" % order
        page.keyboard.press("Enter")
        page.locator(WIDGET + " .lc-input:not([disabled])").wait_for()
        assert "lc-input" in focused(page).split(), "the window opened by the visitor gives the input the focus"
        page.keyboard.type("Typed without a mouse")
        page.keyboard.press("Enter")
        page.locator(WIDGET + " .lc-msg-visitor[data-id]:has-text('Typed without a mouse')").wait_for()
        assert page.locator(WIDGET + " .lc-input").input_value() == ""

        # the order inside the window: input, Send, then out of the page's end; backwards the header buttons
        assert tab_to(page, "lc-send", limit=3)
        assert tab_to(page, "lc-close", limit=6, key="Shift+Tab")
        assert "lc-minimize" in tab_to(page, "lc-minimize", limit=1, key="Shift+Tab")[-1].split()

        # Escape in the input minimizes; the focus goes back to the button, which opens it again
        tab_to(page, "lc-input", limit=4)
        page.keyboard.press("Escape")
        page.locator(WIDGET + " .lc-window").wait_for(state="hidden")
        assert "lc-launcher" in focused(page).split()
        page.keyboard.press("Enter")
        page.locator(WIDGET + " .lc-window").wait_for()
        assert "lc-input" in focused(page).split()

        # ending with the keyboard: × asks, Escape cancels back to ×, Enter on End ends
        tab_to(page, "lc-close", limit=6, key="Shift+Tab")
        page.keyboard.press("Enter")
        assert "lc-confirm-end" in focused(page).split()
        page.keyboard.press("Escape")
        assert "lc-close" in focused(page).split()
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
        page.locator(WIDGET + " .lc-after").wait_for()
        assert "lc-rate" in focused(page).split(), "the rating takes the focus"
        page.keyboard.press("Enter")
        assert page.locator(WIDGET + " .lc-rate[aria-pressed=true]").count() == 1
        assert not errors, errors
    finally:
        context.close()
        odoo.retire_channel(channel_id)


def moving_parts(page):
    """The widget's elements that move (an animation, a transition, smooth scrolling):
    ``[[class, animation, transition, scroll-behavior], ...]``."""
    return page.evaluate("""(sel) => [...document.querySelector(sel).shadowRoot.querySelectorAll('*')]
        .map((n) => [n.className, getComputedStyle(n)])
        .filter(([, s]) => s.animationName !== 'none' && s.animationDuration !== '0s'
                || s.transitionDuration.split(',').some((d) => parseFloat(d) > 0.01)
                || s.scrollBehavior === 'smooth')
        .map(([c, s]) => [String(c), s.animationName, s.transitionDuration, s.scrollBehavior])""", WIDGET)


def test_targets_live_regions_and_reduced_motion(odoo, site, browser, base_url):
    channel_id = channel(odoo, "en")
    context, page, errors = new_page(browser, base_url, "en", "phone", reduced_motion="reduce")
    try:
        page.goto(add_page(site, "en", odoo.snippet(channel_id)))
        page.locator(WIDGET + " .lc-launcher").click()
        page.locator(WIDGET + " .lc-input:not([disabled])").wait_for()
        page.fill(WIDGET + " .lc-input", "Moving nothing")
        page.press(WIDGET + " .lc-input", "Enter")
        page.locator(WIDGET + " .lc-msg-visitor[data-id]").wait_for()

        # WCAG 2.5.8: every button of the window at least 24 x 24 CSS px
        sizes = page.evaluate("""(sel) => [...document.querySelector(sel).shadowRoot
                .querySelectorAll('button, textarea, input:not([hidden])')]
            .filter((n) => n.getClientRects().length)
            .map((n) => [n.className, n.getBoundingClientRect().width, n.getBoundingClientRect().height])""",
                              WIDGET)
        assert sizes and all(w >= 24 and h >= 24 for _, w, h in sizes), sizes

        # announced once: one live region for messages, one for typing, and nothing else repeats them
        live = page.evaluate("""(sel) => [...document.querySelector(sel).shadowRoot
                .querySelectorAll('[aria-live], [role=log], [role=status], [role=alert]')]
            .filter((n) => !n.closest('[hidden]'))
            .map((n) => [n.className, n.getAttribute('role'), n.getAttribute('aria-live'), n.textContent])""",
                             WIDGET)
        classes = [entry[0] for entry in live]
        assert "lc-messages" in classes and "lc-typing" in classes, live
        messages = [entry for entry in live if entry[0] != "lc-messages"]
        assert not any("Moving nothing" in entry[3] for entry in messages), "a message read twice: %s" % live
        nested = page.evaluate("""(sel) => [...document.querySelector(sel).shadowRoot
                .querySelectorAll('[aria-live] [aria-live], [role=log] [aria-live], [aria-live] [role=status]')]
            .map((n) => n.className)""", WIDGET)
        assert not nested, "live regions inside live regions are read twice: %s" % nested

        # prefers-reduced-motion: nothing in the widget moves
        moving = moving_parts(page)
        assert not moving, "moving under prefers-reduced-motion: %s" % moving
        assert not errors, errors
    finally:
        context.close()
        odoo.retire_channel(channel_id)


def test_without_reduced_motion_the_widget_may_move(odoo, site, browser, base_url):
    """The reduced-motion check above can fail: without the preference the widget's transitions exist."""
    channel_id = channel(odoo, "en")
    context, page, errors = new_page(browser, base_url, "en", "phone", reduced_motion="no-preference")
    try:
        page.goto(add_page(site, "en", odoo.snippet(channel_id)))
        page.locator(WIDGET + " .lc-launcher").wait_for()
        assert moving_parts(page), "the check above finds the widget's transitions"
    finally:
        context.close()
        odoo.retire_channel(channel_id)
