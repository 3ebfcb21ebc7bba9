"""Screenshots of the Apps page (static/description/screenshot_*.png), taken in headless Chromium.

Run it with the tools venv against a demo server (./run creates the demo database):

    LIVECHAT_DB=livechat_shots LIVECHAT_PORT=8169 ./run &
    .cache/venv-tools/bin/python tools/screenshots.py http://127.0.0.1:8169 [--only dashboard,widget] [--out DIR]

Each shot is independent: one that fails (say the visitor widget is not there yet) is reported and the
others are still taken; the exit code is 1 when any failed. Look at every picture before committing it.

Shots: dashboard (the channels kanban), operators / options / rules / widget_tab (the four tabs of
the channel form), widget (the chat button and the open chat window on a website page),
chat_window (the operator's chat window in the backend, with a visitor's message).
"""
import argparse
import os
import sys
import time

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHROMIUM = os.environ.get("LIVECHAT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 800}
DASHBOARD = "/web#action=livechat.livechat_channel_action_kanban"
DEMO_CHANNEL = "Support"  # the demo channel (demo/livechat_demo.xml), the default one otherwise
# The visitor widget (static/src/widget, in an open shadow root, which Playwright's CSS pierces):
# its chat button, its window and the box visitors type in; the pages tried, in order.
WIDGET_BUTTON = ".lc-launcher"
WIDGET_WINDOW = ".lc-window"
WIDGET_INPUT = ".lc-input"
WIDGET_PAGES = ("/", "/livechat/demo")  # the website's pages show it when a channel is set for it
VISITOR_MESSAGE = "Hello! Can I still change the delivery address of my order?"
OPERATOR_REPLY = "Of course! Which address should we deliver to?"
OPERATOR_CHAT_WINDOW = ".o_chat_window"  # Odoo 11 mail's chat window


def login(page, user="admin", password="admin"):
    page.goto("/web/login")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("#oe_main_menu_navbar", timeout=30000)


def settle(page, seconds=0.8):
    """Let fonts, animations and late images finish before the picture (no "networkidle": the bus long-polls)."""
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    try:  # Odoo's toasts ("new message from ...") fade away by themselves
        page.locator(".o_notification").first.wait_for(state="detached", timeout=15000)
    except PlaywrightError:
        pass
    time.sleep(seconds)


def close_chat_windows(page):
    """Odoo reopens the chat windows left open (even by earlier runs): close them, they would crowd the picture."""
    close_buttons = page.locator("%s .o_chat_window_close.fa-close" % OPERATOR_CHAT_WINDOW)
    for _attempt in range(20):
        if not close_buttons.count():
            return
        close_buttons.first.click()
        time.sleep(0.5)


def open_dashboard(page):
    page.goto(DASHBOARD)
    page.wait_for_selector(".o_kanban_view .o_kanban_record")


def open_channel_form(page):
    open_dashboard(page)
    cards = page.locator(".o_kanban_record:has-text('%s')" % DEMO_CHANNEL)
    (cards.first if cards.count() else page.locator(".o_kanban_record").first).click()
    page.wait_for_selector(".o_form_view .o_notebook")


def open_widget(page):
    """A website page with the chat button, the chat window opened: the window's locator."""
    for path in WIDGET_PAGES:
        page.goto(path)
        button = page.locator(WIDGET_BUTTON).first
        try:
            button.wait_for(state="visible", timeout=20000)
        except PlaywrightError:
            if path == WIDGET_PAGES[-1]:
                raise
            continue
        button.click()
        window = page.locator(WIDGET_WINDOW).first
        window.wait_for(state="visible")
        return window
    raise AssertionError("no chat button on %s" % ", ".join(WIDGET_PAGES))


class Shooter:
    def __init__(self, browser, base_url, out_dir):
        self.browser = browser
        self.base_url = base_url.rstrip("/")
        self.out_dir = out_dir
        self.failed = []

    def context(self):
        context = self.browser.new_context(base_url=self.base_url, viewport=VIEWPORT, locale="en-US")
        context.set_default_timeout(45000)  # generous: a busy 2-core machine is slow
        return context

    def save(self, page, name):
        path = os.path.join(self.out_dir, "screenshot_%s.png" % name)
        # no focus ring on the tab just clicked, no hover effect under the mouse
        page.evaluate("document.activeElement && document.activeElement.blur && document.activeElement.blur()")
        page.mouse.move(VIEWPORT["width"] - 1, VIEWPORT["height"] - 1)
        time.sleep(0.3)
        page.screenshot(path=path)
        print("wrote %s" % os.path.relpath(path, ROOT))

    def shoot(self, name, function):
        context = self.context()
        try:
            function(context)
        except (PlaywrightError, AssertionError) as error:
            self.failed.append(name)
            print("FAILED %s: %s" % (name, str(error).splitlines()[0]), file=sys.stderr)
        finally:
            context.close()

    # the shots -----------------------------------------------------------------------------
    def dashboard(self, context):
        page = context.new_page()
        login(page)
        open_dashboard(page)
        close_chat_windows(page)
        settle(page)
        self.save(page, "dashboard")

    def form_tabs(self, context):
        page = context.new_page()
        login(page)
        open_channel_form(page)
        close_chat_windows(page)
        for tab, name in (("Operators", "operators"), ("Options", "options"),
                          ("Channel Rules", "rules"), ("Widget", "widget_tab")):
            page.locator(".o_notebook .nav-tabs a:has-text('%s')" % tab).first.click()
            settle(page, 0.5)
            self.save(page, name)

    def widget(self, context):
        page = context.new_page()
        open_widget(page)
        settle(page)
        self.save(page, "widget")

    def chat_window(self, context):
        operator = context.new_page()
        login(operator)
        open_dashboard(operator)
        settle(operator, 2)  # the operator is online once the bus has polled
        close_chat_windows(operator)
        visitor_context = self.context()
        try:
            visitor = visitor_context.new_page()
            window = open_widget(visitor)
            box = window.locator(WIDGET_INPUT).first
            box.fill(VISITOR_MESSAGE)
            box.press("Enter")
            chat = operator.locator("%s:has-text('%s')" % (OPERATOR_CHAT_WINDOW, VISITOR_MESSAGE[:20])).first
            chat.wait_for(state="visible", timeout=60000)
            reply = chat.locator(".o_composer_input textarea, .o_composer_text_field").first
            reply.fill(OPERATOR_REPLY)
            reply.press("Enter")
            chat.locator(".o_thread_message:has-text('%s')" % OPERATOR_REPLY[:20]).first.wait_for(state="visible")
            settle(operator)
            self.save(operator, "chat_window")
        finally:
            visitor_context.close()


SHOTS = {
    "dashboard": Shooter.dashboard,
    "tabs": Shooter.form_tabs,
    "widget": Shooter.widget,
    "chat_window": Shooter.chat_window,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base_url", help="the demo server, e.g. http://127.0.0.1:8169")
    parser.add_argument("--only", default=",".join(SHOTS), help="comma-separated: %s" % ", ".join(SHOTS))
    parser.add_argument("--out", default=os.path.join(ROOT, "static", "description"))
    args = parser.parse_args()
    names = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in names if name not in SHOTS]
    if unknown:
        parser.error("unknown shots: %s" % ", ".join(unknown))
    os.makedirs(args.out, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        shooter = Shooter(browser, args.base_url, args.out)
        for name in names:
            shooter.shoot(name, lambda context, name=name: SHOTS[name](shooter, context))
        browser.close()
    if shooter.failed:
        print("%d shot(s) failed: %s" % (len(shooter.failed), ", ".join(shooter.failed)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
