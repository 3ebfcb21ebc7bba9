"""Rate limits of the public live chat routes, counted in PostgreSQL.

The counters live in the database, not in the memory of one server process, so that every
worker of a prefork server (and every server on the same database) shares them. A check is one
``INSERT ... ON CONFLICT DO UPDATE``, committed at once with the request's (still empty)
transaction: the count survives the rollback of a request that is refused or fails, the
counter's row lock is released at once (a flood from one address does not queue on it), and no
second database connection is needed. Its commit does not wait for the disk: a counter lost in
a crash is harmless.

The window is a sliding minute, estimated from two fixed one-minute buckets (the previous
minute weighted by the part of it still inside the window). Keys are hashed with the
database secret: no IP address is stored.
"""
import hashlib
import math
import time

from odoo import api, fields, models

WINDOW_SECONDS = 60
KEEP_BUCKETS = 2


class LivechatRateLimit(models.Model):
    """Requests counted per key and minute, for the rate limits of the visitor API."""

    _name = "livechat.rate.limit"
    _description = "Live Chat Rate Limit Counter"
    _log_access = False

    key = fields.Char(required=True, help="Hash of the limit's kind and of the IP address or session.")
    bucket = fields.Integer(required=True, help="Minutes since 1970-01-01 (UTC).")
    hits = fields.Integer(required=True, default=0)

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
    def _hash_key(self, kind, key):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret", "")
        return hashlib.sha256(("%s\x00%s\x00%s" % (secret, kind, key)).encode("utf-8")).hexdigest()[:40]

    @api.model
    def _hit(self, kind, key, limit, now=None, synchronous=True):
        """Count one request of ``kind`` from ``key`` in this transaction.

        Returns 0 when it is within ``limit`` per minute, else the seconds to wait before retrying.
        ``synchronous=False``: the commit of this transaction will not wait for the disk.
        """
        if limit <= 0:
            return 0
        now = time.time() if now is None else now
        bucket = int(now // WINDOW_SECONDS)
        # one round trip: the setting (when asked) and the counter
        self.env.cr.execute(("" if synchronous else "SET LOCAL synchronous_commit TO OFF; ") + """
            WITH hit AS (
                INSERT INTO livechat_rate_limit (key, bucket, hits) VALUES (%(key)s, %(bucket)s, 1)
                ON CONFLICT (key, bucket) DO UPDATE SET hits = livechat_rate_limit.hits + 1
                RETURNING hits
            )
            SELECT (SELECT hits FROM hit),
                   COALESCE((SELECT hits FROM livechat_rate_limit
                              WHERE key = %(key)s AND bucket = %(bucket)s - 1), 0)
        """, {"key": self._hash_key(kind, key), "bucket": bucket})
        current, previous = self.env.cr.fetchone()
        elapsed = now - bucket * WINDOW_SECONDS
        estimate = current + previous * (1.0 - elapsed / WINDOW_SECONDS)
        if estimate <= limit:
            return 0
        return max(1, int(math.ceil(WINDOW_SECONDS - elapsed)))

    @api.model
    def _check_rate(self, kind, key, param, default):
        """Count one request of ``kind`` (open, post...) from ``key`` (an IP address, a session).

        The limit per minute is the system parameter ``param`` (``default`` when unset; 0: no limit).
        Returns 0 when the request is allowed, else the seconds the client should wait (HTTP
        Retry-After). Commits the current transaction: call it before anything else is written.
        """
        limit = self._limit(param, default)
        if limit <= 0:
            return 0
        wait = self._hit(kind, key, limit, synchronous=False)
        self.env.cr.commit()  # pylint: disable=invalid-commit
        return wait

    @api.model
    def _gc_counters(self):
        """Forget the counters of the minutes that no window uses any more."""
        bucket = int(time.time() // WINDOW_SECONDS)
        self.env.cr.execute("DELETE FROM livechat_rate_limit WHERE bucket < %s", (bucket - KEEP_BUCKETS,))
        return True
