"""The scale scenario: thousands of idle visitors (a chat open, the long-poll parked) on one prefork
server's gevent long-polling process, then across two prefork servers on the same database behind
Debian's nginx (``deploy/nginx-livechat-two-servers.conf``, as the README deploys it), with page
views, opening and delivery measured before and while they wait; the server's memory and file
descriptors, the PostgreSQL connections, and every HTTP status the idle visitors got.

The idle visitors come from several client processes (``idle_clients.py``): one process with
thousands of sockets is itself a limit. The crowd grows in steps (the sizes' ``idle_steps``); the
rows are measured again at each step, so that the table shows where it bends.
"""
import asyncio
import collections
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from clients import ScenarioError
from servers import ROOT, OdooServer, free_port

HERE = os.path.dirname(os.path.abspath(__file__))
NGINX = "/usr/sbin/nginx"
NGINX_CONFIG = os.path.join(ROOT, "deploy", "nginx-livechat-two-servers.conf")
# what the README's deployment section gives each server (deploy/nginx-livechat-two-servers.conf)
DEPLOY_ARGS = ["--proxy-mode", "--db_maxconn=16", "--load=base,web,livechat"]
VISITORS_PER_CLIENT = 1000  # idle visitors per client process
CLIENT_ARRIVALS = 12  # visitors arriving at once, per client process
STOP_TIMEOUT = 30


def pg_connections(db):
    """Connections to ``db`` now (every server on it), from pg_stat_activity."""
    out = subprocess.run(["psql", "-Atq", "-d", "postgres", "-c",
                          "SELECT count(*) FROM pg_stat_activity WHERE datname = '%s'" % db.replace("'", "''")],
                         capture_output=True, text=True, check=False, timeout=30)
    try:
        return int(out.stdout.strip())
    except ValueError:
        return None


class Crowd:
    """Idle visitors held by client processes (``idle_clients.py``), all on ``base_url``."""

    def __init__(self, base_url, channel_id, workdir, deadline, log):
        self.base_url = base_url
        self.channel_id = channel_id
        self.workdir = workdir
        self.deadline = deadline
        self.log = log
        self.clients = []  # [process, last stats line, every open time, reader task]
        self.size = 0

    async def grow_to(self, count, timeout):
        """More client processes, until ``count`` visitors arrived; then until their long-polls are
        parked. Returns the seconds the arrivals took (failed arrivals count as arrived)."""
        started = time.monotonic()
        while self.size < count:
            batch = min(VISITORS_PER_CLIENT, count - self.size)
            await self._spawn(batch)
            self.size += batch
        while True:
            totals = self.totals()
            if totals["opened"] + totals["failed"] >= self.size:
                break
            if time.monotonic() - started > timeout:
                raise ScenarioError("%d of %d idle visitors arrived within %d s" % (
                    totals["opened"] + totals["failed"], self.size, timeout))
            self.check_alive()
            await asyncio.sleep(0.2)
        ramp = time.monotonic() - started
        while self.totals()["parked"] < 0.98 * self.totals()["opened"]:
            if time.monotonic() - started > timeout:
                raise ScenarioError("%d of %d long-polls parked after %d s" % (
                    self.totals()["parked"], self.totals()["opened"], timeout))
            self.check_alive()
            await asyncio.sleep(0.2)
        return ramp

    async def _spawn(self, count):
        logfile = os.path.join(self.workdir, "idle-client-%d.log" % len(self.clients))
        stderr = open(logfile, "wb")  # pylint: disable=consider-using-with
        process = await asyncio.create_subprocess_exec(
            sys.executable, os.path.join(HERE, "idle_clients.py"), self.base_url, str(self.channel_id),
            str(count), str(CLIENT_ARRIVALS), str(self.deadline),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
        stderr.close()
        client = [process, {}, [], None]
        client[3] = asyncio.ensure_future(self._read(client))
        self.clients.append(client)

    @staticmethod
    async def _read(client):
        process = client[0]
        while True:
            line = await process.stdout.readline()
            if not line:
                return
            try:
                stats = json.loads(line)
            except ValueError:
                continue
            client[2].extend(stats.pop("open_seconds", []))
            client[1] = stats

    def check_alive(self):
        for process, *_rest in self.clients:
            if process.returncode is not None:
                raise ScenarioError("an idle client process exited with %s (see %s)" % (
                    process.returncode, os.path.join(self.workdir, "idle-client-*.log")))

    def totals(self):
        result = {"opened": 0, "parked": 0, "polls_answered": 0, "failed": 0,
                  "statuses": collections.Counter(), "errors": collections.Counter(), "open_seconds": []}
        for _process, stats, open_seconds, _task in self.clients:
            for key in ("opened", "parked", "polls_answered"):
                result[key] += stats.get(key, 0)
            result["statuses"].update(stats.get("statuses", {}))
            errors = stats.get("errors", {})
            result["errors"].update(errors)
            # an arrival that failed is reported with its reason; a failed poll by its class (retried)
            result["failed"] += sum(number for error, number in errors.items() if ": " in error)
            result["open_seconds"].extend(open_seconds)
        return result

    async def stop(self):
        """Every idle visitor vanishes at once (sockets closed, no leave), as closed browser tabs."""
        for process, *_rest in self.clients:
            if process.returncode is None and process.stdin:
                process.stdin.close()
        for process, _stats, _open, task in self.clients:
            try:
                await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
            except asyncio.TimeoutError:
                process.kill()
                await process.wait()
            await asyncio.wait_for(task, STOP_TIMEOUT)


class Nginx:
    """Debian's nginx in front of the two servers, with the README's configuration
    (``deploy/nginx-livechat-two-servers.conf``): only its addresses change, and it listens in plain
    HTTP on loopback (the load client does no TLS: thousands of handshakes would measure the client)."""

    def __init__(self, servers, workdir, connections):
        self.servers = servers
        self.workdir = workdir
        self.connections = connections
        self.port = free_port()
        self.process = None
        self.directory = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def render(self):
        a, b = self.servers
        replacements = [
            ("server 10.0.0.11:8069 ", "server 127.0.0.1:%d " % a.port),
            ("server 10.0.0.12:8069 ", "server 127.0.0.1:%d " % b.port),
            ("server 10.0.0.11:8072 ", "server 127.0.0.1:%d " % a.longpolling_port),
            ("server 10.0.0.12:8072 ", "server 127.0.0.1:%d " % b.longpolling_port),
            ("listen 443 ssl;", "listen 127.0.0.1:%d;" % self.port),
            ("ssl_certificate /etc/ssl/certs/chat.example.com.pem;", "# (no TLS on loopback)"),
            ("ssl_certificate_key /etc/ssl/private/chat.example.com.key;", ""),
        ]
        with open(NGINX_CONFIG, encoding="utf-8") as handle:
            text = handle.read()
        for old, new in replacements:
            if text.count(old) != 1:
                raise ScenarioError("%r is not once in %s" % (old, NGINX_CONFIG))
            text = text.replace(old, new)
        return text

    def start(self, timeout=30):
        if not os.path.exists(NGINX):
            raise ScenarioError("%s is missing: tools/setup.sh installs Debian's nginx" % NGINX)
        self.directory = tempfile.mkdtemp(prefix="livechat_bench_nginx_", dir=self.workdir)
        os.chmod(self.directory, 0o755)

        def path(name):
            return os.path.join(self.directory, name)
        with open(path("livechat.conf"), "w", encoding="utf-8") as handle:
            handle.write(self.render())
        with open(path("nginx.conf"), "w", encoding="utf-8") as handle:
            # each idle visitor holds two connections in nginx (his, and the one to the server)
            handle.write("""daemon off;
worker_processes 2;
worker_rlimit_nofile %(files)d;
pid %(dir)s/nginx.pid;
error_log %(dir)s/error.log warn;
events { worker_connections %(connections)d; }
http {
    access_log off;
    client_body_temp_path %(dir)s/body;
    proxy_temp_path %(dir)s/proxy;
    fastcgi_temp_path %(dir)s/fastcgi;
    uwsgi_temp_path %(dir)s/uwsgi;
    scgi_temp_path %(dir)s/scgi;
    include %(dir)s/livechat.conf;
}
""" % {"dir": self.directory, "connections": self.connections, "files": self.connections + 100})
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [NGINX, "-p", self.directory, "-e", path("error.log"), "-c", path("nginx.conf")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        with open(os.path.join(self.workdir, "servers.pid"), "a", encoding="utf-8") as pidfile:
            pidfile.write("%d\n" % self.process.pid)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ScenarioError("nginx stopped; see %s" % path("error.log"))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise ScenarioError("nginx did not listen within %d s" % timeout)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)


class Behind:
    """What a Bench needs of a server, for the servers behind nginx: nginx's address for the visitors
    and the operators (HTTP and long-polling), server A for the CPU meter."""

    def __init__(self, nginx, first):
        self.url = self.longpolling_url = nginx.url
        self.db = first.db
        self.name = "two servers"
        self.first = first

    @property
    def process(self):
        return self.first.process

    def check_alive(self):
        self.first.check_alive()


def two_servers(db, addons_path, workdir, geoip_db):
    """Servers A and B on ``db``, as the README deploys them (``DEPLOY_ARGS``), not started yet."""
    return [OdooServer(db, addons_path, workdir, workers=2, geoip_db=geoip_db, name="server-%s" % name,
                       extra_args=DEPLOY_ARGS) for name in ("a", "b")]


def slow_clients(server_url, channel_id, count=1, wait=30.0):
    """``count`` clients that send half a request body then stop (slow), and ``count`` that cut it
    (vanished), to the server (or nginx) while the crowd waits: the status of each answer (None: no
    answer, the connection closed). A worker must say 408 / 400, never 500."""
    host, port = server_url.rsplit("//", 1)[1].split(":")
    body = json.dumps({"channel_id": channel_id, "url": "http://127.0.0.1/" + "x" * 200}).encode()
    head = ("POST /livechat/api/init HTTP/1.1\r\nHost: %s:%s\r\nContent-Type: text/plain\r\n"
            "Content-Length: %d\r\nConnection: close\r\n\r\n" % (host, port, len(body))).encode()
    statuses = []
    sockets = []
    for index in range(2 * count):
        sock = socket.create_connection((host, int(port)), timeout=wait)
        sock.sendall(head + body[:len(body) // 2])
        if index % 2:
            sock.shutdown(socket.SHUT_WR)  # vanished: the body ends here
        sockets.append(sock)
    deadline = time.monotonic() + wait
    for sock in sockets:
        answer = b""
        try:
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            while b"\r\n" not in answer:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
        except OSError:
            pass
        finally:
            sock.close()
        parts = answer.split(b" ", 2)
        statuses.append(int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None)
    return statuses


def remove(directory):
    if directory:
        shutil.rmtree(directory, ignore_errors=True)


ROW_LABELS = {
    "init": "page view (init alone), %(inits)d, 4 at a time",
    "open_seq": "session open (init+open), %(seq)d sequential",
    "open_conc": "session open, %(conc)d concurrent",
    "to_operator_seq": "delivery visitor->operator, %(seq)d sequential",
    "to_visitor_seq": "delivery operator->visitor, %(seq)d sequential",
}
# the figure compared with the same row before the crowd came (at most RATIO times)
RATIO_FIGURES = {"init": "p50", "open_seq": "p50", "open_conc": "p95", "to_operator_seq": "p50",
                 "to_visitor_seq": "p50"}
RATIO = 1.5


class ScalePart:
    """The scale scenario of one benchmark run (``bench.Run``): on one prefork server, then on two
    behind nginx. Rows go to the run's results under ``scale.*``/``scale+N.*`` and ``two.*``/``two+N.*``,
    the rest (crowd, memory, files, connections, statuses) to ``run.extra["scale"]``."""

    def __init__(self, run, rows, inits, open_rate_target, memory_target):
        self.run = run
        self.rows = rows
        self.inits = inits
        self.open_rate_target = open_rate_target
        self.memory_target = memory_target
        self.extra = run.extra.setdefault("scale", {"steps": []})

    @property
    def size(self):
        return self.run.size

    async def measure_rows(self, bench, prefix):
        size, deadline = self.size, self.size["deadline"]
        from scenarios import with_deadline  # pylint: disable=import-outside-toplevel
        results = self.run.results
        results["%s.init" % prefix] = (await with_deadline(
            bench.page_views(self.inits, 4), deadline, "page views")).to_dict()
        results["%s.open_seq" % prefix] = (await with_deadline(
            bench.session_open(size["scale_seq"], concurrent=False), deadline, "sequential opens")).to_dict()
        results["%s.open_conc" % prefix] = (await with_deadline(
            bench.session_open(size["scale_conc"], concurrent=True), deadline, "concurrent opens")).to_dict()
        sequential = await with_deadline(bench.delivery(1, size["scale_seq"]), deadline, "sequential delivery")
        for key in ("to_operator", "to_visitor"):
            results["%s.%s_seq" % (prefix, key)] = sequential[key].to_dict()

    @staticmethod
    def resources(servers):
        """Memory and files of each server's process tree, and the PostgreSQL connections to the database."""
        trees = [server.rss() for server in servers]
        gevent = [tree["gevent"] or {} for tree in trees]
        return {"rss": sum(tree["rss"] for tree in trees), "uss": sum(tree["uss"] for tree in trees),
                "fds": sum(tree["fds"] for tree in trees), "processes": sum(tree["processes"] for tree in trees),
                "gevent_rss": sum(item.get("rss", 0) for item in gevent),
                "gevent_fds": sum(item.get("fds", 0) for item in gevent),
                "pg": pg_connections(servers[0].db)}

    async def crowd_steps(self, bench, servers, prefix, steps, base_url, ceiling):
        """The rows before the crowd, then the crowd growing step by step, the rows at each step."""
        run = self.run
        run.log("%s: rows before the idle visitors" % prefix)
        await self.measure_rows(bench, prefix)
        before = self.resources(servers)
        crowd = Crowd(base_url, bench.channel_id, run.args.workdir, deadline=3600, log=run.log)
        try:
            arrived = 0
            for count in steps:
                run.log("%s: growing the crowd to %d idle visitors" % (prefix, count))
                seconds = await crowd.grow_to(count, timeout=max(120, count * 0.2))
                totals = crowd.totals()
                await asyncio.sleep(min(2.0, 0.5 + count / 1000.0))  # the last long-polls reach the gevent process
                now = self.resources(servers)
                opens = sorted(totals["open_seconds"][arrived:])
                arrived = len(totals["open_seconds"])
                step = {"prefix": prefix, "idle": count, "servers": len(servers), "ceiling": ceiling,
                        "ramp_seconds": round(seconds, 1), "arrivals": len(opens),
                        "arrival_rate": len(opens) / seconds if seconds else None,
                        "arrival_p50": opens[len(opens) // 2] if opens else None,
                        "arrival_p95": opens[int(len(opens) * 0.95)] if opens else None,
                        "before": before, "with": now,
                        "memory_each": (now["rss"] - before["rss"]) / float(count),
                        "gevent_each": (now["gevent_rss"] - before["gevent_rss"]) / float(count)}
                run.log("%s: %d idle (%s); measuring" % (prefix, count, json.dumps(
                    {key: step[key] for key in ("ramp_seconds", "memory_each")})))
                if len(servers) == 1:
                    step["slow_clients"] = await asyncio.get_running_loop().run_in_executor(
                        None, slow_clients, servers[0].url, bench.channel_id)
                await self.measure_rows(bench, "%s+%d" % (prefix, count))
                totals = crowd.totals()
                step["statuses"] = dict(totals["statuses"])
                step["errors"] = dict(totals["errors"])
                step["parked"] = totals["parked"]
                self.extra["steps"].append(step)
        finally:
            await crowd.stop()
        bad = {status: number for step in self.extra["steps"] if step["prefix"] == prefix
               for status, number in step["statuses"].items() if status.startswith("5")}
        if bad:
            run.failures.append("%s: idle visitors got server errors: %s" % (prefix, bad))

    def row_keys(self):
        keys = []
        for prefix, steps in (("scale", self.size["idle_steps"]), ("two", self.size["idle_two"])):
            for key in self.rows:
                keys += ["%s.%s" % (prefix, key)] + ["%s+%d.%s" % (prefix, count, key) for count in steps]
        return keys

    def labels(self):
        values = {"inits": self.inits, "seq": self.size["scale_seq"], "conc": self.size["scale_conc"]}
        result = {}
        for prefix, steps, server in (("scale", self.size["idle_steps"], "prefork"),
                                      ("two", self.size["idle_two"], "2 servers, nginx")):
            for key in self.rows:
                text = ROW_LABELS[key] % values
                result["%s.%s" % (prefix, key)] = "[%s] %s" % (server, text)
                for count in steps:
                    result["%s+%d.%s" % (prefix, count, key)] = "[%s, %d idle] %s" % (server, count, text)
        return result

    def targets(self, target_class):
        goals = {}
        for prefix, steps in (("scale", self.size["idle_steps"]), ("two", self.size["idle_two"])):
            for count in steps:
                for key in self.rows:
                    goals["%s+%d.%s" % (prefix, count, key)] = [target_class(
                        RATIO_FIGURES[key], ratio=RATIO, base="%s.%s" % (prefix, key))]
                goals["%s+%d.open_conc" % (prefix, count)].append(
                    target_class("rate", self.open_rate_target, at_least=True))
        return goals

    def report(self, fmt_bytes):
        """The lines about the crowd itself: arrivals, memory, files, connections, statuses."""
        out = ["", "Idle visitors (a chat open, the long-poll parked), from client processes of at most %d "
               "visitors each:" % VISITORS_PER_CLIENT]
        for step in self.extra["steps"]:
            before, now = step["before"], step["with"]
            memory_ok = step["memory_each"] < self.memory_target
            pg_ok = now["pg"] is not None and now["pg"] <= step["ceiling"]
            slow = step.get("slow_clients")
            five = {key: value for key, value in step["statuses"].items() if key.startswith("5")}
            out += [
                "  [%s, %d idle] arrivals: %.1f/s over %.1f s (init+open p50 %s, p95 %s), %d long-polls parked"
                % ("prefork" if step["servers"] == 1 else "2 servers, nginx", step["idle"],
                   step["arrival_rate"] or 0, step["ramp_seconds"], fmt_ms(step["arrival_p50"]),
                   fmt_ms(step["arrival_p95"]), step["parked"]),
                "    server memory: %.0f -> %.0f MB RSS, %s each (gevent process: %s each); target < %s each: %s"
                % (before["rss"] / 1e6, now["rss"] / 1e6, fmt_bytes(step["memory_each"]),
                   fmt_bytes(step["gevent_each"]), fmt_bytes(self.memory_target), "ok" if memory_ok else "MISSED"),
                "    file descriptors: %d -> %d (gevent process: %d -> %d)" % (
                    before["fds"], now["fds"], before["gevent_fds"], now["gevent_fds"]),
                "    PostgreSQL connections to the database: %s -> %s; bound (db_maxconn x server processes) %d: %s"
                % (before["pg"], now["pg"], step["ceiling"], "ok" if pg_ok else "MISSED"),
                "    HTTP statuses the idle visitors got: %s%s; no 5xx: %s" % (
                    ", ".join("%s x%d" % item for item in sorted(step["statuses"].items())),
                    ("; poll errors (retried): %s" % ", ".join("%s x%d" % item for item in step["errors"].items()))
                    if step["errors"] else "", "ok" if not five else "MISSED"),
            ]
            if slow is not None:
                out.append("    half-sent / cut request bodies meanwhile, answered: %s; 408/400 only: %s" % (
                    ", ".join(str(status) for status in slow),
                    "ok" if all(status in (400, 408) for status in slow) else "MISSED"))
        return out


def fmt_ms(value):
    return "%.0f ms" % (value * 1000) if value is not None else "-"
