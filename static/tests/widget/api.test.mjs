// Talking to the server: Retry-After, the reconnection backoff, retries, errors over real HTTP.
import {test} from "node:test";
import assert from "node:assert/strict";
import http from "node:http";

import {ApiError, BACKOFF_MAX, RETRY_AFTER_MAX, backoffDelay, call, parseRetryAfter, retrying} from "../../src/widget/api.js";

test("Retry-After in seconds", () => {
    assert.equal(parseRetryAfter("5"), 5000);
    assert.equal(parseRetryAfter(" 12 "), 12000);
    assert.equal(parseRetryAfter("0"), 1000, "at least a second: no hammering");
    assert.equal(parseRetryAfter("3600"), RETRY_AFTER_MAX * 1000, "at most RETRY_AFTER_MAX");
});

test("Retry-After as an HTTP date", () => {
    const now = Date.parse("Thu, 03 Dec 2026 07:00:00 GMT");
    assert.equal(parseRetryAfter("Thu, 03 Dec 2026 07:00:08 GMT", now), 8000);
    assert.equal(parseRetryAfter("Thu, 03 Dec 2026 06:59:00 GMT", now), 1000, "a date past: a second");
    assert.equal(parseRetryAfter("Fri, 04 Dec 2026 07:00:00 GMT", now), RETRY_AFTER_MAX * 1000);
});

test("no or unreadable Retry-After", () => {
    for (const value of [null, undefined, "", "  ", "soon", "-5", "1.5"]) {
        assert.equal(parseRetryAfter(value), null, JSON.stringify(value));
    }
});

test("backoff doubles from a second to its maximum, with jitter between half and all of it", () => {
    const expected = [1000, 2000, 4000, 8000, 16000, BACKOFF_MAX, BACKOFF_MAX, BACKOFF_MAX];
    expected.forEach((full, index) => {
        const failures = index + 1;
        assert.equal(backoffDelay(failures, () => 0), full / 2, `lowest after ${failures}`);
        assert.ok(backoffDelay(failures, () => 0.999999) <= full, `highest after ${failures}`);
        assert.ok(backoffDelay(failures, () => 0.999999) > full * 0.99);
    });
    assert.equal(backoffDelay(0, () => 0), 500, "no failure counted yet: as the first");
    for (let i = 0; i < 1000; i += 1) {
        const delay = backoffDelay(3);
        assert.ok(delay >= 2000 && delay <= 4000, String(delay));
    }
});

test("retrying waits the server's Retry-After, a bounded number of times", async () => {
    const waits = [], told = [];
    let calls = 0;
    const tooFast = () => { calls += 1; throw new ApiError(429, "rate_limited", "Slow down", 2000); };
    await assert.rejects(retrying(tooFast, (error) => told.push(error.code), 3, async (ms) => waits.push(ms)),
        (error) => error.status === 429);
    assert.equal(calls, 3);
    assert.deepEqual(waits, [2000, 2000]);
    assert.deepEqual(told, ["rate_limited", "rate_limited"]);

    calls = 0;
    const flaky = async () => {
        calls += 1;
        if (calls < 2) {
            throw new ApiError(503, "busy", "", 1000);
        }
        return "ok";
    };
    assert.equal(await retrying(flaky, null, 3, async () => {}), "ok");
});

test("an error without Retry-After is not retried", async () => {
    let calls = 0;
    await assert.rejects(retrying(() => { calls += 1; throw new ApiError(400, "bad", "Bad"); }, null, 3,
        async () => {}), /Bad/);
    assert.equal(calls, 1);
});

function serve(handler) {
    return new Promise((resolve) => {
        const server = http.createServer(handler);
        server.listen(0, "127.0.0.1", () => resolve(server));
    });
}

test("call posts JSON as text/plain and turns errors into ApiError with the Retry-After", async (t) => {
    const server = await serve((request, response) => {
        let body = "";
        request.on("data", (chunk) => { body += chunk; });
        request.on("end", () => {
            const data = JSON.parse(body);
            if (data.slow) {
                response.writeHead(429, {"Content-Type": "application/json", "Retry-After": "7"});
                response.end(JSON.stringify({error: {code: "rate_limited", message: "Too fast"}}));
            } else if (data.broken) {
                response.writeHead(500, {"Content-Type": "text/html"});
                response.end("<h1>oops</h1>");
            } else {
                response.writeHead(200, {"Content-Type": "application/json"});
                response.end(JSON.stringify({echo: data, type: request.headers["content-type"]}));
            }
        });
    });
    t.after(() => server.close());
    const url = `http://127.0.0.1:${server.address().port}/`;
    assert.deepEqual(await call(url, {a: 1}), {echo: {a: 1}, type: "text/plain;charset=UTF-8"});
    await assert.rejects(call(url, {slow: true}), (error) => error instanceof ApiError && error.status === 429
        && error.code === "rate_limited" && error.message === "Too fast" && error.retryAfter === 7000);
    await assert.rejects(call(url, {broken: true}), (error) => error.status === 500 && error.retryAfter === null
        && error.message === "HTTP 500");
});
