"""Debian's nginx started by a test: a reverse proxy of its own, over https with a self-signed
certificate made with ``openssl``, from one of the configurations the README shows (deploy/)."""
import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time

from livechat_server import ROOT, free_port

NGINX = "/usr/sbin/nginx"


def readme_showing(config):
    """README.rst's text, once it is seen to show the nginx configuration file ``config`` (a path) as a
    literal block, whole: what an administrator copies is what the tests run."""
    with open(config) as handle:
        text = handle.read()
    with open(os.path.join(ROOT, "README.rst")) as handle:
        readme = handle.read()
    block = "".join(("    " + line if line.strip() else line) for line in text.splitlines(True))
    assert block in readme, "README.rst does not show %s as it is" % os.path.relpath(config, ROOT)
    return readme


def render_config(config, template, replacements):
    """The configuration with each ``(old, new)`` replaced; each ``old`` must be there exactly once,
    so that the README's file cannot drift away from what runs here."""
    for old, new in replacements:
        assert template.count(old) == 1, "%r is not once in %s" % (old, config)
        template = template.replace(old, new)
    return template


class Nginx(object):
    """Debian's nginx in the foreground, as a child of the test, in a temporary directory of its own
    (its configuration, certificate, pid, logs and buffers), serving https on a free loopback port.
    ``config``: the file of deploy/; ``upstreams``: ``(old, new)`` replacements of its upstream lines."""

    def __init__(self, config, upstreams):
        self.config, self.upstreams = config, upstreams
        self.port = None
        self.process = None
        self.directory = None

    @property
    def url(self):
        return "https://127.0.0.1:%d" % self.port

    def start(self, timeout=30):
        self.directory = tempfile.mkdtemp(prefix="livechat_nginx_")
        os.chmod(self.directory, 0o755)  # nginx's workers (another user when the test runs as root)
        cert, key = os.path.join(self.directory, "cert.pem"), os.path.join(self.directory, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True, timeout=60)
        self.port = free_port()
        with open(self.config) as handle:
            site = render_config(self.config, handle.read(), list(self.upstreams) + [
                ("listen 443 ssl;", "listen 127.0.0.1:%d ssl;" % self.port),
                ("/etc/ssl/certs/chat.example.com.pem", cert),
                ("/etc/ssl/private/chat.example.com.key", key),
            ])

        def path(name):
            return os.path.join(self.directory, name)
        with open(path("livechat.conf"), "w") as handle:
            handle.write(site)
        with open(path("nginx.conf"), "w") as handle:
            handle.write("""daemon off;
worker_processes 1;
pid %(pid)s;
error_log %(error)s info;
events { worker_connections 256; }
http {
    access_log %(access)s;
    client_body_temp_path %(tmp)s/body;
    proxy_temp_path %(tmp)s/proxy;
    fastcgi_temp_path %(tmp)s/fastcgi;
    uwsgi_temp_path %(tmp)s/uwsgi;
    scgi_temp_path %(tmp)s/scgi;
    include %(site)s;
}
""" % {"pid": path("nginx.pid"), "error": path("error.log"), "access": path("access.log"),
                "tmp": self.directory, "site": path("livechat.conf")})
        self.process = subprocess.Popen([NGINX, "-p", self.directory, "-e", path("error.log"),
                                         "-c", path("nginx.conf")],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("nginx stopped: %s" % self.process.stderr.read().decode(errors="replace"))
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            time.sleep(0.1)
        raise RuntimeError("nginx did not listen within %d s" % timeout)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()  # a fast shutdown, of the master and its worker
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
        if self.process:
            self.process.stderr.close()
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)
