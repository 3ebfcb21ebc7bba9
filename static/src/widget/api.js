/**
 * Talking to the server: JSON over POST (text/plain keeps a cross-site fetch a CORS simple request),
 * errors as ApiError, the server's Retry-After honoured, and the reconnection backoff.
 */
export const RETRY_AFTER_MAX = 60;  // seconds: the longest a Retry-After makes the widget wait
export const OPEN_ATTEMPTS = 3;  // a rate-limited start or opening is tried this many times in all
export const BACKOFF_MAX = 30000;  // ms: the longest wait between two reconnection attempts

export class ApiError extends Error {
    constructor(status, code, message, retryAfter = null) {
        super(message || "HTTP " + status);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;  // milliseconds to wait before trying again (429, 503), or null
    }
}

/** A Retry-After header's value (seconds or an HTTP date) in milliseconds, 1 to RETRY_AFTER_MAX
 * seconds; null without one or when it cannot be read. */
export function parseRetryAfter(value, now = Date.now()) {
    const text = String(value || "").trim();
    if (!text) {
        return null;
    }
    // delay-seconds, or an HTTP date (all three of its formats start with the day's name)
    const seconds = /^\d+$/.test(text) ? Number(text)
        : (/^[a-z]{3}\b/i.test(text) ? (Date.parse(text) - now) / 1000 : NaN);
    return Number.isNaN(seconds) ? null : Math.min(RETRY_AFTER_MAX, Math.max(1, seconds)) * 1000;
}

/** The wait before reconnection attempt number ``failures`` (1, 2, ...): doubling from 1 s up to
 * BACKOFF_MAX, with jitter (half to all of it) so that visitors cut off together do not come back together. */
export function backoffDelay(failures, random = Math.random) {
    const delay = Math.min(BACKOFF_MAX, 1000 * 2 ** Math.min(Math.max(failures, 1) - 1, 5));
    return delay * (0.5 + random() / 2);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** ``request()``, tried again after the server's Retry-After when it says to slow down (at most
 * ``attempts`` in all); ``onWait(error)`` is told before each wait. */
export async function retrying(request, onWait = null, attempts = OPEN_ATTEMPTS, wait = sleep) {
    for (let attempt = 1; ; attempt += 1) {
        try {
            return await request();
        } catch (error) {
            if (!error.retryAfter || attempt >= attempts) {
                throw error;
            }
            if (onWait) {
                onWait(error);
            }
            await wait(error.retryAfter);
        }
    }
}

/** POST ``data`` as JSON to ``url``: the answer's JSON, or an ApiError. */
export async function call(url, data, options = {}) {
    const response = await fetch(url, {
        method: "POST",
        headers: {"Content-Type": "text/plain;charset=UTF-8"},
        body: JSON.stringify(data),
        ...options,
    });
    let body = null;
    try { body = await response.json(); } catch (e) { /* not JSON */ }
    if (!response.ok) {
        const error = (body && body.error) || {};
        const wait = [429, 503].includes(response.status) ? parseRetryAfter(response.headers.get("Retry-After")) : null;
        throw new ApiError(response.status, error.code, error.message, wait);
    }
    return body;
}

/** The visitor API of one server: ``api("session/post", {...})``. */
export function visitorApi(server) {
    return (path, data, options) => call(`${server}/livechat/api/${path}`, data, options);
}
