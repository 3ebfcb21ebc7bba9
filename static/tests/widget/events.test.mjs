// The page's API (window.LiveChat): calls queued before the widget loads, the events and their listeners.
import {test} from "node:test";
import assert from "node:assert/strict";

import {API_EVENTS, API_METHODS, Emitter, installApi, scriptOptions, visitorIdentity} from "../../src/widget/events.js";

test("calls pushed before the widget loads are replayed in order, then push and the methods run at once", () => {
    const listener = () => {};
    const scope = {LiveChat: [["on", "message", listener], ["hide"], ["open"]]};
    const runs = [];
    const api = installApi(scope, (method, args) => { runs.push([method, ...args]); return method; });
    assert.deepEqual(runs, [["on", "message", listener], ["hide"], ["open"]]);
    assert.equal(scope.LiveChat, api);
    assert.equal(api.close(), "close");
    api.push(["setVisitor", {name: "Ana"}]);
    api.push("show");
    assert.deepEqual(runs.slice(3), [["close"], ["setVisitor", {name: "Ana"}], ["show"]]);
    for (const method of API_METHODS) {
        assert.equal(typeof api[method], "function", method);
    }
    assert.ok(Object.isFrozen(api), "a page script cannot replace a method by mistake");
});

test("an unknown method is reported and ignored; no queue at all is fine", () => {
    const warnings = [], runs = [];
    const scope = {LiveChat: [["explode"], ["open"]]};
    installApi(scope, (method) => runs.push(method), "LiveChat", (text) => warnings.push(text));
    assert.deepEqual(runs, ["open"]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /explode/);
    const empty = {};
    installApi(empty, (method) => runs.push(method), "LiveChat", () => {});
    empty.LiveChat.open();
    assert.deepEqual(runs, ["open", "open"]);
});

test("listeners get their event's payload, off removes them, unknown events are refused", () => {
    const emitter = new Emitter(() => {});
    const seen = [];
    const onMessage = (message) => seen.push(["message", message.body]);
    const onUnread = (count) => seen.push(["unread", count]);
    assert.equal(emitter.on("message", onMessage), true);
    assert.equal(emitter.on("unread", onUnread), true);
    assert.equal(emitter.on("nonsense", onUnread), false);
    assert.equal(emitter.on("message", "not a function"), false);
    emitter.emit("message", {id: 4, body: "Hello"});
    emitter.emit("unread", 2);
    assert.equal(emitter.off("message", onMessage), true);
    assert.equal(emitter.off("message", onMessage), false);
    emitter.emit("message", {id: 5, body: "Again"});
    assert.deepEqual(seen, [["message", "Hello"], ["unread", 2]]);
    assert.deepEqual([...API_EVENTS].sort(), ["close", "conversation:end", "conversation:start", "message", "open",
        "ready", "unread"]);
});

test("a listener that throws is reported and never stops the others nor the widget", () => {
    const reported = [], seen = [];
    const emitter = new Emitter((error) => reported.push(error.message));
    emitter.on("open", () => { throw new Error("host page bug"); });
    emitter.on("open", () => seen.push("second"));
    assert.doesNotThrow(() => emitter.emit("open"));
    assert.deepEqual(seen, ["second"]);
    assert.deepEqual(reported, ["host page bug"]);
});

test("a listener cannot change the payload the widget keeps", () => {
    const emitter = new Emitter((error) => { throw error; });
    const message = {id: 1, body: "Hi"};
    emitter.on("message", (payload) => {
        assert.ok(Object.isFrozen(payload));
        assert.throws(() => { "use strict"; payload.body = "changed"; });
    });
    emitter.emit("message", message);
    assert.equal(message.body, "Hi");
});

test("ready is remembered: a listener added later is called at once", () => {
    const emitter = new Emitter(() => {});
    const seen = [];
    emitter.on("open", () => seen.push("open"));
    emitter.emit("ready", {}, true);
    emitter.on("ready", () => seen.push("late ready"));
    assert.deepEqual(seen, ["late ready"]);
});

test("setVisitor keeps the known fields, as strings and an integer timestamp", () => {
    assert.deepEqual(visitorIdentity({id: 42, name: " Ana Pop ", email: "ana@example.com", timestamp: "1733550000",
        signature: "ab12", admin: true}), {id: "42", name: "Ana Pop", email: "ana@example.com", timestamp: 1733550000,
        signature: "ab12"});
    assert.deepEqual(visitorIdentity({name: "Ana", timestamp: "soon"}), {name: "Ana"});
    assert.deepEqual(visitorIdentity({name: {toString: () => "x"}, email: ["a"]}), null);
    for (const value of [null, undefined, "Ana", 3, {}, {name: "  "}]) {
        assert.equal(visitorIdentity(value), null, JSON.stringify(value));
    }
});

test("the script tag's data-* options", () => {
    assert.deepEqual(scriptOptions({}), {position: "right", startHidden: false, lang: ""});
    assert.deepEqual(scriptOptions(undefined), {position: "right", startHidden: false, lang: ""});
    assert.deepEqual(scriptOptions({position: "left", startHidden: "", lang: "ro-RO"}),
        {position: "left", startHidden: true, lang: "ro-RO"});
    assert.deepEqual(scriptOptions({position: "top", startHidden: "false", lang: "<b>"}),
        {position: "right", startHidden: false, lang: ""});
    assert.equal(scriptOptions({startHidden: "0"}).startHidden, false);
    assert.equal(scriptOptions({lang: "ro_RO"}).lang, "ro_RO");
});
