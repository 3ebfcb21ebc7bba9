"""The prefork server answers a parked long-poll at once: no Nagle / delayed-ACK stall.

A server of the test's own runs with ``--workers=2``, so that the visitor's long-poll is served by
the gevent long-polling process (``patches/server_sockets.py``). The visitor keeps one connection
to it, as a browser does, and each message's notification must come back from the parked poll
a few milliseconds after the post was answered. With Nagle's algorithm on that connection it took
46-58 ms (the client's delayed ACK, at least 40 ms); without, 3-15 ms on a loaded 2-CPU machine.
The socket option itself is read too, on the server's end of the parked connection."""
import ctypes
import json
import os
import socket
import statistics
import subprocess
import threading
import time

import httpx
import pytest

from livechat_server import OdooServer
from widget_support import Odoo

MESSAGES = 10
MEDIAN_BOUND = 0.035  # seconds: under the 40 ms minimum of a delayed ACK, generous for a loaded machine
SYS_PIDFD_GETFD = 438  # the same number on every Linux architecture (5.6 and later)


def server_end_nodelay(pid, client):
    """TCP_NODELAY of process ``pid``'s end of ``client``'s connection (None: not found), read from a
    duplicate of its descriptor (``pidfd_getfd``: the test started that process)."""
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    try:
        for name in os.listdir("/proc/%d/fd" % pid):
            try:
                if not os.readlink("/proc/%d/fd/%s" % (pid, name)).startswith("socket:"):
                    continue
            except OSError:
                continue
            fd = libc.syscall(SYS_PIDFD_GETFD, pidfd, int(name), 0)
            if fd < 0:
                continue
            with socket.socket(fileno=fd) as sock:
                try:
                    peer = sock.getpeername() if sock.type == socket.SOCK_STREAM else None
                except OSError:
                    continue  # not connected
                if peer == client.getsockname():
                    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        os.close(pidfd)
    return None


def longpolling_process(server):
    """The gevent long-polling process the prefork master started (``odoo-bin gevent``)."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/stat" % pid) as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open("/proc/%s/cmdline" % pid, "rb") as cmdline:
                arguments = cmdline.read().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        if parent == server.process.pid and b"gevent" in arguments:
            return int(pid)
    raise AssertionError("no long-polling process under the prefork server")


@pytest.fixture(scope="module")
def prefork(db_name):
    server = OdooServer(db_name, "prefork", workers=2).start()
    yield server
    server.stop()


def listen_backlog(port):
    """The backlog of the socket listening on ``port`` (``ss``: its Send-Q)."""
    output = subprocess.run(["ss", "-Hltn", "sport = :%d" % port], capture_output=True, text=True,
                            check=True, timeout=30).stdout.split()
    return int(output[2])


def test_prefork_workers_queue_a_burst_of_connections(prefork):
    """Odoo listens with 8 per worker (16 here): the workers' socket queues 128 (``server_sockets``)."""
    assert listen_backlog(prefork.port) == 128


def test_notification_reaches_the_parked_long_poll_without_delay(prefork, db_name):
    odoo = Odoo(prefork.url, db_name)
    channel_id = odoo.make_channel(rules=[{"action": "display_button"}], name="Prefork Desk")
    odoo.set_admin_online()
    api = httpx.Client(base_url=prefork.url, timeout=30)
    poller = httpx.Client(base_url=prefork.longpolling_url, timeout=70)  # one kept connection
    opened = api.post("/livechat/api/session/open", content=json.dumps(
        {"channel_id": channel_id, "url": "https://shop.example.com/"})).json()
    assert opened["available"], opened
    token, cursor = opened["token"], opened["cursor"]

    def post(text):
        response = api.post("/livechat/api/session/post", content=json.dumps({"token": token, "body": text}))
        assert response.status_code == 200, response.text
        return time.perf_counter()

    def poll(last, result):
        response = poller.post("/longpolling/livechat/poll", content=json.dumps({"token": token, "last": last}))
        result["at"] = time.perf_counter()
        result["response"] = response

    post("hello")  # the conversation starts
    drained = {}
    poll(cursor, drained)  # "hello" is there already: the poll returns at once
    cursor = drained["response"].json()["cursor"]
    latencies = []
    for number in range(MESSAGES + 1):
        result = {}
        waiting = threading.Thread(target=poll, args=(cursor, result))
        waiting.start()
        time.sleep(0.3)  # parked in the long-polling process
        answered = post("message %d" % number)
        waiting.join(timeout=60)
        assert result.get("response") is not None and result["response"].status_code == 200, result
        body = result["response"].json()
        assert body["events"], body
        cursor = body["cursor"]
        if number:  # the first one warms the connection up
            latencies.append(result["at"] - answered)
    api.close()
    poller.close()

    # the option itself, on the long-polling process's end of a parked poll's connection
    with socket.create_connection(("127.0.0.1", prefork.longpolling_port), timeout=30) as client:
        client.sendall(("POST /longpolling/livechat/poll HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        "Content-Length: %d\r\n\r\n" % len(json.dumps({"token": token, "last": cursor}))
                        + json.dumps({"token": token, "last": cursor})).encode())
        time.sleep(0.5)  # parked
        assert client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0, "the probe tells them apart"
        assert server_end_nodelay(longpolling_process(prefork), client) == 1, \
            "the long-polling server keeps Nagle's algorithm on its connections"
    median = statistics.median(latencies)
    print("\nprefork: notification after the post's answer, median %.1f ms (%s)" % (
        median * 1000, ", ".join("%.1f" % (latency * 1000) for latency in latencies)))
    assert median < MEDIAN_BOUND, "a parked long-poll answers %.0f ms after the post" % (median * 1000)
