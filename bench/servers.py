"""The benchmark's own Odoo servers: start on free loopback ports, wait until ready, measure RSS, stop."""
import json
import os
import signal
import socket
import subprocess
import time

import httpx

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ODOO_PYTHON = os.path.join(ROOT, ".cache", "venv", "bin", "python")
ODOO_BIN = [ODOO_PYTHON, os.path.join(ROOT, "tools", "odoo-bin")]
READY_TIMEOUT = 90


class ServerError(Exception):
    """A server did not start, or died."""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OdooServer:
    """One Odoo server on the benchmark database: threaded (workers=0) or prefork + gevent long-polling."""

    def __init__(self, db, addons_path, workdir, workers=0, geoip_db=None, name=None, extra_args=()):
        self.db = db
        self.extra_args = list(extra_args)
        self.addons_path = addons_path
        self.workdir = workdir
        self.workers = workers
        self.geoip_db = geoip_db
        self.name = name or ("prefork" if workers else "threaded")
        self.port = free_port()
        self.longpolling_port = free_port()
        self.process = None
        self.stderr = None
        self.logfile = os.path.join(workdir, "server-%s.log" % self.name)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def longpolling_url(self):
        """Where /longpolling/* goes: its own gevent port in prefork, the same server when threaded."""
        if self.workers:
            return "http://127.0.0.1:%d" % self.longpolling_port
        return self.url

    def command(self):
        cmd = ODOO_BIN + [
            "--addons-path=%s" % self.addons_path, "-d", self.db,
            "--http-interface=127.0.0.1", "--http-port=%d" % self.port, "--longpolling-port=%d" % self.longpolling_port,
            "--workers=%d" % self.workers, "--log-level=warn", "--logfile=%s" % self.logfile,
        ]
        if self.geoip_db:
            cmd.append("--geoip-db=%s" % self.geoip_db)
        return cmd + self.extra_args

    def launch(self):
        """Start the server process in its own process group (recorded for bench/run's clean-up)."""
        if self.process is None:
            self.stderr = open(self.logfile + ".stderr", "wb")  # pylint: disable=consider-using-with
            self.process = subprocess.Popen(  # pylint: disable=consider-using-with
                self.command(), cwd=ROOT, start_new_session=True,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.stderr)
            with open(os.path.join(self.workdir, "servers.pid"), "a", encoding="utf-8") as pidfile:
                pidfile.write("%d\n" % self.process.pid)
        return self

    def start(self):
        """Launch the server (unless launched already) and wait until it answers."""
        self.launch().wait_ready()
        return self

    def wait_ready(self):
        """Until every port answers a cheap JSON-RPC (not /web/login: it compiles the website's assets)."""
        deadline = time.monotonic() + READY_TIMEOUT
        pending = sorted({self.url, self.longpolling_url})
        while pending:
            if self.process.poll() is not None:
                raise ServerError("the %s server exited with %s; see %s" % (
                    self.name, self.process.returncode, self.logfile))
            if time.monotonic() > deadline:
                raise ServerError("the %s server was not ready after %d s" % (self.name, READY_TIMEOUT))
            try:
                response = httpx.post("%s/web/webclient/version_info" % pending[0], trust_env=False, timeout=10,
                                      json={"jsonrpc": "2.0", "method": "call", "params": {}})
                if response.status_code == 200:
                    pending.pop(0)
                    continue
            except httpx.HTTPError:
                pass
            time.sleep(0.2)

    def check_alive(self):
        if self.process is None or self.process.poll() is not None:
            raise ServerError("the %s server died; see %s" % (self.name, self.logfile))

    def rss(self):
        """Resident memory of the server's whole process tree (master, workers, gevent), in bytes."""
        self.check_alive()
        out = subprocess.run([ODOO_PYTHON, os.path.join(HERE, "rss.py"), str(self.process.pid)],
                             check=True, capture_output=True, text=True, timeout=30).stdout
        return json.loads(out)

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
            except ProcessLookupError:
                pass
        # workers left behind by a dying master still belong to the group
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process = None
        if self.stderr:
            self.stderr.close()
            self.stderr = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class CpuMeter:
    """CPU seconds of a server's process tree and of PostgreSQL, read by ``bench/cpu.py`` in the Odoo
    venv (which has psutil), kept running as a co-process: a snapshot costs a few milliseconds."""

    def __init__(self):
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [ODOO_PYTHON, os.path.join(HERE, "cpu.py")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def snapshot(self, server):
        server.check_alive()
        self.process.stdin.write("%d %s\n" % (server.process.pid, server.db))
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise ServerError("the CPU meter (bench/cpu.py) exited")
        snapshot = json.loads(line)
        times = os.times()
        snapshot["client"] = times.user + times.system  # the load client (this process)
        return snapshot

    @staticmethod
    def delta(before, after):
        """Seconds spent between two snapshots: {"odoo", "pg_all", "pg_db", "machine", "client"} (see
        bench/cpu.py; "client" is the benchmark's own process)."""
        return {
            "odoo": after["odoo"] - before["odoo"],
            "pg_all": after["pg_all"] - before["pg_all"],
            "pg_db": sum(seconds - before["pg_db"].get(pid, 0.0) for pid, seconds in after["pg_db"].items()),
            "machine": after["machine"] - before["machine"],
            "client": after["client"] - before["client"],
        }

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
