// The widget's sources as a whole: the server's events have their handlers, no cap is hard-coded.
import {test} from "node:test";
import assert from "node:assert/strict";
import {readdirSync, readFileSync} from "node:fs";

import {SERVER_EVENTS} from "../../src/widget/chat.js";

const DIR = new URL("../../src/widget/", import.meta.url);
const sources = readdirSync(DIR).filter((name) => name.endsWith(".js"))
    .map((name) => [name, readFileSync(new URL(name, DIR), "utf-8")]);

test("every kind of event of the bus protocol has a handler", () => {
    for (const kind of ["message", "closed", "chatbot", "operator", "typing", "seen", "queue", "attachment"]) {
        assert.equal(typeof SERVER_EVENTS[kind], "function", kind);
    }
});

test("another operator answers (a transfer): his name goes to the header", () => {
    const seen = [];
    SERVER_EVENTS.operator({setOperator: (name) => seen.push(name)},
        {type: "operator", operator: {operator_name: "Marc"}});
    assert.deepEqual(seen, ["Marc"]);
});

test("no cap is written in the widget: they all come from the server's limits", () => {
    for (const [name, source] of sources) {
        assert.doesNotMatch(source, /maxlength: *["'\d]/, name);
        assert.doesNotMatch(source, /(?<![\w/.#])(64|100|254|2000|4000)(?![\w/])/, name);
        assert.doesNotMatch(source, /max_length/, name);
    }
});

test("nothing is ever inserted as HTML", () => {
    for (const [name, source] of sources) {
        assert.doesNotMatch(source, /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML\(|document\.write|createContextualFragment/, name);
    }
});
