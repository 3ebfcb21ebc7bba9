// Waiting in line: the text of the place in line and the estimated wait, from the server's texts.
import {test} from "node:test";
import assert from "node:assert/strict";

import {fillText, queueText} from "../../src/widget/queue.js";
import {STATES, StateMachine, TRANSITIONS} from "../../src/widget/state.js";

const EN = {
    queue_position: "You are number %(position)s in line",
    queue_next: "You are next in line",
    queue_wait: "about %(minutes)s minutes",
    queue_wait_one: "about 1 minute",
};
const RO = {
    queue_position: "Sunteți numărul %(position)s la rând",
    queue_next: "Urmați la rând",
    queue_wait: "aproximativ %(minutes)s minute",
    queue_wait_one: "aproximativ 1 minut",
};

test("the place in line and the wait, as the issue shows them", () => {
    assert.equal(queueText(EN, {position: 3, wait_minutes: 2}), "You are number 3 in line · about 2 minutes");
    assert.equal(queueText(EN, {position: 2, wait_minutes: 1}), "You are number 2 in line · about 1 minute");
    assert.equal(queueText(EN, {position: 1, wait_minutes: 1}), "You are next in line · about 1 minute");
    assert.equal(queueText(EN, {position: 4, wait_minutes: 0}), "You are number 4 in line");
});

test("in the visitor's language: the words are the server's", () => {
    assert.equal(queueText(RO, {position: 3, wait_minutes: 2}), "Sunteți numărul 3 la rând · aproximativ 2 minute");
});

test("placeholders: only known names are filled, nothing is read as HTML or code", () => {
    assert.equal(fillText("%(a)s and %(b)s", {a: "<b>x</b>"}), "<b>x</b> and %(b)s");
    assert.equal(fillText(undefined, {}), "");
});

test("waiting: reached from opening and a reload, leads to the chat, the offline form or the end", () => {
    const machine = new StateMachine(STATES.IDLE, TRANSITIONS, () => assert.fail("illegal"));
    assert.ok(machine.go(STATES.OPENING));
    assert.ok(machine.go(STATES.WAITING));
    assert.ok(machine.go(STATES.CHATTING));
    for (const next of [STATES.CHATTING, STATES.OFFLINE, STATES.UNAVAILABLE, STATES.ENDED, STATES.IDLE]) {
        assert.ok(TRANSITIONS[STATES.WAITING].includes(next), next);
    }
    assert.ok(TRANSITIONS[STATES.BOOT].includes(STATES.WAITING));
});
