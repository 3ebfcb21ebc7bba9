"""Where the time of a visitor's and an operator's request goes: cProfile over Odoo's real WSGI app.

Run with the Odoo venv's python, on a database with livechat and its demo data (``bench/run``
does it with LIVECHAT_BENCH_PROFILE=1):

    profile_requests.py --db DB --addons-path PATH [--count 30] [--out DIR]

The requests go through Odoo's whole HTTP stack (werkzeug test client on ``odoo.http.root``,
the same dispatch, ir.http, website and ORM code as on the network) in this one thread, so a
deterministic profiler sees all of it. For each kind of request (init, open, visitor post,
operator post) it prints the mean time and the functions that cost the most; the full pstats
files go to --out.
"""
import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tools"))
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


class Operator:
    def __init__(self, client, dbname):
        self.client = client
        response = self.rpc("/web/session/authenticate", {"db": dbname, "login": "admin", "password": "admin"})
        if not response.get("uid"):
            raise RuntimeError("admin could not log in")

    def rpc(self, path, params):
        response = self.client.post(path, data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
                                    content_type="application/json", environ_base=LOOPBACK)
        body = json.loads(response.data)
        if body.get("error"):
            raise RuntimeError("%s: %s" % (path, body["error"]))
        return body["result"]

    def post(self, channel_id, body):
        return self.rpc("/web/dataset/call_kw/mail.channel/message_post", {
            "model": "mail.channel", "method": "message_post", "args": [[channel_id]],
            "kwargs": {"body": body, "message_type": "comment", "content_subtype": "html",
                       "subtype": "mail.mt_comment"}})


def conversation_of(dbname, token):
    with odoo.registry(dbname).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        return env["livechat.session"].search([("access_token", "=", token)]).mail_channel_id.id


def profile(label, action, count, out_dir, top):
    """Run ``action`` ``count`` times under cProfile (after 3 untimed runs); print mean and top functions."""
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
    return mean


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--out", default=".")
    args = parser.parse_args()
    options = ["--addons-path=%s" % args.addons_path, "-d", args.db, "--log-level=warn"]
    odoo.tools.config.parse_config(options)
    odoo.service.server.load_server_wide_modules()
    channel_id = set_operators_online(args.db)
    visitor_client = Client(odoo.http.root, BaseResponse)
    operator = Operator(Client(odoo.http.root, BaseResponse), args.db)
    means = {}

    def init_and_open():
        visitor = Visitor(visitor_client, channel_id)
        visitor.init()
        visitor.open()

    means["init"] = profile("init", lambda: Visitor(visitor_client, channel_id).init(), args.count, args.out,
                            args.top)
    means["init+open"] = profile("open", init_and_open, args.count, args.out, args.top)
    talker = Visitor(visitor_client, channel_id)
    talker.open()
    means["visitor post"] = profile("visitor-post", lambda: talker.post("Where is my order?"), args.count,
                                    args.out, args.top)
    conversation = conversation_of(args.db, talker.token)
    means["operator post"] = profile("operator-post", lambda: operator.post(conversation, "It left today."),
                                     args.count, args.out, args.top)
    sys.stdout.write("\nmean per request under the profiler: %s\n" % ", ".join(
        "%s %.1f ms" % (label, mean * 1000) for label, mean in means.items()))


if __name__ == "__main__":
    with odoo.api.Environment.manage():
        main()
