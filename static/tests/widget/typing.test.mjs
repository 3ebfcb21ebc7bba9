// The typing throttle (said at once, renewed every few seconds while typing, a stop event, nothing on
// send) and the unread counter.
import {test} from "node:test";
import assert from "node:assert/strict";

import {TypingNotifier, UnreadCounter, fill} from "../../src/widget/typing.js";

/** A clock and timers the test moves by hand. */
function fakeTime() {
    const clock = {now: 0, timers: new Map(), next: 1};
    clock.setTimeout = (callback, ms) => {
        const id = clock.next++;
        clock.timers.set(id, {at: clock.now + ms, callback});
        return id;
    };
    clock.clearTimeout = (id) => clock.timers.delete(id);
    clock.advance = (ms) => {
        const until = clock.now + ms;
        for (;;) {
            const due = [...clock.timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
            if (!due) {
                break;
            }
            clock.timers.delete(due[0]);
            clock.now = due[1].at;
            due[1].callback();
        }
        clock.now = until;
    };
    return clock;
}

function notifier(options = {}) {
    const clock = fakeTime(), sent = [];
    const typing = new TypingNotifier((value) => sent.push([clock.now, value]),
        {interval: 3000, idle: 5000, now: () => clock.now, timers: clock, ...options});
    return {clock, sent, typing};
}

test("typing is said at once, then at most once per interval while the keys go on", () => {
    const {clock, sent, typing} = notifier();
    for (let ms = 0; ms < 10000; ms += 200) {  // a keystroke every 200 ms for 10 s
        clock.advance(ms - clock.now);
        typing.input("hello".repeat(1 + ms / 1000));
    }
    assert.deepEqual(sent, [[0, true], [3000, true], [6000, true], [9000, true]]);
});

test("a stop when the keys stop for the idle time, once", () => {
    const {clock, sent, typing} = notifier();
    typing.input("h");
    clock.advance(4999);
    typing.input("he");  // the idle wait starts again
    clock.advance(4999);
    assert.deepEqual(sent.map(([, value]) => value), [true, true]);
    clock.advance(1);
    assert.deepEqual(sent, [[0, true], [3000 + 1999, true], [4999 + 5000, false]]);
    clock.advance(60000);
    assert.equal(sent.length, 3, "one stop, then silence");
});

test("a sent message ends typing without a stop event: the message tells it", () => {
    const {clock, sent, typing} = notifier();
    typing.input("hi");
    clock.advance(500);
    typing.sent();
    clock.advance(10000);
    assert.deepEqual(sent, [[0, true]], "no stop, and the idle timer never fires");
    typing.input("next one");  // typing again is said at once
    assert.deepEqual(sent, [[0, true], [10500, true]]);
});

test("a stop when the input empties or after the idle time; nothing when nothing was said", () => {
    const {clock, sent, typing} = notifier();
    typing.stop();
    typing.input("   ");
    assert.deepEqual(sent, [], "blank input is not typing");
    typing.input("hi");
    clock.advance(500);
    typing.input("");
    assert.deepEqual(sent, [[0, true], [500, false]]);
    clock.advance(100);
    typing.input("again");  // typing again after a stop is said at once
    typing.stop();  // sent
    typing.stop();
    assert.deepEqual(sent.slice(2), [[600, true], [600, false]]);
    clock.advance(10000);
    assert.equal(sent.length, 4, "the idle timer of a stopped notifier never fires");
});

test("the unread count survives a reload (storage) and is cleared", () => {
    const stored = new Map();
    const store = {
        get: (area, key) => (stored.has(area + key) ? stored.get(area + key) : null),
        set: (area, key, value) => stored.set(area + key, value),
        remove: (area, key) => stored.delete(area + key),
    };
    const unread = new UnreadCounter("k:unread", store);
    assert.equal(unread.count, 0);
    unread.add();
    assert.equal(unread.add(), 2);
    assert.equal(stored.get("sessionStoragek:unread"), 2);
    assert.equal(new UnreadCounter("k:unread", store).count, 2, "after a reload");
    unread.clear();
    assert.equal(unread.count, 0);
    assert.equal(new UnreadCounter("k:unread", store).count, 0);
    stored.set("sessionStoragek:unread", "2<img>");
    assert.equal(new UnreadCounter("k:unread", store).count, 0, "junk in the storage counts nothing");
});

test("texts take the count or the name in place of %s", () => {
    assert.equal(fill("(%s) New message", 3), "(3) New message");
    assert.equal(fill("%s is typing...", "Alex"), "Alex is typing...");
    assert.equal(fill(undefined, 1), "");
});
