// The widget's state machine, its message log (order and dedup by id), its caps and its event dispatch.
import {test} from "node:test";
import assert from "node:assert/strict";

import {LIMIT_NAMES, MessageLog, STATES, StateMachine, TRANSITIONS, capsFrom, clientIdFor, dispatch, randomToken}
    from "../../src/widget/state.js";

const quiet = () => {
    const logged = [];
    return {logged, log: (text) => logged.push(text)};
};

test("every state has its transitions, and they lead to states", () => {
    const states = Object.values(STATES);
    assert.deepEqual(Object.keys(TRANSITIONS).sort(), [...states].sort());
    for (const [from, targets] of Object.entries(TRANSITIONS)) {
        assert.ok(targets.length > 0, `${from} is a dead end`);
        for (const target of targets) {
            assert.ok(states.includes(target), `${from} -> ${target}`);
        }
    }
});

test("every state can be reached from the start", () => {
    const reached = new Set([STATES.BOOT]);
    for (let changed = true; changed;) {
        changed = false;
        for (const from of [...reached]) {
            for (const target of TRANSITIONS[from]) {
                if (!reached.has(target)) {
                    reached.add(target);
                    changed = true;
                }
            }
        }
    }
    assert.deepEqual([...reached].sort(), Object.values(STATES).sort());
});

test("a conversation's path: open, chat, end, rate, back to the button", () => {
    const {logged, log} = quiet();
    const machine = new StateMachine(STATES.BOOT, TRANSITIONS, log);
    for (const next of [STATES.IDLE, STATES.OPENING, STATES.CHATTING, STATES.ENDED, STATES.AFTER_CHAT, STATES.IDLE]) {
        assert.equal(machine.go(next), true, next);
        assert.equal(machine.state, next);
    }
    assert.deepEqual(logged, []);
});

test("an illegal transition is refused and logged, the state unchanged", () => {
    const {logged, log} = quiet();
    const machine = new StateMachine(STATES.IDLE, TRANSITIONS, log);
    assert.equal(machine.can(STATES.AFTER_CHAT), false);
    assert.equal(machine.go(STATES.AFTER_CHAT), false);
    assert.equal(machine.state, STATES.IDLE);
    assert.equal(logged.length, 1);
    assert.match(logged[0], /idle -> after_chat/);
    // chatting twice is a bug too: a second session cannot start over the first
    machine.go(STATES.OPENING);
    machine.go(STATES.CHATTING);
    assert.equal(machine.go(STATES.OPENING), false);
    assert.equal(machine.go(STATES.CHATTING), false);
    assert.equal(machine.state, STATES.CHATTING);
    assert.equal(logged.length, 3);
});

test("is() tells whether the machine is in one of the states", () => {
    const machine = new StateMachine(STATES.OFFLINE);
    assert.equal(machine.is(STATES.IDLE, STATES.OFFLINE), true);
    assert.equal(machine.is(STATES.CHATTING), false);
});

test("messages are kept once each, in id order, whatever order they come in", () => {
    const log = new MessageLog();
    assert.deepEqual(log.add(10), {before: null});
    assert.deepEqual(log.add(30), {before: null});
    assert.deepEqual(log.add(20), {before: 30}, "a late message goes before the next id");
    assert.deepEqual(log.add(5), {before: 10});
    assert.equal(log.add(20), null, "a duplicate (history and bus both bring it) is dropped");
    assert.equal(log.add(30), null);
    assert.deepEqual(log.ids, [5, 10, 20, 30]);
    assert.equal(log.lastId, 30);
    assert.equal(log.has(20), true);
    assert.equal(log.has(21), false);
});

test("a message without a numeric id is not logged", () => {
    const log = new MessageLog();
    for (const id of [null, undefined, "welcome", NaN, Infinity]) {
        assert.equal(log.add(id), null);
    }
    assert.equal(log.lastId, 0);
});

test("a reversed, duplicated flood ends sorted and unique", () => {
    const log = new MessageLog();
    const ids = [];
    for (let id = 500; id > 0; id -= 1) {
        ids.push(id, id);
    }
    for (const id of ids) {
        log.add(id);
    }
    assert.deepEqual(log.ids, Array.from({length: 500}, (_, index) => index + 1));
    log.clear();
    assert.equal(log.lastId, 0);
});

test("caps come from the server's limits", () => {
    const limits = {message: 4000, visitor_name: 64, email: 254, offline_name: 100, offline_message: 4000,
        rating_comment: 2000};
    assert.deepEqual(capsFrom(limits), limits);
    assert.deepEqual(Object.keys(capsFrom({})), LIMIT_NAMES);
    assert.equal(capsFrom({message: 12}).message, 12, "another server's cap is the one applied");
});

test("a missing or invalid limit gives no cap (the server checks anyway)", () => {
    for (const limits of [undefined, null, "4000", [], {}]) {
        assert.ok(Object.values(capsFrom(limits)).every((cap) => cap === null), JSON.stringify(limits));
    }
    const caps = capsFrom({message: -1, email: 0, offline_name: 1.5, offline_message: "10", rating_comment: 7});
    assert.deepEqual(caps, {message: null, visitor_name: null, email: null, offline_name: null, offline_message: null,
        rating_comment: 7});
});

test("dispatch runs the handler of the event's kind and ignores unknown kinds", () => {
    const seen = [];
    const table = {message: (context, event) => seen.push([context, event.message])};
    assert.equal(dispatch(table, {type: "message", message: "hi"}, "ctx"), true);
    assert.equal(dispatch(table, {type: "reaction"}, "ctx"), false);
    assert.equal(dispatch(table, {type: "toString"}, "ctx"), false, "no inherited property is a handler");
    assert.equal(dispatch(table, null, "ctx"), false);
    assert.deepEqual(seen, [["ctx", "hi"]]);
});

test("a random token is hexadecimal, of the length asked, and new each time", () => {
    const token = randomToken();
    assert.match(token, /^[0-9a-f]{32}$/, "16 bytes, as a client id the server accepts (ASCII, short)");
    assert.notEqual(randomToken(), token);
    assert.equal(randomToken(2, (array) => array.fill(10)), "0a0a");
});

test("a message sent again unchanged keeps its client id; any other text gets a new one", () => {
    let counter = 0;
    const newId = () => `id${++counter}`;
    assert.equal(clientIdFor(null, "hello", newId), "id1", "a first send: a new id");
    const draft = {body: "hello", clientId: "id1"};
    assert.equal(clientIdFor(draft, "hello", newId), "id1", "the resend of the draft: the same id");
    assert.equal(clientIdFor(draft, "hello", newId), "id1", "every resend");
    assert.equal(clientIdFor(draft, "hello!", newId), "id2", "an edited draft is another message");
    assert.equal(clientIdFor({body: "hello", clientId: ""}, "hello", newId), "id3");
});
