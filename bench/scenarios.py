"""The timed scenarios: session open, message delivery both ways, idle long-polls in the background."""
import asyncio
import time

from clients import (OdooAppVisitor, Operator, ScenarioError, Visitor, Waiters, announced_im_livechat,
                     announced_livechat, find_conversation, http_client, lookup_conversation, new_marker,
                     wait_delivery)

DELIVERY_TIMEOUT = 60.0  # longer than the bus timeout (50 s): a missed wake-up shows as a ~50 s outlier
SETUP_CONCURRENCY = 10  # visitors arriving for the untimed set-up of a scenario
VISITOR_CONNECTIONS = 4  # a browser's connections to one origin that a visitor's widget may use
# the application under test: this addon, or Odoo 11's own live chat app (bench --versus-odoo)
APPS = {
    "livechat": {"visitor": Visitor, "announced": announced_livechat, "longpolling": False},
    "im_livechat": {"visitor": OdooAppVisitor, "announced": announced_im_livechat, "longpolling": True},
}


class Measure:
    """The samples (seconds) of one row of the table, with the errors met while taking them."""

    def __init__(self, samples=None, wall=None, count=None, errors=None, cpu=None):
        self.samples = list(samples or [])
        self.wall = wall  # seconds the whole batch took (for rates)
        self.count = count if count is not None else len(self.samples)
        self.errors = list(errors or [])
        self.cpu = cpu  # CPU seconds spent by the server and PostgreSQL on the batch (CpuMeter.delta)

    def to_dict(self):
        return {"samples": self.samples, "wall": self.wall, "count": self.count,
                "errors": [str(error) for error in self.errors], "cpu": self.cpu}


class Bench:
    """One server under test and its operators (logged in and polling). Every visitor has his own HTTP
    connections, opened when he arrives and closed when he leaves, as each visitor's browser does."""

    def __init__(self, server, channel_id, page_url, logins, meter=None, app="livechat"):
        self.server = server
        self.channel_id = channel_id
        self.page_url = page_url
        self.logins = logins
        self.meter = meter
        self.app = APPS[app]
        self.to_operator = Waiters()
        self.to_visitor = Waiters()
        self.operators = []
        self.poll_tasks = set()  # every visitor long-poll loop, stopped at the end whatever happened
        self.missed_conversations = []  # new conversations an operator was never told about

    async def start(self):
        for login, password in self.logins:
            operator = Operator(self.server.url, self.server.longpolling_url, self.server.db, login, password,
                                self.to_operator, self.app["announced"])
            self.operators.append(await operator.start())
        # operators are online once their first poll updated their presence
        await self.wait_operators_online()
        return self

    async def wait_operators_online(self, timeout=20):
        """Until every benchmark operator is online (his bus presence, which both apps read to find an
        available operator) and the widget's init says an operator is available."""
        deadline = time.monotonic() + timeout
        partners = [operator.partner_id for operator in self.operators]
        while time.monotonic() < deadline:
            statuses = await self.operators[0].call_kw("res.partner", "read", [partners, ["im_status"]])
            if all(status["im_status"] == "online" for status in statuses):
                visitor = self.visitor()
                try:
                    config = await visitor.init()
                finally:
                    await visitor.close()
                if config.get("available"):
                    return
            await asyncio.sleep(0.2)
        raise ScenarioError("the operators are not online after %d s" % timeout)

    def visitor(self):
        # this addon's visitor polls where init tells him; Odoo's app polls /longpolling/* on the server,
        # which a reverse proxy sends to the gevent port in prefork
        extra = {"longpolling_url": self.server.longpolling_url} if self.app["longpolling"] else {}
        return self.app["visitor"](http_client(VISITOR_CONNECTIONS), self.server.url, self.channel_id,
                                   self.page_url, self.to_visitor, **extra)

    async def cpu(self):
        """A CPU snapshot of the server and PostgreSQL (None without a meter)."""
        if self.meter is None:
            return None
        return await asyncio.get_running_loop().run_in_executor(None, self.meter.snapshot, self.server)

    def cpu_spent(self, before, after):
        return self.meter.delta(before, after) if before and after else None

    def start_polling(self, visitor):
        task = visitor.start_polling()
        self.poll_tasks.add(task)
        task.add_done_callback(self.poll_tasks.discard)

    async def stop(self):
        for task in list(self.poll_tasks):
            task.cancel()
        await asyncio.gather(*list(self.poll_tasks), return_exceptions=True)
        for operator in self.operators:
            await operator.stop()

    # ------------------------------------------------------------------ helpers
    async def open_visitors(self, count, concurrency=SETUP_CONCURRENCY, poll=False):
        """``count`` visitors with an open session (untimed set-up), arriving ``concurrency`` at a time;
        with ``poll``, each starts its long-poll once its session is open, as the widget does."""
        gate = asyncio.Semaphore(concurrency)

        async def arrive():
            async with gate:
                visitor = self.visitor()
                await visitor.init()
                await visitor.open()
                if poll:
                    self.start_polling(visitor)
                return visitor
        return list(await asyncio.gather(*[arrive() for _ in range(count)]))

    async def leave(self, visitors, concurrency=SETUP_CONCURRENCY):
        gate = asyncio.Semaphore(concurrency)

        async def leave_one(visitor):
            async with gate:
                try:
                    if visitor.poll_task:
                        await visitor.stop_polling()
                    else:
                        await visitor.leave()
                finally:
                    await visitor.close()
        await asyncio.gather(*[leave_one(visitor) for visitor in visitors], return_exceptions=True)

    # ------------------------------------------------------------------ scenarios
    async def session_open(self, count, concurrent):
        """Init + open for ``count`` visitors, one after the other or all at once."""
        visitors = [self.visitor() for _ in range(count)]

        async def one(visitor):
            started = time.perf_counter()
            await visitor.init()
            await visitor.open()
            return time.perf_counter() - started

        cpu_before = await self.cpu()
        started = time.perf_counter()
        if concurrent:
            outcomes = await asyncio.gather(*[one(visitor) for visitor in visitors], return_exceptions=True)
        else:
            outcomes = []
            for visitor in visitors:
                try:
                    outcomes.append(await one(visitor))
                except ScenarioError as error:
                    outcomes.append(error)
        wall = time.perf_counter() - started
        cpu = self.cpu_spent(cpu_before, await self.cpu())
        await self.leave(visitors)
        samples = [outcome for outcome in outcomes if isinstance(outcome, float)]
        errors = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
        return Measure(samples, wall, errors=errors, cpu=cpu)

    async def page_views(self, count, concurrency):
        """``count`` page views: the widget's ``init`` alone (the call every page of the site makes),
        ``concurrency`` at a time, each from a new visitor."""
        gate = asyncio.Semaphore(concurrency)
        visitors = [self.visitor() for _ in range(count)]

        async def one(visitor):
            async with gate:
                started = time.perf_counter()
                await visitor.init()
                return time.perf_counter() - started

        cpu_before = await self.cpu()
        started = time.perf_counter()
        outcomes = await asyncio.gather(*[one(visitor) for visitor in visitors], return_exceptions=True)
        wall = time.perf_counter() - started
        cpu = self.cpu_spent(cpu_before, await self.cpu())
        for visitor in visitors:
            await visitor.close()
        samples = [outcome for outcome in outcomes if isinstance(outcome, float)]
        errors = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
        return Measure(samples, wall, errors=errors, cpu=cpu)

    async def delivery(self, sessions, messages):
        """``sessions`` conversations at once, each sending ``messages`` messages one after the other:
        first visitor -> operator, then operator -> visitor. Each message waits for its delivery.

        Returns {"to_operator", "to_visitor", "visitor_post", "operator_post"} Measures.
        """
        visitors = await self.open_visitors(sessions, poll=True)
        try:
            pairs = await asyncio.gather(*[self.conversation(visitor) for visitor in visitors])
            to_operator, visitor_post = await self._exchange(visitors, pairs, messages, self._visitor_says)
            to_visitor, operator_post = await self._exchange(visitors, pairs, messages, self._operator_says)
        finally:
            await self.leave(visitors)
        return {"to_operator": to_operator, "visitor_post": visitor_post,
                "to_visitor": to_visitor, "operator_post": operator_post}

    async def conversation(self, visitor):
        """(operator, mail.channel id) of the visitor's session, once the operator was told about it.

        A conversation starts with the visitor's first message (untimed): the operator is told then.
        A "new conversation" notification the operator never got is recorded (the benchmark fails)
        and the conversation is then looked up on the server, so that delivery is still measured.
        """
        await visitor.post("Hello")
        try:
            return await find_conversation(self.operators, visitor, DELIVERY_TIMEOUT)
        except ScenarioError as error:
            self.missed_conversations.append(str(error))
            return await lookup_conversation(self.operators, visitor)

    async def _exchange(self, visitors, pairs, messages, say):
        latencies, posts, errors = [], [], []

        async def talk(visitor, pair):
            for index in range(messages):
                try:
                    latency, post = await say(visitor, pair, index)
                except ScenarioError as error:
                    errors.append(error)
                    return
                latencies.append(latency)
                posts.append(post)

        cpu_before = await self.cpu()
        started = time.perf_counter()
        await asyncio.gather(*[talk(visitor, pair) for visitor, pair in zip(visitors, pairs)])
        wall = time.perf_counter() - started
        cpu = self.cpu_spent(cpu_before, await self.cpu())
        return (Measure(latencies, wall, count=len(visitors) * messages, errors=errors, cpu=cpu),
                Measure(posts, wall))

    async def _visitor_says(self, visitor, pair, index):
        marker = new_marker()
        arrival = self.to_operator.expect(marker)
        sent_at = time.perf_counter()
        await visitor.post("Hello, question %d about my order (%s)" % (index, marker))
        posted = time.perf_counter() - sent_at
        return await wait_delivery(arrival, sent_at, DELIVERY_TIMEOUT), posted

    async def _operator_says(self, visitor, pair, index):
        operator, channel_id = pair
        marker = new_marker()
        arrival = self.to_visitor.expect(marker)
        sent_at = time.perf_counter()
        await operator.post(channel_id, "Sure, answer %d is on its way (%s)" % (index, marker))
        posted = time.perf_counter() - sent_at
        return await wait_delivery(arrival, sent_at, DELIVERY_TIMEOUT), posted

    async def idle_visitors(self, count):
        """``count`` visitors with a chat open and their long-poll waiting, arriving a few at a time."""
        visitors = await self.open_visitors(count, poll=True)
        # give every long-poll the time to reach the server and wait there
        await asyncio.sleep(min(5.0, 0.5 + count * 0.01))
        broken = [visitor.error for visitor in visitors if visitor.error]
        if broken:
            raise ScenarioError("idle long-polls failed: %s" % broken[0])
        return visitors


class QueueLog:
    """The ``queue`` events one waiting visitor's long-poll brought (livechat_events), with their arrival
    time; takes the place of the visitor's Waiters."""

    def __init__(self):
        self.events = []  # (perf_counter, payload)
        self.changed = asyncio.Event()

    def arrived(self, event):
        if event.get("type") == "queue":
            self.events.append((time.perf_counter(), event["queue"]))
            self.changed.set()

    def fail_all(self, error):
        self.changed.set()

    async def wait_for(self, since, predicate, timeout):
        """The time of the first event after index ``since`` that ``predicate`` accepts."""
        deadline = time.monotonic() + timeout
        while True:
            for stamp, payload in self.events[since:]:
                if predicate(payload):
                    return stamp, payload
            left = deadline - time.monotonic()
            if left <= 0:
                raise ScenarioError("no queue update within %d s (got %s)" % (
                    timeout, [payload for _stamp, payload in self.events[since:]]))
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except asyncio.TimeoutError:
                pass


async def queue_burst(bench, count, cap):
    """The waiting queue (issue 17): ``count`` visitors arrive at once on the channel of ``bench``'s
    operators, each capped at ``cap`` conversations. Those beyond the slots wait, at places 1..n; then,
    one after the other, a served visitor leaves: the first in line must be assigned (never another,
    never none), and every other waiting visitor's long-poll must bring his new place.

    Returns a Measure of the delays from the leave request sent to each waiting visitor's new place (or
    operator) arriving; its errors list whoever was lost or served out of order.
    """
    admin = bench.operators[0]
    channel_id = bench.channel_id
    fields = ["limit_conversations", "max_conversations"]
    before = (await admin.call_kw("livechat.channel", "read", [[channel_id], fields]))[0]
    # the burst comes from one address (loopback), not from ``count`` visitors' own: the per-address limits
    # of opens and long-polls are lifted meanwhile (else the polls are refused, and wait)
    per_address = ("livechat.rate_limit_open", "livechat.rate_limit_poll_per_ip")
    limits = {}
    for key in per_address:
        limits[key] = await admin.call_kw("ir.config_parameter", "get_param", [key])
        await admin.call_kw("ir.config_parameter", "set_param", [key, str(count * 1000)])
    await admin.call_kw("livechat.channel", "write", [[channel_id], {
        "limit_conversations": True, "max_conversations": cap}])
    visitors, samples, errors = [], [], []
    try:
        for _number in range(count):
            visitor = bench.visitor()
            visitor.waiters = QueueLog()
            visitors.append(visitor)

        async def arrive(visitor):
            await visitor.init()
            return await visitor.open()
        started = time.perf_counter()
        answers = await asyncio.gather(*[arrive(visitor) for visitor in visitors], return_exceptions=True)
        lost = [answer for answer in answers if isinstance(answer, BaseException)]
        if lost:
            raise ScenarioError("%d of %d visitors arriving at once were turned away: %s" % (
                len(lost), count, lost[0]))
        slots = cap * len(bench.operators)
        served = [visitor for visitor, answer in zip(visitors, answers) if answer["state"] == "open"]
        line = sorted(((answer["queue"]["position"], visitor) for visitor, answer in zip(visitors, answers)
                       if answer["state"] == "waiting"), key=lambda pair: pair[0])
        if len(served) != min(count, slots) or [place for place, _v in line] != list(range(1, count - len(served) + 1)):
            raise ScenarioError("%d served (slots: %d), places in line %s" % (
                len(served), slots, [place for place, _v in line]))
        line = [visitor for _place, visitor in line]
        for visitor in visitors:
            bench.start_polling(visitor)
        await asyncio.sleep(min(5.0, 0.5 + count * 0.02))  # every long-poll waiting on the server
        while line:
            leaving = served.pop(0)
            marks = [len(visitor.waiters.events) for visitor in line]
            sent_at = time.perf_counter()
            await leaving.stop_polling()
            expected = [lambda payload: payload.get("state") == "open"] + [
                (lambda place: lambda payload: payload.get("state") == "waiting" and payload.get("position") == place)(
                    place) for place in range(1, len(line))]
            outcomes = await asyncio.gather(*[
                visitor.waiters.wait_for(mark, predicate, DELIVERY_TIMEOUT)
                for visitor, mark, predicate in zip(line, marks, expected)], return_exceptions=True)
            for index, outcome in enumerate(outcomes):
                if isinstance(outcome, BaseException):
                    errors.append(ScenarioError("place %d: %s" % (index + 1, outcome)))
                else:
                    samples.append(outcome[0] - sent_at)
            # nobody else was assigned: the others' last word is still a place in line
            for visitor in line[1:]:
                if any(payload.get("state") != "waiting" for _stamp, payload in visitor.waiters.events):
                    errors.append(ScenarioError("a visitor was assigned out of order"))
            refused = [visitor.error for visitor in visitors if visitor.error]
            if refused:
                errors.append(ScenarioError("a long-poll failed: %s" % refused[0]))
                for visitor in visitors:
                    visitor.error = None
            served.append(line.pop(0))
        wall = time.perf_counter() - started
    finally:
        await bench.leave(visitors)
        await admin.call_kw("livechat.channel", "write", [[channel_id], {
            "limit_conversations": before["limit_conversations"], "max_conversations": before["max_conversations"]}])
        for key, value in limits.items():
            await admin.call_kw("ir.config_parameter", "set_param", [key, value or False])
    return Measure(samples, wall, errors=errors)


async def with_deadline(coroutine, seconds, what):
    """Run a scenario, bounded in time: a scenario that hangs is a failure, never an endless wait."""
    try:
        return await asyncio.wait_for(coroutine, seconds)
    except asyncio.TimeoutError as error:
        raise ScenarioError("%s did not finish within %d s" % (what, seconds)) from error


# --------------------------------------------------------------------------- typing and seen (issue 16)
TYPING_EVERY = 3.0  # seconds between two typing events of one side while typing, unless init says otherwise


class TypingOverhead:
    """Delivery with and without typing and seen events: ``sessions`` conversations at once, each
    exchanging ``messages`` messages each way at a human pace (``pace`` seconds between two),
    quietly, and while both sides of every conversation keep typing (an event every
    ``typing_interval`` seconds of init's limits, the widget's and the operator's throttle) and the
    visitor reports what he saw after each message (with his next long-poll, as the widget does). In
    both, the operator calls ``channel_seen`` after each message, as Odoo 11's web client does in an
    open chat window with or without this addon (what the addon adds to it, the visitor's "Seen", is
    in the typing round's delivery). The two alternate ``rounds`` times on the same conversations,
    each coming first in turn, so that a change of load on the machine weighs on both alike. The
    conversations run at once but not in step, as a shop's do: each starts at its own moment of the
    cycle of a message each way (in step, all 20 messages left within a millisecond and the p50 was
    a place in that queue). Each row's CPU is the rounds' CPU per message, typing and seen included."""

    KEYS = ("quiet_to_operator", "quiet_to_visitor", "typing_to_operator", "typing_to_visitor", "typing_events")

    def __init__(self, bench, sessions, messages, rounds, pace):
        self.bench, self.sessions, self.messages, self.rounds, self.pace = bench, sessions, messages, rounds, pace
        self.samples = {key: Measure() for key in self.KEYS}

    async def timed(self, request):
        """Await ``request``, its time a sample of ``typing_events`` (its error one of its errors)."""
        events = self.samples["typing_events"]
        started = time.perf_counter()
        try:
            await request
        except ScenarioError as error:
            events.errors.append(error)
            return
        events.samples.append(time.perf_counter() - started)

    async def keep_typing(self, visitor, pair, stop):
        operator, channel_id = pair
        every = float(visitor.limits.get("typing_interval") or TYPING_EVERY)
        # not all in step: each typist starts at his own moment of the interval (of the round's
        # messages when they take less time: the tiny size)
        spread = min(every, 2 * self.pace * self.messages)
        await asyncio.sleep(spread * (hash(visitor.token) % 100) / 100.0)
        while not stop.is_set():
            await self.timed(visitor._api("session/typing", {"token": visitor.token, "typing": True}))
            await self.timed(operator.call_kw("mail.channel", "livechat_typing", [[channel_id], True]))
            try:
                await asyncio.wait_for(stop.wait(), every)
            except asyncio.TimeoutError:
                pass

    async def exchange(self, visitor, pair, typing, start=0.0):
        """The conversation's messages, each way in turn, each awaited, from ``start`` seconds on; with
        ``typing``, each side says what it saw after each message."""
        operator, channel_id = pair
        await asyncio.sleep(start)
        prefix = "typing" if typing else "quiet"
        to_operator, to_visitor = self.samples[prefix + "_to_operator"], self.samples[prefix + "_to_visitor"]
        for index in range(self.messages):
            try:
                latency, _post = await self.bench._visitor_says(visitor, pair, index)
                to_operator.samples.append(latency)
                await operator.call_kw("mail.channel", "channel_seen", [[channel_id]])  # Odoo's web client
                await asyncio.sleep(self.pace)
                latency, _post = await self.bench._operator_says(visitor, pair, index)
                to_visitor.samples.append(latency)
                await asyncio.sleep(self.pace)
            except ScenarioError as error:
                to_operator.errors.append(error)
                return

    async def round(self, visitors, pairs, typing):
        for visitor in visitors:
            visitor.reports_seen = typing
        stop = asyncio.Event()
        typists = [asyncio.create_task(self.keep_typing(visitor, pair, stop))
                   for visitor, pair in zip(visitors, pairs)] if typing else []
        cpu_before = await self.bench.cpu()
        started = time.perf_counter()
        try:
            # the conversations are under way at once, not in step: each starts at its own moment of a
            # message's cycle (its messages each way and the pauses between them)
            cycle = 2 * self.pace
            await asyncio.gather(*[self.exchange(visitor, pair, typing, start=cycle * index / len(visitors))
                                   for index, (visitor, pair) in enumerate(zip(visitors, pairs))])
        finally:
            stop.set()
            await asyncio.gather(*typists, return_exceptions=True)
        wall = time.perf_counter() - started
        # the round's CPU, typing and seen included, half on each way's row: per message on both
        cpu = self.bench.cpu_spent(cpu_before, await self.bench.cpu())
        for key in ("to_operator", "to_visitor"):
            measure = self.samples[("typing_" if typing else "quiet_") + key]
            measure.wall = (measure.wall or 0.0) + wall
            if cpu:
                measure.cpu = {name: (measure.cpu or {}).get(name, 0.0) + seconds / 2.0
                               for name, seconds in cpu.items()}

    async def run(self):
        """{"quiet_to_operator", "quiet_to_visitor", "typing_to_operator", "typing_to_visitor",
        "typing_events"} Measures ("typing_events": the typing requests' own times; "seen" rides on the
        long-polls)."""
        visitors = await self.bench.open_visitors(self.sessions, poll=True)
        try:
            pairs = await asyncio.gather(*[self.bench.conversation(visitor) for visitor in visitors])
            for index in range(self.rounds):
                # quiet, typing, typing, quiet, ...: neither comes first more often (a warmer cache, a
                # drift of the machine's load weigh on both alike)
                for typing in ((False, True) if index % 2 == 0 else (True, False)):
                    await self.round(visitors, pairs, typing=typing)
        finally:
            await self.bench.leave(visitors)
        for measure in self.samples.values():
            measure.count = len(measure.samples)
        return self.samples


async def typing_overhead(bench, sessions, messages, rounds=2, pace=1.0):
    """See ``TypingOverhead``."""
    return await TypingOverhead(bench, sessions, messages, rounds, pace).run()
