"""Playwright fixtures for the real-browser tests (Debian's /usr/bin/chromium, never a download).

./test starts an Odoo server on a throw-away database with the addon and demo data and
sets LIVECHAT_URL and LIVECHAT_DB; these tests drive Chromium against it.
"""
import os

import pytest
from playwright.sync_api import sync_playwright

from widget_support import Odoo, ThirdPartySite

CHROMIUM = os.environ.get("LIVECHAT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]


@pytest.fixture(scope="session")
def base_url():
    url = os.environ.get("LIVECHAT_URL")
    if not url:
        pytest.fail("LIVECHAT_URL is not set: run the browser tests through ./test")
    return url.rstrip("/")


@pytest.fixture(scope="session")
def db_name():
    return os.environ["LIVECHAT_DB"]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class ConsoleErrors(list):
    """JS errors and failed requests seen by a page; tests assert it stays empty."""

    def attach(self, page):
        page.on("pageerror", lambda exc: self.append("pageerror: %s" % exc))
        page.on("console", lambda msg: msg.type == "error" and self.append("console: %s" % msg.text))
        page.on("response", lambda r: r.status >= 500 and self.append("HTTP %s %s" % (r.status, r.url)))
        return page


@pytest.fixture
def context(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800},
                                  permissions=["clipboard-read", "clipboard-write"])
    context.set_default_timeout(15000)
    yield context
    context.close()


@pytest.fixture
def page_errors():
    return ConsoleErrors()


@pytest.fixture
def page(context, page_errors):
    return page_errors.attach(context.new_page())


def login(page, login="admin", password="admin"):
    """Log in through the real login form and wait for the web client."""
    page.goto("/web/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("#oe_main_menu_navbar", timeout=30000)
    page.wait_for_selector(".o_web_client .o_content, .o_web_client .o_main_content", timeout=30000)


def own_browser_page(browser, base_url, wait, errors=None, **context_options):
    """A page in a browser of its own (its own context: no cookie or storage shared), ``wait`` ms
    bounding its waits (``context_options``: Playwright's), its JS errors kept in ``errors`` (a new
    ``ConsoleErrors`` unless given). Returns ``(page, errors)``; closing ``page.context`` ends it."""
    context = browser.new_context(base_url=base_url, **context_options)
    context.set_default_timeout(wait)
    errors = ConsoleErrors() if errors is None else errors
    return errors.attach(context.new_page()), errors


def open_livechat_app(page):
    """The Live Chat app from the main menu, its dashboard shown: an operator's chat windows show there
    (Discuss, his home, hides them)."""
    page.click("#oe_main_menu_navbar a[data-menu-xmlid='livechat.menu_livechat_root']")
    page.locator(".o_kanban_view").wait_for()


def operator_and_visitor(odoo, operator, browser, base_url, wait, **context_options):
    """The administrator, online, on ``operator`` (a page) in the Live Chat app, and a visitor's page
    in a browser context of its own (``context_options``: Playwright's, ``wait`` ms its default
    timeout); a dialog either meets is dismissed, and its message kept. Returns ``(visitor page,
    visitor's console errors, dialogs)``; the caller closes ``visitor.context``."""
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()
    operator.on("dialog", dismiss)
    login(operator)
    open_livechat_app(operator)
    odoo.set_admin_online()
    visitor, visitor_errors = own_browser_page(browser, base_url, wait, **context_options)
    visitor.on("dialog", dismiss)
    return visitor, visitor_errors, dialogs


@pytest.fixture
def odoo(base_url, db_name):
    """The test database over JSON-RPC, as the administrator."""
    return Odoo(base_url, db_name)


def odoo_in_romanian(base_url, db_name):
    """The ``odoo`` of a test module whose visitors read Romanian (``pytest.fixture(scope="module")``
    around it): the language installed first, once per module, as installing it takes its time."""
    odoo = Odoo(base_url, db_name, timeout=None)
    if not odoo.call("res.lang", "search", [("code", "=", "ro_RO"), ("active", "=", True)]):
        wizard = odoo.call("base.language.install", "create", {"lang": "ro_RO"})
        odoo.call("base.language.install", "lang_install", [wizard])
    return odoo


@pytest.fixture(autouse=True)
def no_conversation_left(base_url, db_name):
    """Each test starts with no conversation of another open: its operator windows, queues and caps are
    its own."""
    Odoo(base_url, db_name).close_every_conversation()


@pytest.fixture
def site():
    """A third-party website on a loopback origin of its own."""
    site = ThirdPartySite()
    yield site
    site.close()


@pytest.fixture
def visitor(browser, base_url, request):
    """The visitor's own browser (no Odoo cookie), and its JS errors; the test module's WAIT (ms)
    bounds every wait."""
    page, errors = own_browser_page(browser, base_url, getattr(request.module, "WAIT", 20000),
                                    viewport={"width": 1200, "height": 800})
    yield page, errors
    page.context.close()


@pytest.fixture
def operator_name(odoo, request):
    """The administrator answers under the test module's OPERATOR_CHAT_NAME (his Online Chat Name)."""
    name = request.module.OPERATOR_CHAT_NAME
    previous = odoo.read("res.users", odoo.uid, ["livechat_username"])["livechat_username"]
    odoo.call("res.users", "write", [odoo.uid], {"livechat_username": name})
    yield name
    odoo.call("res.users", "write", [odoo.uid], {"livechat_username": previous})


@pytest.fixture
def admin_page(page):
    login(page)
    return page
