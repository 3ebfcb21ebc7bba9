"""An Odoo server of the test's own, on the test database, on its own ports: it can be killed with -9,
restarted, or run behind a (simulated) reverse proxy, without disturbing the shared test server."""
import os
import signal
import socket
import subprocess
import time

import httpx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, ".cache")
VENV = os.path.join(CACHE, "venv")
SITE_PACKAGES = os.path.join(VENV, "lib", "python3.11", "site-packages")
ADDONS = "%s,%s" % (os.path.join(CACHE, "addons"), os.path.join(SITE_PACKAGES, "odoo", "addons"))
GEOIP_DB = os.path.join(SITE_PACKAGES, "_maxminddb_geolite2", "GeoLite2-City.mmdb")  # as ./test uses


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OdooServer(object):
    """``tools/odoo-bin`` in a child process, on ``db``; logs in LIVECHAT_LOGDIR. Threaded, or with
    ``workers`` the prefork server and its gevent long-polling process (``longpolling_url``);
    ``extra_args``: more options of Odoo's command line."""

    def __init__(self, db, name, proxy_mode=False, workers=0, extra_args=()):
        self.db, self.name, self.proxy_mode, self.workers = db, name, proxy_mode, workers
        self.extra_args = list(extra_args)
        self.process = None
        self.port = None
        self.longpolling_port = None
        self.starts = 0
        self.logdir = os.environ.get("LIVECHAT_LOGDIR") or os.path.join(CACHE, "logs")

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def longpolling_url(self):
        """Where ``/longpolling/`` is served: the gevent port in prefork, else the same server."""
        return "http://127.0.0.1:%d" % self.longpolling_port if self.workers else self.url

    def start(self, timeout=90, attempts=3):
        """Start the server and wait until it answers; retried when it stops at start-up (a database
        server short of connections on a shared machine)."""
        for attempt in range(attempts):
            try:
                return self._start(timeout)
            except RuntimeError:
                if attempt == attempts - 1:
                    raise
                time.sleep(5)

    def _start(self, timeout):
        self.port, self.longpolling_port = free_port(), free_port()
        self.starts += 1
        log = os.path.join(self.logdir, "server-%s-%d.log" % (self.name, self.starts))
        command = [os.path.join(VENV, "bin", "python"), os.path.join(ROOT, "tools", "odoo-bin"),
                   "--addons-path=%s" % ADDONS, "-d", self.db,
                   "--http-interface=127.0.0.1", "--http-port=%d" % self.port,
                   "--longpolling-port=%d" % self.longpolling_port, "--workers=%d" % self.workers,
                   "--log-level=info",
                   # no scheduled actions, a bounded pool: the database server is shared with other tests
                   "--max-cron-threads=0", "--db_maxconn=32", "--logfile=%s" % log]
        if self.proxy_mode:
            command.append("--proxy-mode")
        if os.path.exists(GEOIP_DB):
            command.append("--geoip-db=%s" % GEOIP_DB)
        command += self.extra_args
        env = dict(os.environ, ODOO_PRELOAD_ADDONS="no", PYTHONDONTWRITEBYTECODE="1",
                   PATH="%s:%s" % (os.path.join(CACHE, "node", "node_modules", ".bin"), os.environ["PATH"]))
        self.process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the server stopped at start-up: see %s" % log)
            try:
                if httpx.get(self.url + "/web/binary/company_logo", timeout=5).status_code == 200 and (
                        not self.workers or httpx.post(  # the long-polling process loads the database
                            self.longpolling_url + "/web/webclient/version_info", timeout=30,
                            json={"jsonrpc": "2.0", "method": "call", "params": {}}).status_code == 200):
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError("the server did not answer within %d s: see %s" % (timeout, log))

    def kill9(self):
        """The hard way: SIGKILL, no chance to finish anything."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill9()
