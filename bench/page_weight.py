"""What the widget costs a host page, measured in Chromium: bytes, requests, time until the button shows.

Before the chat opens (the budget: at most 3 requests and 15 kB gzipped: loader, the widget's core
module, init) and what opening it adds (the window's module, loaded with import(), session/open and the
long-poll).

The host page is a small third-party page on its own loopback origin, with the Widget tab's
snippet in its <head>: exactly how a customer's website embeds the chat.
"""
import gzip
import statistics
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from playwright.async_api import async_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"]
TIMEOUT_MS = 20000
HOST_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>A shop</title>
<script src="%(server)s/livechat/loader/%(channel)d.js" defer></script>
</head><body><h1>A shop on another website</h1>
<p>Products, prices and a contact form: a page like any other, with the live chat snippet in its head.</p>
</body></html>
"""
# Stamps the moment the chat button is painted visible (checked every animation frame, before any
# page script runs), so the timing is taken inside the page, not by polling from outside.
BUTTON_PROBE = """
(() => {
  const check = () => {
    const host = document.querySelector("[data-odoo-livechat]");
    const button = host && host.shadowRoot && host.shadowRoot.querySelector(".lc-launcher");
    if (button && !button.hidden && button.getBoundingClientRect().width > 0) {
      window.__livechatButtonAt = performance.now();
    } else {
      requestAnimationFrame(check);
    }
  };
  requestAnimationFrame(check);
})();
"""


class HostPage:
    """A tiny third-party website on 127.0.0.1 serving the host page at /shop."""

    def __init__(self, server_url, channel_id):
        html = (HOST_PAGE % {"server": server_url, "channel": channel_id}).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                status = 200 if self.path.split("?")[0] == "/shop" else 404
                body = html if status == 200 else b"not found"
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/shop" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


async def _weigh(requests, finished):
    """Bytes of the finished requests: raw (decoded), gzip -9 of it, and as transferred."""
    raw = gzipped = wire = 0
    compressed = []
    for request in requests:
        if request not in finished:
            continue  # still pending (the long-poll): counted as a request, no bytes yet
        response = await request.response()
        try:
            body = await response.body()
        except Exception:  # pylint: disable=broad-except
            body = b""
        sizes = await request.sizes()
        raw += len(body)
        gzipped += len(gzip.compress(body, 9)) if body else 0
        wire += max(sizes.get("responseBodySize", 0), 0) + max(sizes.get("responseHeadersSize", 0), 0)
        if body and request.resource_type in ("script", "stylesheet"):
            compressed.append((response.headers.get("content-encoding") or "") in ("gzip", "br"))
    return {
        "requests": len(requests),
        "urls": [request.method + " " + request.url for request in requests],
        "raw": raw, "gzip": gzipped, "wire": wire,
        "served_compressed": bool(compressed) and all(compressed),
    }


async def _button_time(page, url):
    await page.goto(url, wait_until="commit")
    await page.wait_for_function("() => window.__livechatButtonAt", timeout=TIMEOUT_MS)
    return await page.evaluate("window.__livechatButtonAt") / 1000.0


async def measure_page(server_url, channel_id, runs):
    """{"before": weight, "after": weight, "button_cold": [s], "button_warm": [s]}."""
    with HostPage(server_url, channel_id) as host:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                result = await _weight_before_after(browser, host.url, server_url)
                result["button_cold"], result["button_warm"] = await _button_times(browser, host.url, runs)
            finally:
                await browser.close()
    for key in ("button_cold", "button_warm"):
        result[key + "_median"] = statistics.median(result[key])
    return result


async def _weight_before_after(browser, url, server_url):
    context = await browser.new_context()
    try:
        await context.add_init_script(BUTTON_PROBE)
        page = await context.new_page()
        seen, finished = [], set()
        page.on("request", lambda request: request.url.startswith(server_url) and seen.append(request))
        page.on("requestfinished", lambda request: finished.add(request))
        await _button_time(page, url)
        await page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        before = list(seen)
        await page.locator(".lc-launcher").click()
        # opened: the input is enabled once the session is open, then the widget starts its long-poll
        await page.wait_for_function("""() => {
            const root = document.querySelector("[data-odoo-livechat]").shadowRoot;
            const input = root.querySelector(".lc-input");
            return input && !input.disabled;
        }""", timeout=TIMEOUT_MS)
        await page.wait_for_timeout(500)
        after = seen[len(before):]
        return {"before": await _weigh(before, finished), "after": await _weigh(after, finished)}
    finally:
        await context.close()


async def _button_times(browser, url, runs):
    cold, warm = [], []
    for _run in range(runs):
        context = await browser.new_context()
        try:
            await context.add_init_script(BUTTON_PROBE)
            page = await context.new_page()
            cold.append(await _button_time(page, url))
            await page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
            warm.append(await _button_time(page, url))
        finally:
            await context.close()
    return cold, warm
