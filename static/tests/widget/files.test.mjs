// Files: the limits from the server, the pre-check, the sizes shown, the upload's body and answers.
import {test} from "node:test";
import assert from "node:assert/strict";

import {fileLimitsFrom, fileProblem, formatSize, upload, uploadBody} from "../../src/widget/files.js";

const LIMITS = fileLimitsFrom({
    message: 4000,
    file_size: 10 * 1024 * 1024,
    file_types: ["image/png", "image/jpeg", "application/pdf", "text/plain", 7],
    file_extensions: ["png", "jpg", "pdf", "txt", "docx"],
});

test("the file limits come from init's limits; none means no file at all", () => {
    assert.deepEqual(LIMITS.types, ["image/png", "image/jpeg", "application/pdf", "text/plain"]);
    assert.equal(LIMITS.size, 10485760);
    assert.equal(fileLimitsFrom({message: 4000}), null, "an older server: no paperclip");
    assert.equal(fileLimitsFrom({file_size: 0}), null, "files turned off");
    assert.equal(fileLimitsFrom(null), null);
});

test("the pre-check: size first, then the declared type or the extension", () => {
    const file = (name, size, type) => ({name, size, type});
    assert.equal(fileProblem(file("shot.png", 1000, "image/png"), LIMITS), null);
    assert.equal(fileProblem(file("shot.png", LIMITS.size, "image/png"), LIMITS), null, "exactly the limit");
    assert.equal(fileProblem(file("shot.png", LIMITS.size + 1, "image/png"), LIMITS), "too_large");
    assert.equal(fileProblem(file("big.svg", LIMITS.size + 1, "image/svg+xml"), LIMITS), "too_large");
    assert.equal(fileProblem(file("empty.txt", 0, "text/plain"), LIMITS), "empty");
    assert.equal(fileProblem(file("logo.svg", 900, "image/svg+xml"), LIMITS), "type_refused");
    assert.equal(fileProblem(file("page.html", 900, "text/html"), LIMITS), "type_refused");
    // a type the browser does not know, or an odd one for an accepted extension: the server decides
    assert.equal(fileProblem(file("notes", 900, ""), LIMITS), null);
    assert.equal(fileProblem(file("report.DOCX", 900, "application/x-whatever"), LIMITS), null);
    // the name is no proof: an HTML page renamed .png passes here, and the server refuses it by content
    assert.equal(fileProblem(file("page.png", 900, "image/png"), LIMITS), null);
});

test("sizes read as the server writes them", () => {
    assert.deepEqual([0, 830, 1024, 12800, 10 * 1024 * 1024, 10 * 1024 * 1024 + 1, 3 * 1024 ** 3].map(formatSize),
        ["0 B", "830 B", "1 kB", "12.5 kB", "10 MB", "10 MB", "3072 MB"]);
});

test("an upload's body: one line of JSON, then the file's bytes as they are", async () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0a, 0x00, 0xff]);
    const body = uploadBody({token: "t", name: "a\nb.png"}, new Blob([bytes]));
    const data = new Uint8Array(await body.arrayBuffer());
    const newline = data.indexOf(0x0a);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(data.slice(0, newline))), {token: "t", name: "a\nb.png"});
    assert.deepEqual(Array.from(data.slice(newline + 1)), Array.from(bytes), "a newline in the name stays escaped");
});

/** An XMLHttpRequest that answers ``status`` with ``response`` once sent, reporting progress first. */
function fakeRequest(status, response, sent) {
    return class {
        constructor() {
            this.upload = {};
        }

        open(method, url) {
            sent.push({method, url});
        }

        send(body) {
            sent[sent.length - 1].body = body;
            setTimeout(() => {
                this.upload.onprogress({lengthComputable: true, loaded: 5, total: 10});
                this.status = status;
                this.response = response;
                if (status === 0) {
                    this.onerror();
                } else {
                    this.onload();
                }
            }, 0);
        }
    };
}

test("an upload resolves to the server's answer, with its progress on the way", async () => {
    const sent = [], progress = [];
    const answer = {message: {id: 7, attachments: []}};
    const result = await upload("https://chat.example.com/livechat/api/session/upload", {token: "t"}, new Blob(["x"]),
        (fraction) => progress.push(fraction), fakeRequest(200, answer, sent));
    assert.deepEqual(result, answer);
    assert.deepEqual(progress, [0.5]);
    assert.equal(sent[0].method, "POST");
    assert.ok(sent[0].body instanceof Blob);
});

test("a refused upload is an ApiError with the server's code and message; a cut network too", async () => {
    const sent = [];
    const error = {error: {code: "file_type_refused", message: "This type of file cannot be sent."}};
    await assert.rejects(upload("/u", {}, new Blob(["x"]), () => {}, fakeRequest(415, error, sent)),
        (failure) => failure.status === 415 && failure.code === "file_type_refused"
            && failure.message === "This type of file cannot be sent.");
    await assert.rejects(upload("/u", {}, new Blob(["x"]), () => {}, fakeRequest(413, null, sent)),
        (failure) => failure.status === 413);
    await assert.rejects(upload("/u", {}, new Blob(["x"]), () => {}, fakeRequest(0, null, sent)),
        (failure) => failure.status === 0 && failure.code === "network");
});
