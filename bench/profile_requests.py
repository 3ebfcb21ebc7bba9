"""Where the time of a visitor's and an operator's request goes: cProfile over Odoo's real WSGI app.

Run with the Odoo venv's python, on a database with livechat and its demo data (``bench/run``
does it with LIVECHAT_BENCH_PROFILE=1):

    profile_requests.py --db DB --addons-path PATH [--count 30] [--out DIR]

The requests go through Odoo's whole HTTP stack (werkzeug test client on ``odoo.http.root``,
the same dispatch, ir.http, website and ORM code as on the network) in this one thread, so a
deterministic profiler sees all of it. For each kind of request (init, open, visitor post,
operator post, the visitor's and the operator's long-poll when a notification is waiting, so that
they answer at once, and both sides' typing and seen) it prints the mean time and the functions
that cost the most; the full pstats files go to --out. Then the same requests again without the
profiler: the CPU time of this process (Odoo) and of the database's PostgreSQL backends per request (``bench/cpu.py``).
"""
import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time

import psutil

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tools"))
sys.path.insert(0, HERE)
import cpu as cpu_meter  # noqa: E402  pylint: disable=wrong-import-position
import odoo_compat  # noqa: E402  pylint: disable=wrong-import-position

odoo_compat.patch_stdlib()
odoo_compat.patch_odoo()
os.environ.setdefault("ODOO_PRELOAD_ADDONS", "no")
import odoo  # noqa: E402  pylint: disable=wrong-import-position
from werkzeug.test import Client  # noqa: E402  pylint: disable=wrong-import-position
from werkzeug.wrappers import BaseResponse  # noqa: E402  pylint: disable=wrong-import-position

CHANNEL_XMLID = "livechat.livechat_channel_demo_support"
PAGE_URL = "http://127.0.0.1/shop"
LOOPBACK = {"REMOTE_ADDR": "127.0.0.1"}


def set_rate_limits(dbname, limit):
    """Every limit of the visitor API at ``limit`` requests a minute: counted, never reached."""
    from odoo.addons.livechat.models.livechat_rate_limit import RATE_LIMITS  # pylint: disable=import-outside-toplevel
    with odoo.registry(dbname).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        for rate_limit in RATE_LIMITS.values():
            env["ir.config_parameter"].set_param(rate_limit.param, str(limit))


def set_operators_online(dbname):
    """Operators are available while their presence is fresh: as if their web client had just polled."""
    registry = odoo.registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        channel = env.ref(CHANNEL_XMLID)
        for user in channel.user_ids:
            env["bus.presence"].sudo(user).update(0)
        return channel.id


class Visitor:
    def __init__(self, client, channel_id):
        self.client = client
        self.channel_id = channel_id
        self.token = None

    def call(self, path, data):
        response = self.client.post(path, data=json.dumps(data), content_type="text/plain;charset=UTF-8",
                                    environ_base=LOOPBACK)
        if response.status_code != 200:
            raise RuntimeError("%s: HTTP %s %s" % (path, response.status_code, response.data[:300]))
        return json.loads(response.data)

    def init(self):
        return self.call("/livechat/api/init", {"channel_id": self.channel_id, "url": PAGE_URL})

    def open(self):
        result = self.call("/livechat/api/session/open", {"channel_id": self.channel_id, "url": PAGE_URL})
        if not result.get("available"):
            raise RuntimeError("no operator available: %s" % result)
        self.token = result["token"]
        return result

    def post(self, body):
        return self.call("/livechat/api/session/post", {"token": self.token, "body": body})

    def cursor(self):
        return self.call("/livechat/api/session/history", {"token": self.token})["cursor"]

    def typing(self):
        return self.call("/livechat/api/session/typing", {"token": self.token, "typing": True})

    def seen(self):
        return self.call("/livechat/api/session/seen", {"token": self.token, "message_id": 2 ** 31})

    def poll(self, last):
        """The long-poll, from ``last`` (a notification waits: it answers at once)."""
        return self.call("/longpolling/livechat/poll", {"token": self.token, "last": last})


class Operator:
    def __init__(self, client, dbname, login="admin"):
        self.client = client
        # the demo data's operators: admin / admin, demo / demo
        response = self.rpc("/web/session/authenticate", {"db": dbname, "login": login, "password": login})
        if not response.get("uid"):
            raise RuntimeError("%s could not log in" % login)

    def rpc(self, path, params):
        response = self.client.post(path, data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
                                    content_type="application/json", environ_base=LOOPBACK)
        body = json.loads(response.data)
        if body.get("error"):
            raise RuntimeError("%s: %s" % (path, body["error"]))
        return body["result"]

    def poll(self, last):
        """Odoo's web client long-poll, from ``last`` (a notification waits: it answers at once)."""
        return self.rpc("/longpolling/poll", {"channels": [], "last": last, "options": {"bus_inactivity": 0}})

    def call_kw(self, model, method, args):
        return self.rpc("/web/dataset/call_kw/%s/%s" % (model, method),
                        {"model": model, "method": method, "args": args, "kwargs": {}})

    def post(self, channel_id, body):
        return self.rpc("/web/dataset/call_kw/mail.channel/message_post", {
            "model": "mail.channel", "method": "message_post", "args": [[channel_id]],
            "kwargs": {"body": body, "message_type": "comment", "content_subtype": "html",
                       "subtype": "mail.mt_comment"}})


def conversation_of(dbname, token):
    """(the mail.channel id, the operator's login) of the session of ``token``."""
    with odoo.registry(dbname).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        session = env["livechat.session"].search([("access_token", "=", token)])
        return session.mail_channel_id.id, session.operator_id.login


def cpu_seconds(dbname):
    """(CPU of this process, CPU of the PostgreSQL backends of ``dbname``), in seconds."""
    times = psutil.Process().cpu_times()
    backends = cpu_meter.snapshot(os.getpid(), {dbname})["pg_db"]
    return times.user + times.system, backends


def unprofiled_cpu(dbname, action, count):
    """Odoo's and PostgreSQL's CPU per run of ``action`` (ms), without the profiler."""
    odoo_before, pg_before = cpu_seconds(dbname)
    for _run in range(count):
        action()
    odoo_after, pg_after = cpu_seconds(dbname)
    # a backend that exits in between is lost; one that appears counts from 0
    pg = sum(seconds - pg_before.get(pid, 0.0) for pid, seconds in pg_after.items())
    return (odoo_after - odoo_before) * 1000 / count, pg * 1000 / count


def last_notification(dbname, channel):
    """The id of the newest notification of the bus channel ``channel``."""
    from odoo.addons.bus.models.bus import json_dump  # pylint: disable=import-outside-toplevel
    with odoo.registry(dbname).cursor() as cr:
        cr.execute("SELECT max(id) FROM bus_bus WHERE channel = %s", (json_dump(channel),))
        return cr.fetchone()[0]


def profile(label, action, count, out_dir, top, dbname=None, cpu_count=0):
    """Run ``action`` ``count`` times under cProfile (after 3 untimed runs); print mean and top functions.
    Then ``cpu_count`` times without the profiler: print the CPU per run."""
    for _warm in range(3):
        action()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _run in range(count):
        action()
    profiler.disable()
    mean = (time.perf_counter() - started) / count
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    calls = {name: sum(value[1] for key, value in stats.stats.items() if key[0] == "~" and name in key[2]) / count
             for name in ("'execute' of 'psycopg2", "psycopg2._psycopg._connect")}
    stats.dump_stats(os.path.join(out_dir, "profile-%s.pstats" % label))
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    sys.stdout.write("\n==== %s: %.1f ms per request under the profiler (%d runs), %.1f SQL queries and %.1f new "
                     "PostgreSQL connections per request\n" % (
                         label, mean * 1000, count, calls["'execute' of 'psycopg2"],
                         calls["psycopg2._psycopg._connect"]))
    sys.stdout.write(stream.getvalue())
    if cpu_count:
        odoo_ms, pg_ms = unprofiled_cpu(dbname, action, cpu_count)
        sys.stdout.write("==== %s, without the profiler (%d runs): Odoo CPU %.2f ms, PostgreSQL CPU %.2f ms per "
                         "request\n" % (label, cpu_count, odoo_ms, pg_ms))
        CPU[label] = (odoo_ms, pg_ms)
    return mean


CPU = {}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--cpu-count", type=int, default=200, help="runs of each request without the profiler")
    parser.add_argument("--out", default=".")
    parser.add_argument("--rate-limits", type=int, default=0,
                        help="set every rate limit to this many requests a minute (default: leave them as they are)")
    args = parser.parse_args()
    options = ["--addons-path=%s" % args.addons_path, "-d", args.db, "--log-level=warn"]
    odoo.tools.config.parse_config(options)
    odoo.service.server.load_server_wide_modules()
    if args.rate_limits:
        set_rate_limits(args.db, args.rate_limits)
    channel_id = set_operators_online(args.db)
    visitor_client = Client(odoo.http.root, BaseResponse)
    means = {}

    def init_and_open():
        visitor = Visitor(visitor_client, channel_id)
        visitor.init()
        visitor.open()

    run = dict(out_dir=args.out, top=args.top, dbname=args.db, cpu_count=args.cpu_count)
    means["init"] = profile("init", lambda: Visitor(visitor_client, channel_id).init(), args.count, **run)
    means["init+open"] = profile("open", init_and_open, args.count, **run)
    talker = Visitor(visitor_client, channel_id)
    talker.open()
    means["visitor post"] = profile("visitor-post", lambda: talker.post("Where is my order?"), args.count, **run)
    cursor = talker.cursor()
    means["visitor poll"] = profile("visitor-poll", lambda: talker.poll(cursor - 1), args.count, **run)
    conversation, login = conversation_of(args.db, talker.token)
    operator = Operator(Client(odoo.http.root, BaseResponse), args.db, login)
    means["operator post"] = profile("operator-post", lambda: operator.post(conversation, "It left today."),
                                     args.count, **run)
    last = last_notification(args.db, [args.db, "mail.channel", conversation])
    means["operator poll"] = profile("operator-poll", lambda: operator.poll(last - 1), args.count, **run)
    means["visitor typing"] = profile("visitor-typing", talker.typing, args.count, **run)
    means["visitor seen"] = profile("visitor-seen", talker.seen, args.count, **run)
    means["operator typing"] = profile("operator-typing", lambda: operator.call_kw(
        "mail.channel", "livechat_typing", [[conversation], True]), args.count, **run)
    means["operator seen"] = profile("operator-seen", lambda: operator.call_kw(
        "mail.channel", "channel_seen", [[conversation]]), args.count, **run)
    sys.stdout.write("\nmean per request under the profiler: %s\n" % ", ".join(
        "%s %.1f ms" % (label, mean * 1000) for label, mean in means.items()))
    sys.stdout.write("CPU per request without the profiler (Odoo / PostgreSQL): %s\n" % ", ".join(
        "%s %.2f / %.2f ms" % (label, odoo_ms, pg_ms) for label, (odoo_ms, pg_ms) in CPU.items()))


if __name__ == "__main__":
    with odoo.api.Environment.manage():
        main()
