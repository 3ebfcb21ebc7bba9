// Links, times and day separators of the widget (format.js): only http(s) addresses become links.
import {test} from "node:test";
import assert from "node:assert/strict";

import {dayKey, dayStarts, formatDay, formatTime, linkParts, localeOf, parseDate, safeHref}
    from "../../src/widget/format.js";

const links = (text) => linkParts(text).filter((part) => part.href);
const joined = (text) => linkParts(text).map((part) => part.text).join("");

test("an http(s) address becomes a link, the rest stays text, nothing is lost", () => {
    const text = "See https://shop.example.com/spades?x=1&y=2 and http://example.org.";
    assert.deepEqual(linkParts(text), [
        {text: "See "},
        {text: "https://shop.example.com/spades?x=1&y=2", href: "https://shop.example.com/spades?x=1&y=2"},
        {text: " and "},
        {text: "http://example.org", href: "http://example.org/"},
        {text: "."},
    ]);
    assert.equal(joined(text), text);
});

test("plain text is one text part", () => {
    assert.deepEqual(linkParts("Hello"), [{text: "Hello"}]);
    assert.deepEqual(linkParts(""), [{text: ""}]);
    assert.deepEqual(linkParts(null), [{text: ""}]);
});

test("hostile inputs never become markup nor a script link", () => {
    for (const text of [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)",
        "<script>alert(1)</script>",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "&lt;i&gt;",
        "<a href=\"https://evil.example\">x</a>",
        "//evil.example/path",
        "http://",
        "https:///nohost",
    ]) {
        for (const part of links(text)) {
            assert.match(part.href, /^https?:\/\/[^/]/, text);
        }
        assert.equal(joined(text), text, "the text reads as typed");
    }
    assert.deepEqual(links("javascript:alert(1)"), []);
    assert.deepEqual(links("<script>alert(1)</script>"), []);
    assert.deepEqual(links("&lt;i&gt;"), []);
});

test("an address stops at quotes and angle brackets: no attribute can be closed", () => {
    const [link] = links('http://a.example/x"onmouseover="alert(1)');
    assert.equal(link.href, "http://a.example/x");
    const [inside] = links("<a href='https://b.example/y'>here</a>");
    assert.equal(inside.href, "https://b.example/y");
    const [bracketed] = links("(see https://c.example/z)");
    assert.equal(bracketed.href, "https://c.example/z");
    const [wiki] = links("https://en.wikipedia.org/wiki/Spade_(tool).");
    assert.equal(wiki.text, "https://en.wikipedia.org/wiki/Spade_(tool)");
});

test("safeHref accepts http(s) with a host only", () => {
    assert.equal(safeHref("https://example.com"), "https://example.com/");
    assert.equal(safeHref("javascript:alert(1)"), null);
    assert.equal(safeHref("ftp://example.com"), null);
    assert.equal(safeHref("not a url"), null);
});

test("times and days in the visitor's time zone and language", () => {
    assert.equal(localeOf("ro_RO"), "ro-RO");
    assert.equal(localeOf("en_US"), "en-US");
    assert.equal(localeOf("<script>"), undefined);
    assert.equal(parseDate("garbage"), null);
    assert.equal(parseDate(undefined), null);
    const date = parseDate("2026-12-07T10:05:00Z");
    assert.equal(date.getTime(), Date.UTC(2026, 11, 7, 10, 5));
    assert.match(formatTime(date, "en-GB"), /^\d\d:05$/);
    const local = new Date(2026, 11, 7, 14, 5);
    assert.equal(dayKey(local), "2026-12-07");
    const texts = {today: "Today", yesterday: "Yesterday"};
    const now = new Date(2026, 11, 7, 23, 59);
    assert.equal(formatDay(local, "en-GB", texts, now), "Today");
    assert.equal(formatDay(new Date(2026, 11, 6, 0, 1), "en-GB", texts, now), "Yesterday");
    assert.equal(formatDay(new Date(2026, 11, 1, 9), "en-GB", texts, now), "Tuesday 1 December");
    assert.match(formatDay(new Date(2025, 11, 1, 9), "en-GB", texts, now), /2025/);
});

test("a day separator before the first message of each day; undated messages are skipped", () => {
    assert.deepEqual(dayStarts([null, "2026-12-06", "2026-12-06", "2026-12-07", null, "2026-12-07"]), [1, 3]);
    assert.deepEqual(dayStarts([]), []);
});
