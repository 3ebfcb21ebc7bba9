// Signed visitors: the README's Node example signs what the server checks (the same known signature as
// tests/test_signed_visitor.py, whose Python example and server agree on it).
import {test} from "node:test";
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";
import vm from "node:vm";

import {visitorIdentity} from "../../src/widget/events.js";

const README = readFileSync(new URL("../../../README.rst", import.meta.url), "utf-8");
const KNOWN_SECRET = "s3cret";
const KNOWN_SIGNATURE = "f568aa42e9d926588ca241923e05da67dd17d9fe7819502493db031839971168";

/** The README's code block of ``language`` that contains ``marker``, unindented. */
function codeBlock(language, marker) {
    const blocks = README.split(`.. code-block:: ${language}\n\n`).slice(1)
        .map((rest) => rest.split("\n").filter((line, index, lines) => lines.slice(0, index + 1)
            .every((l) => l === "" || l.startsWith("    "))).join("\n"));
    const block = blocks.find((text) => text.includes(marker));
    assert.ok(block, `the README has a ${language} block with ${marker}`);
    return block.replace(/^ {4}/gm, "");
}

test("the README's Node example signs the documented payload", () => {
    const sandbox = {require: createRequire(import.meta.url)};
    vm.runInNewContext(`${codeBlock("javascript", "createHmac")}\nthis.livechatVisitor = livechatVisitor;`, sandbox);
    const signed = sandbox.livechatVisitor(KNOWN_SECRET, {id: 42, name: "Ana Pop", email: "ana@example.com"}, 1765000000);
    assert.deepEqual({...signed}, {id: "42", name: "Ana Pop", email: "ana@example.com", timestamp: 1765000000,
        signature: KNOWN_SIGNATURE});
    // and what setVisitor keeps of it is what the server checks, unchanged
    assert.deepEqual(visitorIdentity(signed), {...signed});
    const now = sandbox.livechatVisitor(KNOWN_SECRET, {id: 42, name: "Ana Pop", email: "ana@example.com"});
    assert.ok(Math.abs(now.timestamp - Date.now() / 1000) < 5, "seconds, not milliseconds");
});

test("the README's PHP example builds the same payload", () => {
    const php = codeBlock("php", "hash_hmac");
    assert.match(php, /implode\("\\n", \[\(string\) \$user_id, \$name, \$email, \(string\) \$timestamp\]\)/);
    assert.match(php, /hash_hmac\('sha256', \$payload, \$secret\)/);
});
