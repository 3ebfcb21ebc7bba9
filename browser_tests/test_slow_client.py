"""A client that stops sending its request body half-way (a slow or vanished visitor, a load test's
overloaded client) is answered 408 by the prefork server's worker, whose socket times out: the
client's fault, said as such, never "500 Something went wrong on our side"; and the worker serves
the next visitor."""
import json
import socket
import time

import httpx
import pytest

from livechat_server import OdooServer

WAIT = 30  # s: a worker's socket times out after a few seconds of silence


@pytest.fixture(scope="module")
def prefork(db_name):
    server = OdooServer(db_name, "slow-client", workers=2).start()
    yield server
    server.stop()


def half_a_request(server, body):
    """Headers announcing ``body``, then only half of it, then silence: the status line answered."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=WAIT)
    try:
        sock.sendall(("POST /livechat/api/init HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: text/plain\r\n"
                      "Content-Length: %d\r\nConnection: close\r\n\r\n" % (server.port, len(body))).encode())
        sock.sendall(body[:len(body) // 2])
        answer = b""
        deadline = time.monotonic() + WAIT
        while b"\r\n\r\n" not in answer and time.monotonic() < deadline:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
        return answer
    finally:
        sock.close()


def test_a_body_that_stops_half_way_is_answered_408(prefork, odoo):
    channel_id = odoo.ref("livechat.livechat_channel_demo_support")
    body = json.dumps({"channel_id": channel_id, "url": "https://shop.example.com/" + "x" * 200}).encode()
    answer = half_a_request(prefork, body)
    status_line = answer.split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.") and b" 408 " in status_line, answer[:300]
    assert b"application/json" in answer.lower(), answer[:300]
    # the worker is free again: a whole request is served
    whole = httpx.post(prefork.url + "/livechat/api/init", content=body, timeout=WAIT)
    assert whole.status_code == 200, whole.text
