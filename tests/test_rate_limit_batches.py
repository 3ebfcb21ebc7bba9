"""Page views are counted in batches: a page view (``init``) writes nothing most of the time, and its
limit still bites; a small limit is counted request by request."""
import uuid

from odoo import SUPERUSER_ID, api
from odoo.tests import common

from ..models.livechat_rate_limit import (BATCHES, BLOCKED, PENDING, RATE_LIMITS, WINDOW_SECONDS, RateLimit,
                                          batch_size, burst_size)


class TestRateLimitBatches(common.TransactionCase):
    """Each check in its own committed transaction, as in a request (``_check_rate`` commits)."""

    def setUp(self):
        super(TestRateLimitBatches, self).setUp()
        self.key = "203.0.113.%s" % uuid.uuid4().hex
        # kinds of the test's own, batched as page views are
        for kind, limit in (("pages_test", 300), ("small_pages_test", 20), ("paced_pages_test", 60)):
            RATE_LIMITS[kind] = RateLimit("livechat.rate_limit_%s" % kind, limit, WINDOW_SECONDS, "address")
            BATCHES[kind] = BATCHES["init"]
            self.addCleanup(RATE_LIMITS.pop, kind)
            self.addCleanup(BATCHES.pop, kind)
        self.addCleanup(self._forget)

    def _in_new_transaction(self, function):
        with api.Environment.manage(), self.registry.cursor() as cr:
            return function(api.Environment(cr, SUPERUSER_ID, {}))

    def _forget(self):
        BLOCKED.clear()
        PENDING.clear()

        def forget(env):
            env.cr.execute("DELETE FROM livechat_rate_limit WHERE key IN %s", (tuple(
                env["livechat.rate.limit"]._hash_key(kind, self.key)
                for kind in ("pages_test", "small_pages_test", "paced_pages_test")),))
        self._in_new_transaction(forget)

    def check(self, kind):
        return self._in_new_transaction(lambda env: env["livechat.rate.limit"]._check_rate([(kind, self.key)]))

    def stored_hits(self, kind):
        def hits(env):
            env.cr.execute("SELECT coalesce(sum(hits), 0) FROM livechat_rate_limit WHERE key = %s",
                           (env["livechat.rate.limit"]._hash_key(kind, self.key),))
            return env.cr.fetchone()[0]
        return self._in_new_transaction(hits)

    def test_page_views_are_written_a_batch_at_a_time(self):
        self.assertEqual(batch_size("init", 300), 10)
        self.assertEqual(batch_size("open", 300), 1, "opening a conversation is counted one by one")
        widget_kinds = ("poll", "poll_ip", "typing", "seen")
        self.assertEqual([batch_size(kind, RATE_LIMITS[kind].default) for kind in widget_kinds],
                         [10, 20, 6, 6], "what a widget sends by itself is batched")
        stored = []
        for _view in range(25):
            self.assertEqual(self.check("pages_test"), 0)
            stored.append(self.stored_hits("pages_test"))
        self.assertEqual(stored, [0] * 9 + [10] * 10 + [20] * 6, "nothing written until a batch is full")

    def test_a_small_limit_is_counted_request_by_request(self):
        self.assertEqual(batch_size("init", 20), 1)
        for view in range(3):
            self.check("small_pages_test")
            self.assertEqual(self.stored_hits("small_pages_test"), view + 1)

    def test_the_limit_still_bites(self):
        """60 a minute: a burst of 20 at once, then one a second (however slow this test runs, never
        more than the minute's 60); batches of 2 are checked a request late at most."""
        batch = batch_size("paced_pages_test", 60)
        self.assertEqual(batch, 2)
        waits = []
        while len(waits) < 60 + batch + 1 and not any(waits[-1:]):
            waits.append(self.check("paced_pages_test"))
        self.assertTrue(waits[-1], "refused within the minute's limit and a batch")
        self.assertGreaterEqual(len(waits), burst_size(60), "the burst is served")
        self.assertTrue(all(self.check("paced_pages_test") for _view in range(3)), "refused from then on")
