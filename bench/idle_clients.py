"""One load-client process of the scale scenario: ``count`` idle visitors, each with a chat open and
his long-poll parked on the server, as many widgets left open in browser tabs. Started (several at
once) by ``bench/scale.py``: one process with thousands of sockets is itself a limit.

    idle_clients.py BASE_URL CHANNEL_ID COUNT CONCURRENCY DEADLINE_SECONDS

Each visitor does what the widget does (``init``, ``session/open``, then the long-poll to the
``poll_url`` init gave, again as soon as it returns) over plain HTTP/1.1 sockets of asyncio, one
connection per request: a few kilobytes per visitor here, so that the client is not what bends.
Arrivals are ``CONCURRENCY`` at a time. A line of JSON on stdout every second::

    {"opened": n, "parked": n, "polls_answered": n, "statuses": {"200": n, "408": n, ...},
     "errors": {"ConnectionResetError": n, ...}, "open_seconds": [...]}

(``open_seconds``: the init+open times of the visitors who arrived since the last line). ``parked``
counts the long-polls sent whole and not answered yet. It stops, closing every socket at once
without leaving (visitors who vanish), when its stdin closes or after DEADLINE_SECONDS.
"""
import asyncio
import collections
import json
import secrets
import sys
import time
from urllib.parse import urlsplit

REQUEST_TIMEOUT = 60.0
POLL_TIMEOUT = 75.0  # Odoo's bus answers a long-poll within 50 s
RETRY_DELAY = 1.0
PAGE_URL = "http://127.0.0.1/shop"


class Stats:
    def __init__(self):
        self.opened = 0
        self.parked = 0
        self.polls_answered = 0
        self.statuses = collections.Counter()
        self.errors = collections.Counter()
        self.open_seconds = []

    def line(self):
        data = {"opened": self.opened, "parked": self.parked, "polls_answered": self.polls_answered,
                "statuses": dict(self.statuses), "errors": dict(self.errors), "open_seconds": self.open_seconds}
        self.open_seconds = []
        return json.dumps(data)


STATS = Stats()


class HttpError(Exception):
    pass


async def post(url, data, timeout=REQUEST_TIMEOUT, on_sent=None):
    """POST ``data`` as JSON (text/plain, as the widget) on a connection of its own: (status, JSON)."""
    parts = urlsplit(url)
    body = json.dumps(data).encode()
    reader, writer = await asyncio.wait_for(asyncio.open_connection(parts.hostname, parts.port or 80), timeout)
    try:
        writer.write((
            "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: %d\r\n"
            "Connection: close\r\n\r\n" % (parts.path, parts.netloc, len(body))).encode() + body)
        await writer.drain()
        if on_sent:
            on_sent(True)
        try:
            answer = await asyncio.wait_for(reader.read(), timeout)
        finally:
            if on_sent:
                on_sent(False)
    finally:
        writer.close()
    head, _sep, payload = answer.partition(b"\r\n\r\n")
    try:
        status = int(head.split(b" ", 2)[1])
    except (IndexError, ValueError):
        raise HttpError("no HTTP answer") from None
    STATS.statuses[str(status)] += 1
    if b"transfer-encoding: chunked" in head.lower():
        payload = dechunk(payload)
    try:
        return status, json.loads(payload or b"null")
    except ValueError:
        return status, None


def dechunk(payload):
    chunks = []
    while payload:
        size_line, _sep, rest = payload.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if not size:
            break
        chunks.append(rest[:size])
        payload = rest[size + 2:]
    return b"".join(chunks)


def parked(sent):
    STATS.parked += 1 if sent else -1


async def visitor(base_url, channel_id, gate):
    """Arrive (init + open, ``gate`` bounding the arrivals at once), then keep a long-poll parked."""
    async with gate:
        started = time.perf_counter()
        status, config = await post(base_url + "/livechat/api/init", {"channel_id": channel_id, "url": PAGE_URL})
        if status != 200:
            raise HttpError("init: HTTP %d" % status)
        status, session = await post(base_url + "/livechat/api/session/open", {
            "channel_id": channel_id, "url": PAGE_URL, "visitor_uid": secrets.token_hex(16)})
        if status != 200 or not session.get("available"):
            raise HttpError("open: HTTP %d %s" % (status, (session or {}).get("message", "")))
        STATS.open_seconds.append(round(time.perf_counter() - started, 4))
        STATS.opened += 1
    token, cursor = session["token"], session.get("cursor") or 0
    while True:
        try:
            status, result = await post(config["poll_url"], {"token": token, "last": cursor}, POLL_TIMEOUT, parked)
        except (OSError, asyncio.TimeoutError, HttpError) as error:
            STATS.errors[error.__class__.__name__] += 1
            await asyncio.sleep(RETRY_DELAY)
            continue
        if status != 200:
            await asyncio.sleep(RETRY_DELAY)
            continue
        STATS.polls_answered += 1
        cursor = result.get("cursor", cursor)


async def guarded(coroutine):
    try:
        await coroutine
    except (OSError, asyncio.TimeoutError, HttpError, ValueError, KeyError) as error:
        STATS.errors["%s: %s" % (error.__class__.__name__, str(error)[:80])] += 1


async def report(stop):
    while not stop.is_set():
        sys.stdout.write(STATS.line() + "\n")
        sys.stdout.flush()
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except asyncio.TimeoutError:
            pass


async def main():
    base_url, channel_id, count, concurrency, deadline = sys.argv[1:6]
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    # stdin closed (the benchmark is done, or died): vanish at once
    loop.add_reader(sys.stdin.fileno(), lambda: stop.set() if not sys.stdin.buffer.read1(4096) else None)
    loop.call_later(float(deadline), stop.set)
    gate = asyncio.Semaphore(int(concurrency))
    tasks = [asyncio.ensure_future(guarded(visitor(base_url, int(channel_id), gate))) for _ in range(int(count))]
    reporter = asyncio.ensure_future(report(stop))
    await stop.wait()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await reporter
    sys.stdout.write(STATS.line() + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    asyncio.run(main())
