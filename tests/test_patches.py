"""The patches of Odoo (``patches/``): each in place once per process, and the threaded server's
connections without Nagle's algorithm (the prefork server's: ``browser_tests/test_prefork_latency.py``)."""
import os
import socket
import time

from odoo import http
from odoo.addons.bus.models import bus as odoo_bus
from odoo.service import server as odoo_server
from odoo.tests import common

from odoo.addons.livechat import patches
from odoo.addons.livechat.patches import bus_dispatch_poll, http_dispatch, http_get_request, http_get_response


def accepted_socket_nodelay(client):
    """TCP_NODELAY of the server's end of ``client``'s connection, found among this process's sockets
    (the test server runs in the test's process); None when it is not there (yet)."""
    for name in os.listdir("/proc/self/fd"):
        try:
            if not os.readlink("/proc/self/fd/%s" % name).startswith("socket:"):
                continue
            sock = socket.socket(fileno=os.dup(int(name)))
        except OSError:
            continue
        try:
            peer = sock.getpeername() if sock.type == socket.SOCK_STREAM and sock.family == socket.AF_INET else None
            if peer == client.getsockname():
                return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        except OSError:
            continue  # not connected
        finally:
            sock.close()
    return None


class TestPatches(common.TransactionCase):

    PATCHED = (
        (odoo_bus.ImDispatch, "poll", bus_dispatch_poll.poll_listening_first),
        (http.Root, "dispatch", http_dispatch.dispatch),
        (http.Root, "get_request", http_get_request.get_request),
        (http.Root, "get_response", http_get_response.get_response),
    )

    def test_each_patch_is_in_place_once(self):
        for owner, name, replacement in self.PATCHED:
            current = getattr(owner, name)
            self.assertIs(current, replacement, name)
            self.assertFalse(hasattr(current.original, "livechat_patch"), "%s wraps itself" % name)
        self.assertTrue(odoo_server.RequestHandler.disable_nagle_algorithm)

    def test_applying_again_changes_nothing(self):
        before = [(getattr(owner, name), getattr(owner, name).original) for owner, name, _r in self.PATCHED]
        patches.apply()
        patches.apply()
        after = [(getattr(owner, name), getattr(owner, name).original) for owner, name, _r in self.PATCHED]
        self.assertEqual(before, after)


@common.at_install(False)
@common.post_install(True)
class TestServerSockets(common.HttpCase):

    def test_threaded_server_connections_have_tcp_nodelay(self):
        with socket.create_connection(("127.0.0.1", common.PORT), timeout=10) as client:
            # the probe tells the two apart: the client's end keeps Nagle's algorithm
            self.assertEqual(client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), 0)
            client.sendall(b"GET /web/webclient/version_info HTTP/1.1\r\n")  # and the rest never comes
            deadline = time.monotonic() + 5
            nodelay = accepted_socket_nodelay(client)
            while not nodelay and time.monotonic() < deadline:
                time.sleep(0.05)  # until the server's thread has accepted the connection and set it up
                nodelay = accepted_socket_nodelay(client)
            self.assertIsNotNone(nodelay, "the server's end of the connection was not found")
            self.assertTrue(nodelay, "the threaded server answers with Nagle's algorithm on")
