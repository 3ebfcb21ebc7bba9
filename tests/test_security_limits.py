"""Limits: per-IP and per-session rate limits (HTTP 429 + Retry-After), size caps, input that cannot be stored."""
import io
import json
import threading
import uuid

from psycopg2.extensions import TransactionRollbackError

from odoo import SUPERUSER_ID, api
from odoo.exceptions import ValidationError
from odoo.tests import common
from odoo.tools import mute_logger

from ..controllers.common import MAX_BODY_BYTES, read_at_most
from ..models.livechat_input import MESSAGE_MAX_LENGTH
from ..models.livechat_rate_limit import BLOCKED, RATE_LIMITS, WINDOW_SECONDS, BlockedKeys, RateLimit, burst_size
from .security_common import SecurityHttpCase, SecurityMixin

MINUTE = 1000 * WINDOW_SECONDS  # the start of some minute (seconds since 1970)


@common.at_install(False)
@common.post_install(True)
class TestRateLimitCounter(common.TransactionCase):
    """The database counter: a sliding minute per key."""

    def setUp(self):
        super(TestRateLimitCounter, self).setUp()
        self.Limit = self.env["livechat.rate.limit"].sudo()

    def test_sliding_minute(self):
        hit = self.Limit._hit
        self.assertEqual([hit("open", "203.0.113.7", 3, now=MINUTE + 10) for _i in range(3)], [0, 0, 0])
        wait = hit("open", "203.0.113.7", 3, now=MINUTE + 10)
        self.assertEqual(wait, 80, "over the limit: until the 4 requests of this minute weigh 2 in the next one")
        self.assertEqual(hit("open", "198.51.100.1", 3, now=MINUTE + 10), 0, "another address is not limited")
        self.assertEqual(hit("post", "203.0.113.7", 3, now=MINUTE + 10), 0, "another kind of request neither")
        # half-way through the next minute (the Retry-After), half of the previous minute's 4 requests still count
        self.assertEqual(hit("open", "203.0.113.7", 3, now=MINUTE + 10 + wait), 0)
        self.assertGreater(hit("open", "203.0.113.7", 3, now=MINUTE + WINDOW_SECONDS + 30), 0)
        # two minutes later, all is forgotten
        self.assertEqual(hit("open", "203.0.113.7", 3, now=MINUTE + 3 * WINDOW_SECONDS), 0)

    def test_a_minutes_allowance_is_not_spent_at_once(self):
        """A third of it at once (at least 10), then evenly from the key's first request of the minute."""
        self.assertEqual([burst_size(limit) for limit in (3, 10, 30, 60, 300)], [3, 10, 10, 20, 100])
        hit, now = self.Limit._hit, MINUTE + 5
        self.assertEqual([hit("post", "session-1", 60, now=now) for _i in range(20)], [0] * 20)
        # then one a second: the refused request counts too, its retry is the 22nd, two seconds on
        self.assertEqual(hit("post", "session-1", 60, now=now), 2)
        self.assertEqual(hit("post", "session-1", 60, now=now + 2), 0)
        self.assertEqual(hit("post", "session-1", 60, now=now + 2), 2)
        self.assertEqual(hit("post", "session-2", 60, now=now + 2), 0, "another session has its own allowance")
        # a key that starts late in the minute still gets its burst, then the same pace
        self.assertEqual([hit("post", "session-3", 60, now=MINUTE + 50) for _i in range(21)], [0] * 20 + [2])

    def _probe(self, key, limit, now):
        """What ``_hit`` answers at ``now``, without counting the request."""
        self.env.cr.execute("SAVEPOINT probe")
        try:
            return self.Limit._hit("poll", key, limit, now=now)
        finally:
            self.env.cr.execute("ROLLBACK TO SAVEPOINT probe")

    def test_a_client_that_waits_the_retry_after_is_served(self):
        """Whatever the limit, the moment and the previous minute: the retry at Retry-After is allowed,
        and Retry-After is no longer than needed (a second earlier, the retry is refused)."""
        for limit in (1, 3, 12, 60, 300):
            for start in (0, 20, 45, 59.5):
                for previous in sorted({0, limit // 2, limit}):
                    key = "retry-%d-%s-%d" % (limit, start, previous)
                    for _i in range(previous):
                        self.Limit._hit("poll", key, limit, now=MINUTE + 30)
                    now, waits = MINUTE + WINDOW_SECONDS + start, []
                    while not any(waits):
                        waits.append(self.Limit._hit("poll", key, limit, now=now))
                    wait = waits[-1]
                    self.assertLessEqual(wait, 2 * WINDOW_SECONDS, key)
                    if wait > 1:
                        self.assertTrue(self._probe(key, limit, now + wait - 1), "%s: refused a second before" % key)
                    self.assertEqual(self.Limit._hit("poll", key, limit, now=now + wait), 0,
                                     "%s: %d served, then refused for %d s" % (key, len(waits) - 1, wait))

    def test_no_limit_and_no_address_stored(self):
        self.assertEqual([self.Limit._hit("open", "203.0.113.8", 0) for _i in range(50)], [0] * 50)
        self.Limit._hit("open", "203.0.113.8", 5)
        self.env.cr.execute("SELECT key FROM livechat_rate_limit")
        keys = [row[0] for row in self.env.cr.fetchall()]
        self.assertTrue(keys)
        self.assertFalse([key for key in keys if "203.0.113" in key], "addresses are stored hashed")

    def test_unreadable_parameter_falls_back_to_default(self):
        self.env["ir.config_parameter"].set_param("livechat.rate_limit_test", "many")
        self.assertEqual(self.Limit._limit("livechat.rate_limit_test", 7), 7)
        self.env["ir.config_parameter"].set_param("livechat.rate_limit_test", "-3")
        self.assertEqual(self.Limit._limit("livechat.rate_limit_test", 7), 0)

    def test_defaults_are_generous_for_page_views_and_long_polls(self):
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(params.get_param("livechat.rate_limit_init"), "300")
        self.assertEqual(params.get_param("livechat.rate_limit_poll"), "120")
        self.assertEqual(params.get_param("livechat.rate_limit_poll_per_ip"), "600")

    def test_refused_keys_in_memory(self):
        blocked = BlockedKeys(max_keys=3)
        blocked.block("a", 5, until=MINUTE + 30, now=MINUTE)
        self.assertEqual(blocked.wait("a", 5, MINUTE + 10), 20)
        self.assertEqual(blocked.wait("a", 3, MINUTE + 10), 20, "a lower limit still refuses")
        self.assertEqual(blocked.wait("b", 5, MINUTE + 10), 0, "another key is not refused")
        self.assertEqual(blocked.wait("a", 6, MINUTE + 10), 0, "a raised limit takes effect at once")
        self.assertEqual(blocked.wait("a", 5, MINUTE + 10), 0, "and forgets the key")
        blocked.block("a", 5, until=MINUTE + 30, now=MINUTE)
        self.assertEqual(blocked.wait("a", 5, MINUTE + 30), 0, "refused until Retry-After only")
        # bounded: the expired keys go first, then the oldest
        for number, until in enumerate((MINUTE + 5, MINUTE + 50, MINUTE + 50, MINUTE + 50)):
            blocked.block("k%d" % number, 5, until=until, now=MINUTE + 10)
        self.assertEqual([blocked.wait("k%d" % number, 5, MINUTE + 10) for number in range(4)], [0, 40, 40, 40])
        blocked.block("k4", 5, until=MINUTE + 50, now=MINUTE + 10)
        self.assertEqual([blocked.wait("k%d" % number, 5, MINUTE + 10) for number in range(5)], [0, 0, 40, 40, 40])

    def test_a_body_is_read_up_to_the_cap_only(self):
        class EndlessChunks(io.RawIOBase):
            """A chunked body that never ends, one short chunk a read."""
            read_bytes = 0

            def readable(self):
                return True

            def readinto(self, buffer):
                size = min(len(buffer), 1000)
                buffer[:size] = b"x" * size
                self.read_bytes += size
                return size
        stream = EndlessChunks()
        self.assertEqual(len(read_at_most(stream, MAX_BODY_BYTES + 1)), MAX_BODY_BYTES + 1)
        self.assertEqual(stream.read_bytes, MAX_BODY_BYTES + 1)
        self.assertEqual(read_at_most(io.BytesIO(b"{}"), MAX_BODY_BYTES + 1), b"{}")

    def test_old_counters_are_forgotten(self):
        self.Limit._hit("open", "203.0.113.9", 5, now=MINUTE)
        self.Limit._gc_counters()
        self.env.cr.execute("SELECT count(*) FROM livechat_rate_limit WHERE bucket = %s", (MINUTE // WINDOW_SECONDS,))
        self.assertEqual(self.env.cr.fetchone()[0], 0)


@common.at_install(False)
@common.post_install(True)
class TestRateLimitConcurrency(common.TransactionCase):
    """Many requests of one key at once, each in its own transaction as a request is: none fails."""

    THREADS = 8

    def setUp(self):
        super(TestRateLimitConcurrency, self).setUp()
        self.key = "203.0.113.%s" % uuid.uuid4().hex
        # a kind of request of the test's own, with a limit no race reaches
        RATE_LIMITS["race"] = RateLimit("livechat.rate_limit_race", 1000, WINDOW_SECONDS, "address")
        self.addCleanup(RATE_LIMITS.pop, "race")
        self.addCleanup(self._forget_key)
        # the counter row exists already, as under a flood
        self.assertEqual(self._in_new_transaction(lambda env: env["livechat.rate.limit"]._check_rate(
            [("race", self.key)])), 0)

    def _in_new_transaction(self, function):
        with api.Environment.manage(), self.registry.cursor() as cr:
            return function(api.Environment(cr, SUPERUSER_ID, {}))

    def _forget_key(self):
        def forget(env):
            env.cr.execute("DELETE FROM livechat_rate_limit WHERE key = %s",
                           (env["livechat.rate.limit"]._hash_key("race", self.key),))
        self._in_new_transaction(forget)

    def _hits(self):
        def hits(env):
            env.cr.execute("SELECT sum(hits) FROM livechat_rate_limit WHERE key = %s",
                           (env["livechat.rate.limit"]._hash_key("race", self.key),))
            return env.cr.fetchone()[0]
        return self._in_new_transaction(hits)

    def _race(self, count):
        """``count(env)`` in THREADS transactions that have all read something (Odoo's REPEATABLE READ
        snapshot is taken) before any of them counts. Returns the errors raised."""
        barrier = threading.Barrier(self.THREADS)
        errors = []

        def request():
            try:
                with api.Environment.manage(), self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    cr.execute("SELECT count(*) FROM res_users")  # a request reads before it counts
                    barrier.wait(timeout=60)
                    count(env)
            except Exception as error:  # pylint: disable=broad-except
                errors.append(error)

        threads = [threading.Thread(target=request) for _i in range(self.THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        return errors

    def test_counting_inside_the_request_transaction_would_fail(self):
        """The situation the check must survive: counted in the request's snapshot, it fails."""
        with mute_logger("odoo.sql_db"):
            errors = self._race(lambda env: env["livechat.rate.limit"]._hit("race", self.key, 1000))
        self.assertTrue(errors)
        self.assertTrue(all(isinstance(error, TransactionRollbackError) for error in errors), errors)

    def test_concurrent_checks_never_fail(self):
        answers = []
        errors = self._race(lambda env: answers.append(env["livechat.rate.limit"]._check_rate(
            [("race", self.key)])))
        self.assertEqual(errors, [])
        self.assertEqual(answers, [0] * self.THREADS)
        self.assertEqual(self._hits(), 1 + self.THREADS, "every request was counted")


@common.at_install(False)
@common.post_install(True)
class TestRateLimitHttp(SecurityHttpCase):
    """Over the limit: HTTP 429, a readable JSON error, Retry-After; other visitors are not affected."""

    def setUp(self):
        super(TestRateLimitHttp, self).setUp()
        # the refusals a test remembers in memory are its own (its database counters are rolled back)
        BLOCKED.clear()
        self.addCleanup(BLOCKED.clear)

    def set_limit(self, param, value):
        self.env["ir.config_parameter"].set_param(param, str(value))

    def assert_rate_limited(self, response):
        self.assertEqual(response.status_code, 429)
        error = response.json()["error"]
        self.assertEqual(error["code"], "rate_limited")
        self.assertIn("wait", error["message"])
        self.assertTrue(1 <= int(response.headers["Retry-After"]) <= 2 * WINDOW_SECONDS)
        # the widget on a third-party page reads it (fetch shows it only when CORS exposes it)
        self.assertEqual(response.headers["Access-Control-Expose-Headers"], "Retry-After")
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], "*")

    def test_session_opening_per_ip(self):
        self.set_limit("livechat.rate_limit_open", 2)
        payload = {"channel_id": self.channel.id, "url": "https://shop.example.com/"}
        Session = self.env["livechat.session"].sudo()
        before = Session.search_count([])
        for _i in range(2):
            self.assertEqual(self.post("/livechat/api/session/open", payload).status_code, 200)
        self.assert_rate_limited(self.post("/livechat/api/session/open", payload))
        self.assertEqual(Session.search_count([]), before + 2, "the refused request opened nothing")
        # behind a reverse proxy, the visitor's address is the one the proxy forwards
        self.proxy_mode()
        self.assert_rate_limited(self.post("/livechat/api/session/open", payload,
                                           headers=self.from_ip("127.0.0.1")))
        response = self.post("/livechat/api/session/open", payload, headers=self.from_ip("198.51.100.20"))
        self.assertEqual(response.status_code, 200, "another visitor still gets a conversation")

    def test_posting_per_session_and_per_ip(self):
        self.set_limit("livechat.rate_limit_post", 3)
        self.set_limit("livechat.rate_limit_post_per_ip", 4)
        first, second = self.open_session()["token"], self.open_session()["token"]
        for number in range(3):
            self.assertEqual(self.post("/livechat/api/session/post", {
                "token": first, "body": "message %d" % number}).status_code, 200)
        response = self.post("/livechat/api/session/post", {"token": first, "body": "one too many"})
        self.assert_rate_limited(response)
        self.assertFalse(self._conversation_messages(self.session_of(first)).filtered(
            lambda message: "one too many" in (message.body or "")), "the refused message was not posted")
        # the other session of the same address: within its own limit, until the address's limit
        self.assertEqual(self.post("/livechat/api/session/post", {"token": second, "body": "a"}).status_code, 200)
        self.assert_rate_limited(self.post("/livechat/api/session/post", {"token": second, "body": "b"}))

    def test_refused_requests_still_count(self):
        """The count is committed before the request is answered: a refused request (rolled back) counts.
        Once refused, the session is refused from memory until Retry-After, without database work."""
        self.set_limit("livechat.rate_limit_post", 2)
        token = self.open_session()["token"]
        session_id = self.session_of(token).id
        for _i in range(2):
            self.assertEqual(self.post("/livechat/api/session/post", {"token": token, "body": "hi"}).status_code, 200)
        for _i in range(3):
            self.assert_rate_limited(self.post("/livechat/api/session/post", {"token": token, "body": "hi"}))
        key = self.env["livechat.rate.limit"]._hash_key("post", str(session_id))
        self.env.cr.execute("SELECT sum(hits) FROM livechat_rate_limit WHERE key = %s", (key,))
        self.assertEqual(self.env.cr.fetchone()[0], 3, "the first refusal counted, the next ones came from memory")
        # lifting the limit takes effect at once
        self.set_limit("livechat.rate_limit_post", 0)
        self.assertEqual(self.post("/livechat/api/session/post", {"token": token, "body": "hi"}).status_code, 200)

    def test_widget_start_per_ip(self):
        self.set_limit("livechat.rate_limit_init", 2)
        payload = {"channel_id": self.channel.id, "url": "https://shop.example.com/"}
        for _i in range(2):
            self.assertEqual(self.post("/livechat/api/init", payload).status_code, 200)
        self.assert_rate_limited(self.post("/livechat/api/init", payload))
        self.assert_rate_limited(self.post("/livechat/api/init", {"channel_id": 0}))  # before any lookup
        self.proxy_mode()
        response = self.post("/livechat/api/init", payload, headers=self.from_ip("198.51.100.21"))
        self.assertEqual(response.status_code, 200, "another address still gets its widget")

    def test_long_poll_per_session(self):
        self.set_limit("livechat.rate_limit_poll", 3)
        first, second = self.open_session(), self.open_session()
        for _i in range(3):
            response = self.post("/longpolling/livechat/poll", {"token": first["token"], "last": first["cursor"]})
            self.assertEqual(response.status_code, 200, response.text)
        self.assert_rate_limited(self.post("/longpolling/livechat/poll", {"token": first["token"], "last": 0}))
        response = self.post("/longpolling/livechat/poll", {"token": second["token"], "last": second["cursor"]})
        self.assertEqual(response.status_code, 200, "another session of the same address still polls")
        for payload in ({"token": "x" * 200}, {"token": ["a"]}, {}):
            response = self.post("/longpolling/livechat/poll", payload)
            self.assertEqual(response.status_code, 403, "no plausible token: unknown session")

    def test_history_and_leave_per_session(self):
        self.set_limit("livechat.rate_limit_history", 3)
        self.set_limit("livechat.rate_limit_leave", 2)
        first, second = self.open_session(), self.open_session()
        for _i in range(3):
            self.assertEqual(self.post("/livechat/api/session/history", {"token": first["token"]}).status_code, 200)
        self.assert_rate_limited(self.post("/livechat/api/session/history", {"token": first["token"]}))
        self.assertEqual(self.post("/livechat/api/session/history", {"token": second["token"]}).status_code, 200,
                         "another session still reads its history")
        for _i in range(2):
            self.assertEqual(self.post("/livechat/api/session/leave", {"token": second["token"]}).status_code, 200)
        self.assert_rate_limited(self.post("/livechat/api/session/leave", {"token": second["token"]}))

    def _counted(self, kind, key):
        self.env.cr.execute("SELECT sum(hits) FROM livechat_rate_limit WHERE key = %s",
                            (self.env["livechat.rate.limit"]._hash_key(kind, key),))
        return self.env.cr.fetchone()[0] or 0

    def test_long_poll_per_ip_before_the_token_lookup(self):
        """Random tokens are counted per address only: they leave no counter of their own."""
        self.set_limit("livechat.rate_limit_poll_per_ip", 4)
        self.set_limit("livechat.rate_limit_poll", 5)  # counted request by request (no batch)
        session = self.open_session()
        tokens = [uuid.uuid4().hex for _i in range(3)]
        for token in tokens:
            self.assertEqual(self.post("/longpolling/livechat/poll", {"token": token}).status_code, 403)
        self.assertEqual([self._counted("poll", token) for token in tokens], [0, 0, 0])
        self.assertEqual(self._counted("poll_ip", "127.0.0.1"), 3)
        response = self.post("/longpolling/livechat/poll", {"token": session["token"], "last": session["cursor"]})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(self._counted("poll", str(self.session_of(session["token"]).id)), 1)
        # over the address's limit, even a real session waits; the refusal comes before the lookup
        self.assert_rate_limited(self.post("/longpolling/livechat/poll", {"token": session["token"], "last": 0}))
        self.assert_rate_limited(self.post("/longpolling/livechat/poll", {"token": uuid.uuid4().hex}))
        self.proxy_mode()
        response = self.post("/longpolling/livechat/poll", {"token": session["token"], "last": session["cursor"]},
                             headers=self.from_ip("198.51.100.22"))
        self.assertEqual(response.status_code, 200, "another address still polls")

    def test_long_poll_per_ip_can_be_lifted(self):
        self.set_limit("livechat.rate_limit_poll_per_ip", 0)
        for _i in range(3):
            self.assertEqual(self.post("/longpolling/livechat/poll", {"token": uuid.uuid4().hex}).status_code, 403)
        self.assertEqual(self._counted("poll_ip", "127.0.0.1"), 0)

    def test_transcripts_per_ip(self):
        """The visitor chooses where the transcript goes: one address cannot have many e-mails sent,
        whatever the number of conversations it opens."""
        self.set_limit("livechat.rate_limit_transcript_per_ip", 2)
        Mail = self.env["mail.mail"].sudo()
        before = Mail.search_count([("email_to", "=", "victim@example.com")])

        def answered_session():
            token = self.open_session()["token"]
            session = self.session_of(token)
            session._post_visitor_message("Hello")
            session.mail_channel_id.sudo(session.operator_id).message_post(
                body="Hi", message_type="comment", subtype="mail.mt_comment")
            return token
        for _i in range(2):
            response = self.post("/livechat/api/session/transcript", {
                "token": answered_session(), "email": "victim@example.com"})
            self.assertEqual(response.status_code, 200, response.text)
        token = answered_session()
        self.assert_rate_limited(self.post("/livechat/api/session/transcript", {
            "token": token, "email": "victim@example.com"}))
        self.assertEqual(Mail.search_count([("email_to", "=", "victim@example.com")]), before + 2)
        self.proxy_mode()
        response = self.post("/livechat/api/session/transcript", {"token": token, "email": "ana@example.com"},
                             headers=self.from_ip("198.51.100.23"))
        self.assertEqual(response.status_code, 200, "another visitor still gets his transcript")

    def test_limits_can_be_lifted(self):
        self.set_limit("livechat.rate_limit_open", 0)
        for _i in range(5):
            self.open_session()

    def test_message_length_cap(self):
        token = self.open_session()["token"]
        response = self.post("/livechat/api/session/post", {"token": token, "body": "x" * (MESSAGE_MAX_LENGTH + 1)})
        self.assertEqual(response.status_code, 413)
        error = response.json()["error"]
        self.assertEqual(error["code"], "message_too_long")
        self.assertIn(str(MESSAGE_MAX_LENGTH), error["message"])
        response = self.post("/livechat/api/session/post", {"token": token, "body": "y" * MESSAGE_MAX_LENGTH})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.json()["message"]["body"]), MESSAGE_MAX_LENGTH)

    def test_request_size_cap(self):
        token = self.open_session()["token"]
        response = self.post("/livechat/api/session/post", {"token": token, "body": "z" * 70000})
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response.json()["error"]["code"], "request_too_large")

    def test_unstorable_characters_are_a_readable_error(self):
        token = self.open_session()["token"]
        for raw in ('{"token": "%s", "body": "nul \\u0000 here"}' % token,
                    '{"token": "%s", "body": "half \\ud800 surrogate"}' % token,
                    '{"channel_id": %d, "visitor_name": "\\u0000"}' % self.channel.id,
                    '{"token": "\\u0000"}'):
            for route in ("session/post", "session/open", "session/history"):
                response = self.post("/livechat/api/" + route, raw)
                self.assertEqual(response.status_code, 400, "%s %s" % (route, raw))
                self.assertEqual(response.json()["error"]["code"], "invalid_text")
        response = self.post("/livechat/api/session/post", "[" * 5000 + "]" * 5000)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["code"], "invalid_json")

    def test_whole_numbers_in_text(self):
        """Digits int() refuses (superscripts, thousands of them) are a readable error, not a server error."""
        for value in ("²", "9" * 5000, "١٢", "12a", ""):
            response = self.post("/livechat/api/init", {"channel_id": value})
            self.assertEqual(response.status_code, 400, repr(value[:10]))
            self.assertEqual(response.json()["error"]["code"], "invalid_channel_id")
        self.assertEqual(self.post("/livechat/api/init", {"channel_id": str(self.channel.id)}).status_code, 200)

    def test_chunked_body_size_cap(self):
        """A chunked body has no Content-Length: it is read up to the cap, then refused."""
        token = self.open_session()["token"]

        def chunks(body):
            for start in range(0, len(body), 1000):
                yield body[start:start + 1000]
        body = json.dumps({"token": token, "body": "z" * 70000}).encode("utf-8")
        response = self.request("POST", "/livechat/api/session/post", data=chunks(body))
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response.json()["error"]["code"], "request_too_large")
        body = json.dumps({"token": token, "body": "chunked hello"}).encode("utf-8")
        response = self.request("POST", "/livechat/api/session/post", data=chunks(body))
        self.assertEqual(response.status_code, 200, response.text)


@common.at_install(False)
@common.post_install(True)
class TestCaps(SecurityMixin, common.TransactionCase):
    """The pages a session remembers and the URL regex of a rule are capped."""

    def test_page_history_cap(self):
        operator = self._make_user("ivo_caps_operator")
        session = self._open_session(self._make_channel("Caps", operator))
        for number in range(60):
            session._record_page_visit("https://shop.example.com/product/%d" % number)
        pages = self.env["livechat.session.page"].sudo().search([("session_id", "=", session.id)])
        self.assertEqual(len(pages), 50)
        self.assertIn("https://shop.example.com/product/59", pages.mapped("url"), "the latest pages are kept")

    def test_regex_length_cap(self):
        channel = self.env["livechat.channel"].create({"name": "Regex"})
        with self.assertRaises(ValidationError):
            self.env["livechat.channel.rule"].create({"channel_id": channel.id, "regex_url": "(a|aa)+" * 200})
