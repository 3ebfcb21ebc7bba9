"""Live Chat performance benchmark: what a visitor and an operator feel. Started by bench/run.

Starts its own Odoo servers on the benchmark databases (threaded, then prefork with the gevent
long-polling port), drives visitors and operators over HTTP on loopback, and prints one table.
See bench/README.rst.
"""
import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
import traceback

from clients import Operator, ScenarioError, Waiters
from page_weight import measure_page
from playwright.async_api import Error as PlaywrightError
from report import Target, fmt_bytes, fmt_seconds, other_work, table, verdict
from scale import Behind, Nginx, ScalePart, two_servers
from scenarios import Bench, queue_burst, typing_overhead, with_deadline
from servers import ODOO_PYTHON, CpuMeter, OdooServer, ServerError
from versus import Versus

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO_PASSWORDS = {"admin": "admin", "demo": "demo"}
CHANNEL_XMLID = "livechat.livechat_channel_demo_support"
PAGE_URL = "http://127.0.0.1/shop"

SIZES = {
    # for ./test: a few requests of each kind, small concurrency, well under a minute in all
    "tiny": {"open_seq": 2, "open_conc": (2, 4), "messages_seq": 2, "sessions": 2, "messages": 2,
             "inits": 10, "idle": 5, "button_runs": 1, "grow": 10, "deadline": 120, "overlap": True,
             "idle_steps": (20,), "idle_two": (20,), "scale_seq": 2, "scale_conc": 4, "queue": (6, 2)},
    # the counts
    "full": {"open_seq": 20, "open_conc": (20, 50), "messages_seq": 20, "sessions": 20, "messages": 5,
             "inits": 500, "idle": 200, "button_runs": 10, "grow": 10, "deadline": 300, "overlap": False,
             "idle_steps": (1000, 2500, 5000), "idle_two": (10000,), "scale_seq": 20, "scale_conc": 50,
             "queue": (50, 5)},
}
# the scale part's rows, measured before the idle crowd and at each of its steps
SCALE_ROWS = ("init", "open_seq", "open_conc", "to_operator_seq", "to_visitor_seq")
IDLE_MEMORY_TARGET = 30000  # bytes of server memory per idle visitor
OPEN_RATE_TARGET = 50  # sessions opened per second while the crowd waits
INIT_CONCURRENCY = 4  # page views at a time: both prefork workers busy, as on a site with traffic
PARTS = ("page", "threaded", "threaded-idle", "growth", "prefork", "prefork-idle", "scale", "scale-two", "typing",
         "queue")

# typing and seen (issue 16): delivery on the threaded and the prefork server, quiet and with every
# conversation typing
TYPING_SIZES = {
    "tiny": {"sessions": 2, "messages": 2, "rounds": 1, "pace": 0.2},
    "full": {"sessions": 20, "messages": 5, "rounds": 8, "pace": 1.0},
}
TYPING_ROWS = ("quiet_to_operator", "typing_to_operator", "quiet_to_visitor", "typing_to_visitor", "typing_events")
TYPING_SERVERS = ("threaded", "prefork")
TYPING_OVERHEAD = 1.10  # typing and seen add at most 10% to delivery


def typing_rows():
    return ["%s.typing.%s" % (server, key) for server in TYPING_SERVERS for key in TYPING_ROWS]


def typing_labels(size):
    typing = TYPING_SIZES[size]
    what = "%d sessions x %d" % (typing["sessions"], typing["messages"])
    labels = {}
    for server in TYPING_SERVERS:
        labels.update({
            "%s.typing.quiet_to_operator" % server: "[%s] delivery visitor->operator, %s, no typing" % (server, what),
            "%s.typing.typing_to_operator" % server: "[%s] delivery visitor->operator, %s, all typing+seen" % (
                server, what),
            "%s.typing.quiet_to_visitor" % server: "[%s] delivery operator->visitor, %s, no typing" % (server, what),
            "%s.typing.typing_to_visitor" % server: "[%s] delivery operator->visitor, %s, all typing+seen" % (
                server, what),
            "%s.typing.typing_events" % server: "  the typing requests themselves",
        })
    return labels


def typing_targets():
    return {"%s.typing.typing_to_%s" % (server, side): [
        Target("p50", ratio=TYPING_OVERHEAD, base="%s.typing.quiet_to_%s" % (server, side))]
        for server in TYPING_SERVERS for side in ("operator", "visitor")}


def row_keys(prefix, size):
    small, large = size["open_conc"]
    return ["%s.init" % prefix, "%s.open_seq" % prefix, "%s.open_c%d" % (prefix, small),
            "%s.open_c%d" % (prefix, large),
            "%s.to_operator_seq" % prefix, "%s.to_visitor_seq" % prefix,
            "%s.visitor_post_seq" % prefix, "%s.operator_post_seq" % prefix,
            "%s.to_operator_conc" % prefix, "%s.to_visitor_conc" % prefix]


def labels(size):
    small, large = size["open_conc"]
    scenario = {
        "init": "page view (init alone), %d, %d at a time" % (size["inits"], INIT_CONCURRENCY),
        "open_seq": "session open (init+open), %d sequential" % size["open_seq"],
        "open_c%d" % small: "session open, %d concurrent" % small,
        "open_c%d" % large: "session open, %d concurrent" % large,
        "to_operator_seq": "delivery visitor->operator, %d sequential" % size["messages_seq"],
        "to_visitor_seq": "delivery operator->visitor, %d sequential" % size["messages_seq"],
        "visitor_post_seq": "  the visitor's post request itself",
        "operator_post_seq": "  the operator's post request itself",
        "to_operator_conc": "delivery visitor->operator, %d sessions x %d" % (size["sessions"], size["messages"]),
        "to_visitor_conc": "delivery operator->visitor, %d sessions x %d" % (size["sessions"], size["messages"]),
    }
    servers = {
        "threaded": "threaded", "threaded+idle": "threaded, %d idle" % size["idle"],
        "prefork": "prefork", "prefork+idle": "prefork, %d idle" % size["idle"],
        "history": "threaded, history N", "history_x10": "threaded, history 10N",
    }
    result = {}
    for prefix, server_label in servers.items():
        for key, text in scenario.items():
            result["%s.%s" % (prefix, key)] = "[%s] %s" % (server_label, text)
    visitors, cap = size["queue"]
    result["prefork.queue_position"] = "[prefork] queue: %d at once, 2 operators x %d, place updates" % (visitors, cap)
    return result


def targets(size):
    """The issue's targets (threaded unless said), and the 'no worse than' rules for idle and history rows."""
    small, large = size["open_conc"]
    absolute = {
        "threaded.open_seq": [Target("p50", 0.025)],
        "threaded.open_c%d" % large: [Target("p95", 1.5)],
        "prefork.open_c%d" % large: [Target("rate", 30, at_least=True)],
        "prefork.init": [Target("odoo_cpu", 0.004)],
        "threaded.to_operator_seq": [Target("p50", 0.030)],
        "threaded.to_visitor_seq": [Target("p50", 0.030)],
        "threaded.to_operator_conc": [Target("p95", 0.300)],
        "threaded.to_visitor_conc": [Target("p95", 0.300)],
        "prefork.queue_position": [Target("p95", 0.100)],
    }
    relative = {"open_seq": "p50", "open_c%d" % small: "p95", "open_c%d" % large: "p95",
                "to_operator_seq": "p50", "to_visitor_seq": "p50",
                "to_operator_conc": "p95", "to_visitor_conc": "p95"}
    for key, figure in relative.items():
        for base, loaded, ratio in (("threaded", "threaded+idle", 2), ("prefork", "prefork+idle", 2),
                                    ("history", "history_x10", 1.5)):
            absolute.setdefault("%s.%s" % (loaded, key), []).append(
                Target(figure, ratio=ratio, base="%s.%s" % (base, key)))
    return absolute


class Run:
    """One benchmark run: its sizes, databases, results and failures."""

    def __init__(self, args):
        self.args = args
        self.size = dict(SIZES[args.size])
        for key, variable in (("idle_steps", "LIVECHAT_BENCH_IDLE_STEPS"), ("idle_two", "LIVECHAT_BENCH_IDLE_TWO")):
            if os.environ.get(variable):  # e.g. 1000,5000,8000: where does it bend?
                self.size[key] = tuple(int(count) for count in os.environ[variable].split(","))
        self.parts = set(args.parts.split(",")) if args.parts else set(PARTS)
        unknown = self.parts - set(PARTS)
        if unknown:
            raise SystemExit("unknown parts: %s (known: %s)" % (", ".join(sorted(unknown)), ", ".join(PARTS)))
        self.results = {}  # row key -> Measure.to_dict()
        self.extra = {}  # page weight, memory, history sizes
        self.failures = []
        self.started = time.monotonic()
        self.prefork_server = None
        self.meter = CpuMeter()
        self.versus = None
        self.scale_part = None
        self.scale_servers = None

    def log(self, message):
        sys.stderr.write("[bench %5.1fs] %s\n" % (time.monotonic() - self.started, message))
        sys.stderr.flush()

    def server(self, db, workers):
        server = OdooServer(db, self.args.addons_path, self.args.workdir, workers=workers,
                            geoip_db=self.args.geoip_db)
        self.log("starting the %s server on %s (log: %s)" % (server.name, server.url, server.logfile))
        return server

    async def find_channel(self, server):
        """The demo channel and the operators we can log in as (demo passwords)."""
        admin = Operator(server.url, server.longpolling_url, server.db, "admin", "admin", Waiters())
        await admin.start()
        try:
            channel_id = await admin.call_kw("ir.model.data", "xmlid_to_res_id", [CHANNEL_XMLID])
            channel = await admin.call_kw("livechat.channel", "read", [[channel_id], ["user_ids"]])
            users = await admin.call_kw("res.users", "read", [channel[0]["user_ids"], ["login"]])
        finally:
            await admin.stop()
        logins = [(user["login"], DEMO_PASSWORDS[user["login"]]) for user in users
                  if user["login"] in DEMO_PASSWORDS]
        if not logins:
            raise ScenarioError("the demo channel has no operator with a known demo password")
        return channel_id, logins

    async def measure(self, bench, prefix):
        """Every timed scenario of the table on one server, stored under ``prefix``."""
        size = self.size
        small, large = size["open_conc"]
        deadline = size["deadline"]
        self.log("%s: page views" % prefix)
        self.results["%s.init" % prefix] = (await with_deadline(
            bench.page_views(size["inits"], INIT_CONCURRENCY), deadline, "page views")).to_dict()
        self.log("%s: session open" % prefix)
        self.results["%s.open_seq" % prefix] = (await with_deadline(
            bench.session_open(size["open_seq"], concurrent=False), deadline, "sequential opens")).to_dict()
        for count in (small, large):
            self.results["%s.open_c%d" % (prefix, count)] = (await with_deadline(
                bench.session_open(count, concurrent=True), deadline, "concurrent opens")).to_dict()
        self.log("%s: delivery" % prefix)
        sequential = await with_deadline(bench.delivery(1, size["messages_seq"]), deadline, "sequential delivery")
        for key in ("to_operator", "to_visitor", "visitor_post", "operator_post"):
            self.results["%s.%s_seq" % (prefix, key)] = sequential[key].to_dict()
        concurrent = await with_deadline(bench.delivery(size["sessions"], size["messages"]), deadline,
                                         "concurrent delivery")
        for key in ("to_operator", "to_visitor"):
            self.results["%s.%s_conc" % (prefix, key)] = concurrent[key].to_dict()
        if bench.missed_conversations:
            self.failures.append("%s: %d new conversations never announced to the operator (%s)" % (
                prefix, len(bench.missed_conversations), bench.missed_conversations[0]))
            bench.missed_conversations.clear()
        for operator in bench.operators:
            if operator.error:
                self.failures.append("%s: the long-poll of operator %s failed: %s" % (
                    prefix, operator.login, operator.error))
                operator.error = None

    async def warm_up(self, bench):
        """Every route and both prefork workers once, untimed: first requests compile and cache."""
        self.log("%s server ready, operators online; warming up" % bench.server.name)
        await bench.session_open(2, concurrent=True)
        await bench.delivery(2, 1)

    async def with_idle(self, bench, prefix):
        self.log("%s: %d idle visitors connecting" % (prefix, self.size["idle"]))
        idle = await with_deadline(bench.idle_visitors(self.size["idle"]), self.size["deadline"], "idle visitors")
        try:
            await self.measure(bench, prefix + "+idle")
            broken = [visitor.error for visitor in idle if visitor.error]
            if broken:
                raise ScenarioError("%d idle long-polls failed: %s" % (len(broken), broken[0]))
        finally:
            await bench.leave(idle)

    def memory(self, server, when):
        self.extra.setdefault("memory", {}).setdefault(server.name, {})[when] = server.rss()

    def grow_history(self, server, factor):
        """Multiply the sessions in the database (copies of those the benchmark made), the server running."""
        out = subprocess.run([ODOO_PYTHON, os.path.join(HERE, "grow_history.py"), server.db, str(factor)],
                             capture_output=True, text=True, check=False, timeout=600)
        line = [line for line in out.stdout.splitlines() if line.startswith("grown:")]
        if out.returncode or not line:
            raise ScenarioError("growing the history failed: %s" % out.stderr[-2000:])
        self.extra.setdefault("history", []).append(line[0])
        self.log(line[0])

    async def threaded(self):
        with self.server(self.args.db, 0) as server:
            channel_id, logins = await self.find_channel(server)
            self.extra["channel_id"] = channel_id
            self.extra["operators"] = [login for login, _password in logins]
            bench = Bench(server, channel_id, PAGE_URL, logins, self.meter)
            try:
                await bench.start()
                # the button only shows while an operator is online: measured with the operators polling
                if "page" in self.parts:
                    await self.step("page weight", self.page_weight(server, channel_id))
                await self.warm_up(bench)
                self.memory(server, "idle")
                if "threaded" in self.parts:
                    await self.step("threaded", self.measure(bench, "threaded"))
                if "typing" in self.parts:
                    await self.step("typing", self.typing(bench, "threaded"))
                if "threaded-idle" in self.parts:
                    await self.step("threaded+idle", self.with_idle(bench, "threaded"))
                self.memory(server, "after load")
                if "growth" in self.parts:
                    await self.step("history", self.history(bench, server))
            finally:
                await bench.stop()
                self.log("stopping the threaded server")

    async def typing(self, bench, server):
        """Delivery with and without typing and seen events (scenarios.typing_overhead), on ``server``."""
        self.log("%s: delivery while typing" % server)
        size = TYPING_SIZES[self.args.size]
        measures = await with_deadline(typing_overhead(bench, size["sessions"], size["messages"], size["rounds"],
                                                       size["pace"]), self.size["deadline"] * 2, "typing")
        for key, measure in measures.items():
            self.results["%s.typing.%s" % (server, key)] = measure.to_dict()

    async def history(self, bench, server):
        await self.measure(bench, "history")
        started = time.monotonic()
        await asyncio.get_running_loop().run_in_executor(None, self.grow_history, server, self.size["grow"])
        self.extra["history_seconds"] = round(time.monotonic() - started, 1)
        await self.measure(bench, "history_x10")

    async def prefork(self):
        with self.prefork_server or self.server(self.args.prefork_db, 2) as server:
            channel_id, logins = await self.find_channel(server)
            bench = Bench(server, channel_id, PAGE_URL, logins, self.meter)
            try:
                await bench.start()
                await self.warm_up(bench)
                self.memory(server, "idle")
                if "prefork" in self.parts:
                    await self.step("prefork", self.measure(bench, "prefork"))
                if "prefork-idle" in self.parts:
                    await self.step("prefork+idle", self.with_idle(bench, "prefork"))
                if "typing" in self.parts:
                    await self.step("prefork typing", self.typing(bench, "prefork"))
                if "queue" in self.parts:
                    await self.step("prefork queue", self.queue(bench))
                self.memory(server, "after load")
            finally:
                await bench.stop()
                self.log("stopping the prefork server")

    async def scale(self):
        """Idle visitors by thousands: on server A alone, then on A and B behind nginx (the README's
        deployment, on the prefork database), each step measured (bench/scale.py)."""
        size = self.size
        part = self.scale_part = ScalePart(self, SCALE_ROWS, max(size["inits"] // 5, 10), OPEN_RATE_TARGET,
                                           IDLE_MEMORY_TARGET)
        first, second = self.scale_servers or two_servers(
            self.args.prefork_db, self.args.addons_path, self.args.workdir, self.args.geoip_db)
        nginx = None
        try:
            self.log("starting server A (%s) on %s" % (" ".join(first.extra_args), first.url))
            first.start()
            channel_id, logins = await self.find_channel(first)
            if "scale" in self.parts:
                bench = Bench(first, channel_id, PAGE_URL, logins, self.meter)
                try:
                    await bench.start()
                    if not size["overlap"]:  # tiny size: figures don't matter, time does
                        await self.warm_up(bench)
                    ceiling = 16 * first.rss()["processes"]
                    await self.step("scale, one server", part.crowd_steps(
                        bench, [first], "scale", size["idle_steps"], first.url, ceiling))
                finally:
                    await bench.stop()
            if "scale-two" in self.parts:
                self.log("starting server B on %s, and nginx in front of both" % second.url)
                second.start()
                nginx = Nginx([first, second], self.args.workdir, 2 * max(size["idle_two"]) + 1024).start()
                bench = Bench(Behind(nginx, first), channel_id, PAGE_URL, logins, None)
                try:
                    await bench.start()
                    if not size["overlap"]:
                        await self.warm_up(bench)
                    ceiling = 16 * (first.rss()["processes"] + second.rss()["processes"])
                    await self.step("scale, two servers", part.crowd_steps(
                        bench, [first, second], "two", size["idle_two"], nginx.url, ceiling))
                finally:
                    await bench.stop()
        finally:
            if nginx:
                nginx.stop()
            second.stop()
            first.stop()

    async def queue(self, bench):
        """The waiting queue: a burst of visitors for capped operators, each served in order as slots free."""
        visitors, cap = self.size["queue"]
        self.log("prefork: queue, %d visitors at once for operators capped at %d" % (visitors, cap))
        self.results["prefork.queue_position"] = (await with_deadline(
            queue_burst(bench, visitors, cap), self.size["deadline"], "the queue burst")).to_dict()

    async def page_weight(self, server, channel_id):
        self.log("page weight and time to button in Chromium")
        try:
            self.extra["page"] = await with_deadline(measure_page(server.url, channel_id, self.size["button_runs"]),
                                                     self.size["deadline"], "page weight")
        except PlaywrightError as error:
            # e.g. the button never showed up: what a visitor would notice
            raise ScenarioError("in Chromium: %s" % str(error).splitlines()[0]) from error

    async def step(self, name, coroutine):
        """Run one part; a failure is recorded (the run will exit non-zero) and the next part still runs."""
        try:
            await coroutine
        except (ScenarioError, ServerError, OSError, subprocess.SubprocessError) as error:
            self.log("FAILED %s: %s" % (name, error))
            self.failures.append("%s: %s" % (name, error))

    async def run(self):
        self.extra["load_average"] = {"start": "%.1f" % os.getloadavg()[0]}
        try:
            await self.run_parts()
        finally:
            self.extra["load_average"]["end"] = "%.1f" % os.getloadavg()[0]

    async def run_parts(self):
        if self.args.versus_odoo:
            self.versus = Versus(self, PAGE_URL)
            await self.versus.measure()
            return
        prefork = self.parts & {"prefork", "prefork-idle", "queue", "typing"}
        if prefork and self.size["overlap"]:
            # tiny size: the prefork server starts while the threaded one is measured (figures don't matter)
            self.prefork_server = self.server(self.args.prefork_db, 2).launch()
        if self.parts & {"scale", "scale-two"} and self.size["overlap"]:
            # tiny size: the scale part's servers start meanwhile too
            self.scale_servers = [server.launch() for server in two_servers(
                self.args.prefork_db, self.args.addons_path, self.args.workdir, self.args.geoip_db)]
        if self.parts & {"page", "threaded", "threaded-idle", "growth", "typing"}:
            await self.step("threaded server", self.threaded())
        if prefork:
            await self.step("prefork server", self.prefork())
        if self.parts & {"scale", "scale-two"}:
            await self.step("scale", self.scale())

    def print_report(self):
        size = self.size
        rows = []
        for prefix in ("threaded", "threaded+idle", "prefork", "prefork+idle", "history", "history_x10"):
            rows += row_keys(prefix, size)
        rows += typing_rows()
        rows.append("prefork.queue_position")
        goals = dict(targets(size), **typing_targets())
        load = self.extra.get("load_average", {})
        out = ["", "Live Chat benchmark, size %s (delivery: post sent -> the other side's long-poll returned it)" %
               self.args.size,
               "machine: %d CPUs, load average %s at start, %s at end (other work on the machine skews figures)" % (
                   os.cpu_count(), load.get("start", "?"), load.get("end", "?")),
               "during the measured loops %.1f s of %.1f s busy CPU went to other work on the machine" % (
                   sum(other_work(measure.get("cpu")) or 0.0 for measure in self.results.values()),
                   sum((measure.get("cpu") or {}).get("machine", 0.0) for measure in self.results.values())),
               "CPU per session (open rows) or per message (delivery rows), user+sys: Odoo = the server's process "
               "tree; PG = the backends of its database / every postgres process (exited backends included)",
               "", table(rows, self.results, goals, dict(labels(size), **typing_labels(self.args.size)))]
        if self.scale_part and self.scale_part.extra["steps"]:
            part = self.scale_part
            scale_goals = part.targets(Target)
            out += ["", "Scale: idle visitors (see bench/README.rst), rows before the crowd and with it:", "",
                    table(part.row_keys(), self.results, scale_goals, part.labels())]
            out += part.report(fmt_bytes)
            goals = dict(goals, **scale_goals)
            rows = rows + part.row_keys()
        page = self.extra.get("page")
        if page:
            before, after = page["before"], page["after"]
            out += ["", "Page weight (widget on a third-party page, Chromium):",
                    "  before opening: %d requests, %s raw, %s gzip, %s transferred, served compressed: %s"
                    % (before["requests"], fmt_bytes(before["raw"]), fmt_bytes(before["gzip"]),
                       fmt_bytes(before["wire"]), "yes" if before["served_compressed"] else "NO"),
                    "    target <= 3 requests, <= 15 kB gzip, served compressed: %s" % (
                        "ok" if before["requests"] <= 3 and before["gzip"] <= 15000 and before["served_compressed"]
                        else "MISSED"),
                    "  opening the chat adds: %d requests (the window's module, session/open, the long-poll), "
                    "%s raw, %s gzip, %s transferred" % (after["requests"], fmt_bytes(after["raw"]),
                                                         fmt_bytes(after["gzip"]), fmt_bytes(after["wire"])),
                    "  time until the button is visible: median %s cold (of %d), %s warm cache" % (
                        fmt_seconds(page["button_cold_median"]), len(page["button_cold"]),
                        fmt_seconds(page["button_warm_median"]))]
        memory = self.extra.get("memory")
        if memory:
            out += ["", "Server memory (RSS summed over the process tree; USS = private memory):"]
            for name, whens in memory.items():
                out.append("  %-9s " % name + ", ".join(
                    "%s %.0f MB RSS (%.0f MB USS, %d processes)" % (when, values["rss"] / 1e6, values["uss"] / 1e6,
                                                                    values["processes"])
                    for when, values in whens.items()))
        if self.extra.get("history"):
            out += ["", "History: %s (%s s)" % ("; ".join(self.extra["history"]), self.extra.get("history_seconds"))]
        failed = [key for key in rows if key in self.results
                  and not verdict(key, self.results[key], goals, self.results)[1]]
        if failed or self.failures:
            out += ["", "FAILURES:"]
            for key in failed:
                errors = self.results[key]["errors"]
                distinct = sorted(set(errors), key=errors.index)
                out.append("  %s: %s" % (key, "; ".join(
                    "%s (x%d)" % (error, errors.count(error)) for error in distinct[:3]) or "no sample"))
            out += ["  " + failure for failure in self.failures]
        sys.stdout.write("\n".join(out) + "\n")
        with open(os.path.join(self.args.workdir, "results.json"), "w", encoding="utf-8") as handle:
            json.dump({"size": self.args.size, "results": self.results, "extra": self.extra,
                       "failures": self.failures}, handle, indent=1, default=str)
        return not failed and not self.failures


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True, help="database for the threaded server (livechat + demo data)")
    parser.add_argument("--prefork-db", required=True, help="a copy of it for the prefork server")
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--workdir", required=True, help="logs and results.json go here")
    parser.add_argument("--geoip-db")
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--parts", help="comma-separated subset of: %s" % ",".join(PARTS))
    parser.add_argument("--versus-odoo", action="store_true",
                        help="instead: this addon and Odoo 11's im_livechat side by side (see versus.py)")
    parser.add_argument("--odoo-db", help="with --versus-odoo: the database with Odoo's im_livechat")
    parser.add_argument("--odoo-prefork-db", help="with --versus-odoo: a copy of it for the prefork server")
    parser.add_argument("--odoo-addons-path", help="with --versus-odoo: the addons path with Odoo's im_livechat")
    return parser.parse_args()


def raise_open_files_limit():
    """Thousands of sockets: the soft limit of open files up to the hard one, for this process and what
    it starts (servers, client processes, nginx)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main():
    raise_open_files_limit()
    run = Run(parse_args())
    started = time.monotonic()
    try:
        asyncio.run(run.run())
    except KeyboardInterrupt:
        run.failures.append("interrupted")
    except Exception as error:  # pylint: disable=broad-except
        # a bug of the benchmark itself: still print what was measured, and fail
        traceback.print_exc()
        run.failures.append("benchmark error: %r" % error)
    finally:
        if run.prefork_server:
            run.prefork_server.stop()
        run.meter.close()
    ok = run.versus.report() if run.versus else run.print_report()
    run.log("done in %.0f s; results in %s" % (time.monotonic() - started, run.args.workdir))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
