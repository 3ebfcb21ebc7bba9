"""The widget as integrators embed it: window.LiveChat driven from a page of another origin, the script
tag's options, signed visitors, a hostile page's CSS, a phone, and the size budget before the chat opens."""
import gzip
import hashlib
import hmac
import json
import time
from urllib.parse import urlsplit

import pytest

WAIT = 30000  # ms: bounds a broken run only (busy machine)
HOST = "[data-odoo-livechat][data-ready]"
EVENTS = ["ready", "open", "close", "message", "unread", "conversation:start", "conversation:end"]
# before the snippet: every event recorded in window.__events, a listener that throws, calls queued early
RECORDER = """<script>
window.__events = [];
window.LiveChat = window.LiveChat || [];
%s.forEach(function (name) {
  LiveChat.push(["on", name, function (payload) {
    window.__events.push([name, payload === undefined ? null : payload]);
  }]);
});
LiveChat.push(["on", "open", function () { throw new Error("a bug of the host page"); }]);
%%s
</script>""" % json.dumps(EVENTS)
BUDGET_REQUESTS = 3
BUDGET_GZIP = 15000  # bytes: 15 kB gzipped before the chat opens


@pytest.fixture
def channel(odoo):
    odoo.set_admin_online()
    channel_id = odoo.make_channel(rules=[{"action": "display_button"}])
    yield channel_id
    odoo.retire_channel(channel_id)


def widget_errors(errors):
    """The page's errors, except what the host page's own throwing listener logs."""
    return [error for error in errors if "LiveChat: a listener failed" not in error]


def events(page, name=None):
    recorded = page.evaluate("window.__events")
    return [payload for event, payload in recorded if event == name] if name else [event for event, _ in recorded]


def wait_event(page, name, count=1):
    page.wait_for_function("([name, count]) => window.__events.filter((e) => e[0] === name).length >= count",
                           arg=[name, count], timeout=WAIT)


def test_the_api_drives_the_widget_from_another_origin(odoo, site, visitor, channel):
    page, errors = visitor
    url = site.add_page("index.html", RECORDER % 'LiveChat.push(["hide"]);' + "\n" + odoo.snippet(channel))
    assert urlsplit(url).netloc != urlsplit(odoo.base_url).netloc
    page.goto(url)
    page.locator(HOST).wait_for(state="attached")
    wait_event(page, "ready")
    launcher = page.locator(HOST + " .lc-launcher")
    # hidden by the call queued before the widget loaded
    assert not launcher.is_visible()
    page.evaluate("LiveChat.show()")
    launcher.wait_for()
    assert page.evaluate("typeof LiveChat.open === 'function' && !Array.isArray(LiveChat)")

    # open from the page's own "Contact us" button: the chat opens as if the visitor clicked
    page.evaluate("LiveChat.open()")
    window = page.locator(HOST + " .lc-window")
    window.wait_for()
    wait_event(page, "conversation:start")
    assert events(page, "open") == [None]
    assert events(page, "conversation:start")[0]["operatorName"]
    textarea = window.locator("textarea")
    page.wait_for_function("t => !t.disabled", arg=textarea.element_handle())
    textarea.fill("Do you deliver spades?")
    textarea.press("Enter")
    wait_event(page, "message")
    # the visitor's message (the channel's welcome, stored when the conversation starts, may come first)
    page.wait_for_function("() => window.__events.some(e => e[0] === 'message' && e[1].is_visitor)")
    mine = [message for message in events(page, "message") if message["is_visitor"]][0]
    assert (mine["body"], mine["is_visitor"]) == ("Do you deliver spades?", True)
    assert isinstance(mine["id"], int)

    # back to the button: the conversation goes on, and a reply that comes meanwhile is unread
    page.evaluate("LiveChat.close()")
    wait_event(page, "close")
    assert not window.is_visible() and launcher.is_visible()
    session = odoo.call("livechat.session", "search_read", [("channel_id", "=", channel)],
                        fields=["mail_channel_id"])[0]
    odoo.call("mail.channel", "message_post", [session["mail_channel_id"][0]], body="Yes, every Tuesday.",
              message_type="comment", subtype="mail.mt_comment")
    wait_event(page, "unread")
    reply = events(page, "message")[-1]
    assert (reply["body"], reply["is_visitor"]) == ("Yes, every Tuesday.", False)
    assert reply["author_name"] and isinstance(reply["id"], int) and reply["id"] > mine["id"]
    assert events(page, "unread") == [1]
    assert launcher.locator(".lc-badge").inner_text() == "1"
    page.evaluate("LiveChat.push(['open'])")
    wait_event(page, "open", 2)
    assert events(page, "unread") == [1, 0]
    assert not launcher.locator(".lc-badge").is_visible()

    # off: a listener removed hears nothing more; the visitor ends the chat: conversation:end, and the
    # window closes once he is done with the after-chat panel
    page.evaluate("""() => { window.__offHeard = 0; const f = () => { window.__offHeard += 1; };
        LiveChat.on('close', f); LiveChat.off('close', f); }""")
    window.locator(".lc-close").click()
    window.locator(".lc-confirm-end").click()  # "End the conversation?"
    wait_event(page, "conversation:end")
    window.locator(".lc-after-close").click()
    wait_event(page, "close", 2)
    assert page.evaluate("window.__offHeard") == 0
    order = events(page)
    assert order.index("ready") < order.index("open") < order.index("conversation:start") < order.index("message")
    # the page's throwing listener was reported, and changed nothing
    assert any("LiveChat: a listener failed" in error for error in errors), errors
    assert not widget_errors(errors), errors


def test_script_tag_options_position_left_and_language(odoo, site, visitor, channel):
    page, errors = visitor
    snippet = odoo.snippet(channel).replace(" defer>", ' defer data-position="left" data-lang="ro_RO">')
    with page.expect_request(lambda request: request.url.endswith("/livechat/api/init")) as init:
        page.goto(site.add_page("index.html", snippet))
    # the language asked for is the script tag's, not the page's <html lang="en">
    assert json.loads(init.value.post_data)["lang"] == "ro_RO"
    launcher = page.locator(HOST + " .lc-launcher")
    launcher.wait_for()
    box = launcher.bounding_box()
    assert box["x"] < 100, box
    # data-start-hidden: nothing until the page says so
    page.goto(site.add_page("hidden.html", odoo.snippet(channel).replace(" defer>", " defer data-start-hidden>")))
    page.locator(HOST).wait_for(state="attached")
    assert not page.locator(HOST + " .lc-launcher").is_visible()
    page.evaluate("LiveChat.show()")
    page.locator(HOST + " .lc-launcher").wait_for()
    assert not errors, errors


def sign(secret, external_id, name, email, timestamp):
    payload = "\n".join([external_id, name, email, str(timestamp)]).encode()
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def chat_as(page, site, odoo, channel, name, identity):
    push = "LiveChat.push(['setVisitor', %s]);" % json.dumps(identity)
    page.goto(site.add_page(name, RECORDER % push + "\n" + odoo.snippet(channel)))
    page.locator(HOST + " .lc-launcher").click()
    textarea = page.locator(HOST + " .lc-window textarea")
    page.wait_for_function("t => !t.disabled", arg=textarea.element_handle())
    textarea.fill("Where is my order?")
    textarea.press("Enter")
    wait_event(page, "message")
    sessions = odoo.call("livechat.session", "search_read", [("channel_id", "=", channel)],
                         fields=["visitor_name", "visitor_verified", "visitor_email", "visitor_external_id",
                                 "mail_channel_id"], order="id desc", limit=1)
    return sessions[0]


def test_a_signed_visitor_is_verified_and_a_forged_one_anonymous(odoo, site, browser, base_url, admin_page, channel):
    # the operator works in the backend: the conversations open in his chat windows
    operator = admin_page
    operator.goto("/web#action=livechat.livechat_channel_action_kanban")
    operator.wait_for_selector(".o_kanban_view")
    for _attempt in range(60):
        if odoo.read("res.users", odoo.uid, ["im_status"])["im_status"] == "online":
            break
        odoo.set_admin_online()
    secret = odoo.read("livechat.channel", channel, ["widget_secret"])["widget_secret"]
    assert secret
    now = int(time.time())
    identity = {"id": "4711", "name": "Ana Pop", "email": "ana@example.com", "timestamp": now,
                "signature": sign(secret, "4711", "Ana Pop", "ana@example.com", now)}
    results = {}
    for label, sent in (("signed", identity), ("forged", dict(identity, name="Mallory"))):
        context = browser.new_context(base_url=base_url)
        context.set_default_timeout(WAIT)
        try:
            results[label] = chat_as(context.new_page(), site, odoo, channel, label + ".html", sent)
        finally:
            context.close()
    signed, forged = results["signed"], results["forged"]
    assert (signed["visitor_name"], signed["visitor_verified"], signed["visitor_email"],
            signed["visitor_external_id"]) == ("Ana Pop", True, "ana@example.com", "4711")
    # the operator's chat window and Discuss name the conversation
    assert signed["mail_channel_id"][1] == "Ana Pop (verified)"
    assert forged["visitor_verified"] is False and forged["visitor_external_id"] is False
    assert forged["visitor_name"].startswith("Visitor #"), forged
    assert "verified" not in forged["mail_channel_id"][1]
    # the operator's chat windows: the signed visitor verified, with his e-mail; the forged one not
    window = ".o_chat_window:has(.o_livechat_visitor_name:text-is('%s'))"
    operator.locator(window % "Ana Pop" + " .o_livechat_visitor_verified").wait_for(timeout=WAIT)
    assert operator.locator(window % "Ana Pop" + " .o_livechat_visitor_email").inner_text() == "ana@example.com"
    operator.locator(window % forged["visitor_name"]).first.wait_for(timeout=WAIT)
    assert operator.locator(window % forged["visitor_name"] + " .o_livechat_visitor_verified").count() == 0


HOSTILE = """<style>
* { margin: 20px !important; line-height: 90px !important; }
div { border: 5px dotted red !important; padding: 30px !important; display: block !important;
      position: relative !important; width: 400px !important; height: 50px !important; }
body > div:last-child { transform: translateX(100px) !important; }
</style>"""


def test_the_host_takes_no_room_in_a_hostile_page(odoo, site, visitor, channel):
    page, errors = visitor
    page.goto(site.add_page("bare.html", HOSTILE))
    height_without = page.evaluate("document.documentElement.scrollHeight")
    page.goto(site.add_page("hostile.html", HOSTILE + odoo.snippet(channel)))
    launcher = page.locator(HOST + " .lc-launcher")
    launcher.wait_for()
    host = page.locator(HOST)
    style = host.evaluate("""h => { const s = getComputedStyle(h), r = h.getBoundingClientRect();
        return {position: s.position, border: s.borderTopStyle, width: r.width, height: r.height,
                transform: s.transform, margin: s.marginTop}; }""")
    assert style == {"position": "fixed", "border": "none", "width": 0, "height": 0, "transform": "none",
                     "margin": "0px"}, style
    assert page.evaluate("document.documentElement.scrollHeight") == height_without
    # the button sits in its corner, at its size
    box, viewport = launcher.bounding_box(), page.viewport_size
    assert viewport["width"] - 40 < box["x"] + box["width"] <= viewport["width"] - 10, box
    assert viewport["height"] - 40 < box["y"] + box["height"] <= viewport["height"] - 10, box
    assert launcher.evaluate("b => getComputedStyle(b).marginTop") == "0px"
    launcher.click()
    window = page.locator(HOST + " .lc-window")
    window.wait_for()
    assert window.evaluate("w => getComputedStyle(w.querySelector('.lc-header')).lineHeight") != "90px"
    assert page.evaluate("document.documentElement.scrollHeight") == height_without
    assert not errors, errors


def test_on_a_phone_the_window_fills_the_screen_and_the_page_stays(odoo, site, browser, base_url, channel):
    context = browser.new_context(base_url=base_url, viewport={"width": 375, "height": 667}, is_mobile=True,
                                  has_touch=True)
    context.set_default_timeout(WAIT)
    try:
        page = context.new_page()
        tall = "<div style='height:3000px'>A long page</div>"
        meta = '<meta name="viewport" content="width=device-width, initial-scale=1">'
        page.goto(site.add_page("phone.html", meta + odoo.snippet(channel) + "</head><body>" + tall))
        page.evaluate("window.scrollTo(0, 500)")
        page.locator(HOST + " .lc-launcher").click()
        window = page.locator(HOST + " .lc-window")
        window.wait_for()
        assert window.bounding_box() == {"x": 0, "y": 0, "width": 375, "height": 667}
        assert page.evaluate("getComputedStyle(document.documentElement).overflow") == "hidden"
        textarea = window.locator("textarea")
        assert textarea.evaluate("t => getComputedStyle(t).fontSize") == "16px", "no zoom on iOS"
        input_box = textarea.bounding_box()
        assert input_box["y"] + input_box["height"] <= 667
        # the on-screen keyboard: the visual viewport shrinks, the window follows it and the input stays above
        page.evaluate("""() => { const v = window.visualViewport;
            Object.defineProperty(v, 'height', {configurable: true, get: () => 367});
            v.dispatchEvent(new Event('resize')); }""")
        page.wait_for_function("w => w.getBoundingClientRect().height === 367", arg=window.element_handle())
        input_box = textarea.bounding_box()
        assert input_box["y"] + input_box["height"] <= 367
        window.locator(".lc-minimize").click()
        assert page.evaluate("getComputedStyle(document.documentElement).overflow") != "hidden"
        assert page.evaluate("window.scrollY") == 500, "the page is where the visitor left it"
    finally:
        context.close()


def test_the_budget_before_the_chat_opens(odoo, site, visitor, channel):
    """At most 3 requests and 15 kB gzipped before the chat opens (a size limit, not a timing); the
    window's module comes when it opens."""
    page, errors = visitor
    seen = []
    page.on("requestfinished", lambda request: request.url.startswith(odoo.base_url) and seen.append(request))
    page.goto(site.add_page("index.html", odoo.snippet(channel)))
    page.locator(HOST + " .lc-launcher").wait_for()
    page.wait_for_load_state("networkidle")
    before = list(seen)
    paths = [urlsplit(request.url).path for request in before]
    weight = sum(len(gzip.compress(request.response().body(), 9)) for request in before)
    assert len(before) <= BUDGET_REQUESTS, paths
    assert weight <= BUDGET_GZIP, (weight, paths)
    assert not any(path.endswith("/window.js") for path in paths), paths
    page.locator(HOST + " .lc-launcher").click()
    page.locator(HOST + " .lc-window").wait_for()
    after = [urlsplit(request.url).path for request in seen[len(before):]]
    assert any(path.endswith("/window.js") for path in after), after
    print("widget before the chat opens: %d requests, %d bytes gzipped" % (len(before), weight))
    assert not errors, errors
