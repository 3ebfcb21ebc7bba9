"""Rate limits of the public live chat routes, counted in PostgreSQL.

The counters live in the database, not in the memory of one server process, so that every
worker of a prefork server (and every server on the same database) shares them. A check ends
the request's transaction (it has only read so far) and counts with one ``INSERT ... ON
CONFLICT DO UPDATE`` in a short READ COMMITTED transaction of its own, on the same connection:
concurrent requests of one key wait for each other's row lock instead of failing with a
serialization error (as they would in Odoo's REPEATABLE READ), the count survives the rollback
of a request that is refused or fails, and the lock is released at once. Its commit does not
wait for the disk: a counter lost in a crash is harmless.

The window is a sliding minute, estimated from two fixed one-minute buckets (the previous
minute weighted by the part of it still inside the window). Within a minute, the allowance
comes as a burst (``burst_size``), then evenly from the key's first request of the minute (a
limit of 60 allows 20 at once, then one a second). A refused request counts too, and its
Retry-After is when a retry is allowed: a client that waits it is served. Keys are hashed with
the database secret: no IP address is stored.

Once the database has refused a key, this process remembers it until the Retry-After it gave
(bounded, thread-safe), and refuses the key's next requests before any database work: a flood
from one address costs little more than the answers it gets.

The requests a widget or a web client sends many times a minute without anyone asking (page views,
``init``, on every page of the site; long-polls, again after each event; typing and "seen") are
counted in batches (``BATCHES``): each process counts them in its memory and writes a batch of
``limit // BATCHES[kind]`` hits at once (checked then), so that most of them write nothing. A small
limit is counted one by one, as every other kind; a process may let through up to a batch less one
more than the limit per key and minute (and forgets what it had not written when the minute ends),
a few percent of the limit.

Every limit is a row of ``RATE_LIMITS``: the routes name a kind, never a parameter or a default.
The data file (``data/livechat_security_data.xml``) and the README's table repeat the table for
the administrator; ``tests/test_rate_limit_table.py`` fails when one of them differs.
"""
import collections
import hashlib
import math
import threading
import time

from odoo import api, fields, models

WINDOW_SECONDS = 60
KEEP_BUCKETS = 2
BLOCKED_MAX_KEYS = 10000
EPSILON = 1e-6  # seconds or requests: float rounding never refuses a retry at its Retry-After

RateLimit = collections.namedtuple("RateLimit", "param default period per")
# kind of request -> the system parameter of its limit, the limit when the parameter is unset (0 =
# no limit), the period it is counted over (seconds: the sliding window) and what is counted: the
# request's IP address (``address``) or the visitor's session (``session``).
RATE_LIMITS = collections.OrderedDict([
    ("init", RateLimit("livechat.rate_limit_init", 300, WINDOW_SECONDS, "address")),
    ("open", RateLimit("livechat.rate_limit_open", 60, WINDOW_SECONDS, "address")),
    ("post", RateLimit("livechat.rate_limit_post", 60, WINDOW_SECONDS, "session")),
    ("post_ip", RateLimit("livechat.rate_limit_post_per_ip", 240, WINDOW_SECONDS, "address")),
    ("poll", RateLimit("livechat.rate_limit_poll", 120, WINDOW_SECONDS, "session")),
    ("poll_ip", RateLimit("livechat.rate_limit_poll_per_ip", 600, WINDOW_SECONDS, "address")),
    ("history", RateLimit("livechat.rate_limit_history", 60, WINDOW_SECONDS, "session")),
    ("leave", RateLimit("livechat.rate_limit_leave", 10, WINDOW_SECONDS, "session")),
    ("page", RateLimit("livechat.rate_limit_page", 60, WINDOW_SECONDS, "session")),
    ("rate", RateLimit("livechat.rate_limit_rate", 10, WINDOW_SECONDS, "session")),
    ("transcript", RateLimit("livechat.rate_limit_transcript", 3, WINDOW_SECONDS, "session")),
    ("transcript_ip", RateLimit("livechat.rate_limit_transcript_per_ip", 10, WINDOW_SECONDS, "address")),
    ("offline", RateLimit("livechat.rate_limit_offline", 5, WINDOW_SECONDS, "address")),
    ("typing", RateLimit("livechat.rate_limit_typing", 60, WINDOW_SECONDS, "session")),
    ("typing_operator", RateLimit("livechat.rate_limit_typing_operator", 60, WINDOW_SECONDS, "session")),
    ("seen", RateLimit("livechat.rate_limit_seen", 60, WINDOW_SECONDS, "session")),
    ("upload", RateLimit("livechat.rate_limit_upload", 10, WINDOW_SECONDS, "session")),
    ("file", RateLimit("livechat.rate_limit_file", 300, WINDOW_SECONDS, "address")),
])


# kinds counted in each process's memory and written in batches of ``limit // BATCHES[kind]``: with
# the default limits, page views 10 at a time, long-polls 10 (per session) and 20 (per address),
# typing and seen 6
BATCHES = {"init": 30, "poll": 12, "poll_ip": 30, "typing": 10, "typing_operator": 10, "seen": 10}


def batch_size(kind, limit):
    """Hits of ``kind`` a process counts in memory before it writes them at once (1: every one)."""
    return max(1, limit // BATCHES[kind]) if kind in BATCHES else 1


def burst_size(limit):
    """Requests of a minute's ``limit`` allowed at once (a third of it, at least 10); the others
    come evenly over the minute. A flood within the limits does not land all at once."""
    return max(limit // 3, min(limit, 10))


def _refused(limit, current, previous, elapsed, since):
    """Whether the ``current``-th request of the minute is over ``limit``, ``elapsed`` seconds into
    the minute and ``since`` seconds after the minute's first request (``previous``: the requests
    of the minute before): over the sliding minute, or ahead of the even pace after the burst."""
    if current + previous * (1.0 - elapsed / WINDOW_SECONDS) > limit + EPSILON:
        return True
    return (current - burst_size(limit)) * WINDOW_SECONDS / float(limit) > since + EPSILON


def _retry_after(limit, current, previous, elapsed, since):
    """Seconds until a retry is allowed, after a refused request (counted as the ``current``-th).

    The retry counts too: in this minute it is the ``current + 1``-th request, allowed once the
    previous minute's weight has dropped enough and the pace allows it; else in the next minute,
    as its first request, once this minute's weight allows it. A client that waits this long is
    served (unless it sent something else meanwhile); at most two minutes.
    """
    pace = WINDOW_SECONDS / float(limit)
    waits = []
    if current + 1 <= limit:
        until = 0.0
        if previous:
            until = WINDOW_SECONDS * (1.0 - float(limit - current - 1) / previous) - elapsed
        wait = max(until, (current + 1 - burst_size(limit)) * pace - since, 0.0)
        if elapsed + wait < WINDOW_SECONDS:
            waits.append(wait)
    next_minute = WINDOW_SECONDS - elapsed
    waits.append(next_minute + max(0.0, WINDOW_SECONDS * (1.0 - float(limit - 1) / current)))
    return min(waits)


class BlockedKeys(object):
    """Keys the database counter refused, and until when, in this process's memory.

    An entry is honoured only while the limit is not raised above the one it was refused under
    (lifting a limit takes effect at once). At most ``max_keys`` entries: the expired ones go
    first, then the oldest.
    """

    def __init__(self, max_keys=BLOCKED_MAX_KEYS):
        self.max_keys = max_keys
        self._until = {}
        self._lock = threading.Lock()

    def wait(self, key, limit, now):
        """Seconds ``key`` is still refused under ``limit`` (0: ask the database)."""
        with self._lock:
            entry = self._until.get(key)
            if entry is None:
                return 0
            until, blocked_limit = entry
            if until <= now or limit > blocked_limit:
                del self._until[key]
                return 0
        return max(1, int(math.ceil(until - now)))

    def block(self, key, limit, until, now):
        with self._lock:
            self._until.pop(key, None)
            if len(self._until) >= self.max_keys:
                for old in [old for old, entry in self._until.items() if entry[0] <= now]:
                    del self._until[old]
                while len(self._until) >= self.max_keys:
                    del self._until[next(iter(self._until))]
            self._until[key] = (until, limit)

    def clear(self):
        with self._lock:
            self._until.clear()


BLOCKED = BlockedKeys()


class PendingHits(object):
    """Hits of a batched kind counted in this process's memory, not yet in the database, per key and
    minute (bounded, thread-safe: the oldest keys are forgotten first)."""

    def __init__(self, max_keys=BLOCKED_MAX_KEYS):
        self.max_keys = max_keys
        self._hits = collections.OrderedDict()
        self._lock = threading.Lock()

    def add(self, key, bucket, batch):
        """Count one hit of ``key`` in the minute ``bucket``; the hits to write now (a whole batch),
        else 0. What a previous minute had not written is forgotten."""
        with self._lock:
            minute, hits = self._hits.pop(key, (bucket, 0))
            hits = (hits if minute == bucket else 0) + 1
            if hits >= batch:
                return hits
            while len(self._hits) >= self.max_keys:
                self._hits.popitem(last=False)
            self._hits[key] = (bucket, hits)
            return 0

    def clear(self):
        with self._lock:
            self._hits.clear()


PENDING = PendingHits()


class LivechatRateLimit(models.Model):
    """Requests counted per key and minute, for the rate limits of the visitor API."""

    _name = "livechat.rate.limit"
    _description = "Live Chat Rate Limit Counter"
    _log_access = False

    key = fields.Char(required=True, help="Hash of the limit's kind and of the IP address or session.")
    bucket = fields.Integer(required=True, help="Minutes since 1970-01-01 (UTC).")
    hits = fields.Integer(required=True, default=0)
    started = fields.Float(help="When the minute's first request came (seconds since 1970).")

    _sql_constraints = [
        ("key_bucket_unique", "unique(key, bucket)", "One counter per key and minute."),
    ]

    @api.model
    def _limit(self, param, default):
        """Requests per minute allowed by the system parameter ``param``; 0 means no limit."""
        value = self.env["ir.config_parameter"].sudo().get_param(param, default)
        try:
            return max(int(value), 0)
        except (TypeError, ValueError):
            return default

    @api.model
    def _limit_of(self, kind):
        """Requests per minute allowed for ``kind`` (a key of ``RATE_LIMITS``); 0 means no limit."""
        rate_limit = RATE_LIMITS[kind]
        return self._limit(rate_limit.param, rate_limit.default)

    @api.model
    def _hash_key(self, kind, key):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret", "")
        return hashlib.sha256(("%s\x00%s\x00%s" % (secret, kind, key)).encode("utf-8")).hexdigest()[:40]

    @api.model
    def _hit(self, kind, key, limit, now=None, isolated=False):
        """Count one request of ``kind`` from ``key``.

        Returns 0 when it is within ``limit`` per minute, else the seconds to wait before retrying.
        ``isolated``: commit the current transaction, then count in a READ COMMITTED transaction of
        its own, committed at once without waiting for the disk; else count in the current one.
        """
        return self._hits([(kind, key, limit)], now=now, isolated=isolated)[0]

    @api.model
    def _hits(self, checks, now=None, isolated=False):
        """Count one request (or ``hits`` of them) against each ``(kind, key, limit[, hits])`` of
        ``checks``, in order, in one
        transaction (see ``_hit``), up to the first that refuses it: a refused request is not
        counted against the limits after it, as if they had been checked one after the other.

        Returns ``(wait, index)``: the seconds to wait and the index of the refusing check, or
        ``(0, None)``.
        """
        checks = [(check + (1,))[:4] for check in checks if check[2] > 0]
        if not checks:
            return 0, None
        now = time.time() if now is None else now
        bucket = int(now // WINDOW_SECONDS)
        # the keys' hashes read the database secret: before the commit
        params = [{"key": self._hash_key(kind, key), "bucket": bucket, "now": now, "hits": hits}
                  for kind, key, _limit, hits in checks]
        settings = ""
        cr = self.env.cr
        if isolated:
            cr.commit()  # pylint: disable=invalid-commit
            # the test cursor is one transaction with savepoints: its isolation cannot change
            if not self.env.registry.in_test_mode():
                settings = "SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SET LOCAL synchronous_commit TO OFF; "
        wait, refusing = 0, None
        elapsed = now - bucket * WINDOW_SECONDS
        for index, (_kind, _key, limit, _hits) in enumerate(checks):
            # one round trip: the settings of the transaction (first check only) and the counter
            cr.execute((settings if index == 0 else "") + """
                WITH hit AS (
                    INSERT INTO livechat_rate_limit (key, bucket, hits, started)
                    VALUES (%(key)s, %(bucket)s, %(hits)s, %(now)s)
                    ON CONFLICT (key, bucket) DO UPDATE SET hits = livechat_rate_limit.hits + %(hits)s
                    RETURNING hits, started
                )
                SELECT (SELECT hits FROM hit), (SELECT started FROM hit),
                       COALESCE((SELECT hits FROM livechat_rate_limit
                                  WHERE key = %(key)s AND bucket = %(bucket)s - 1), 0)
            """, params[index])
            current, started, previous = cr.fetchone()
            since = now - (started if started is not None else bucket * WINDOW_SECONDS)
            if _refused(limit, current, previous, elapsed, since):
                wait = max(1, int(math.ceil(_retry_after(limit, current, previous, elapsed, since) - EPSILON)))
                refusing = index
                break
        if isolated:
            cr.commit()  # pylint: disable=invalid-commit
        return wait, refusing

    @api.model
    def _blocked_key(self, kind, key):
        return (self.env.cr.dbname, kind, key)

    @api.model
    def _recently_refused(self, kind, key):
        """Seconds to wait when this process refused ``key`` for ``kind`` a moment ago, else 0. No
        database work."""
        limit = self._limit_of(kind)
        if limit <= 0:
            return 0
        return BLOCKED.wait(self._blocked_key(kind, key), limit, time.time())

    @api.model
    def _check_rate(self, checks):
        """Count one request against the limits ``checks``: ``(kind, key)`` pairs, a kind of
        ``RATE_LIMITS`` and what it counts (an IP address, a session id), in the order they are
        checked.

        Returns 0 when the request is allowed, else the seconds the client should wait (HTTP
        Retry-After). Commits the current transaction: call it before anything else is written.
        The counters are updated in one short transaction, up to the first refusal (``_hits``). A
        key refused a moment ago is refused again from memory, before anything is counted. A
        batched kind (``BATCHES``) is counted in memory, and in the database once a batch is full.
        """
        now = time.time()
        counted = []
        for kind, key in checks:
            key = str(key)
            limit = self._limit_of(kind)
            if limit <= 0:
                continue
            wait = BLOCKED.wait(self._blocked_key(kind, key), limit, now)
            if wait:
                return wait
            batch = batch_size(kind, limit)
            hits = 1 if batch == 1 else PENDING.add(self._blocked_key(kind, key), int(now // WINDOW_SECONDS), batch)
            if hits:
                counted.append((kind, key, limit, hits))
        wait, refusing = self._hits(counted, isolated=True)
        if wait:
            kind, key, limit, _hits = counted[refusing]
            now = time.time()
            BLOCKED.block(self._blocked_key(kind, key), limit, now + wait, now)
        return wait

    @api.model
    def _gc_counters(self):
        """Forget the counters of the minutes that no window uses any more."""
        bucket = int(time.time() // WINDOW_SECONDS)
        self.env.cr.execute("DELETE FROM livechat_rate_limit WHERE bucket < %s", (bucket - KEEP_BUCKETS,))
        return True
