"""Helpers of the widget's browser tests: the server's data through XML-RPC, and a page on another origin."""
import datetime
import functools
import http.server
import os
import re
import tempfile
import threading
import uuid
import xmlrpc.client

RPC_TIMEOUT = 30  # s: bounds a hung server only
SNIPPET = re.compile(r'^<script src="(?P<base>[^"]+)/livechat/loader/(?P<id>\d+)\.js" defer></script>$')


class TimeoutTransport(xmlrpc.client.Transport):
    """XML-RPC calls that give up after ``timeout`` seconds: a hung server fails the test, not the run."""

    def __init__(self, timeout):
        super(TimeoutTransport, self).__init__()
        self.timeout = timeout

    def make_connection(self, host):
        connection = super(TimeoutTransport, self).make_connection(host)
        connection.timeout = self.timeout
        return connection


class Odoo(object):
    """The test server's database, as its administrator, through XML-RPC."""

    def __init__(self, base_url, db, login="admin", password="admin", timeout=RPC_TIMEOUT):
        self.base_url, self.db, self.password = base_url, db, password
        self.uid = xmlrpc.client.ServerProxy(base_url + "/xmlrpc/2/common",
                                             transport=TimeoutTransport(timeout)).login(db, login, password)
        self.models = xmlrpc.client.ServerProxy(base_url + "/xmlrpc/2/object", transport=TimeoutTransport(timeout),
                                                allow_none=True)

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)

    def ref(self, xmlid):
        """The id of the record ``xmlid`` (module.name)."""
        return self.call("ir.model.data", "xmlid_to_res_id", xmlid, True)

    def make_channel(self, rules=(), operators=None, **values):
        """A new channel (the administrator its only operator) with ``rules`` (dicts of rule values)."""
        vals = dict({
            "name": "Widget Test %s" % uuid.uuid4().hex[:6],
            "user_ids": [(6, 0, operators if operators is not None else [self.uid])],
            "button_text": "Chat with our team",
            "notification_text": "Questions? We are online.",
            "welcome_message": "Hello! What can we do for you?",
            "input_placeholder": "Ask us anything...",
            "button_background_color": "#1F6F43",
            "button_text_color": "#FFFFFF",
            "header_color": "#123456",
        }, **values)
        vals["rule_ids"] = [(0, 0, dict({"regex_url": "/"}, **rule)) for rule in rules]
        return self.call("livechat.channel", "create", vals)

    def retire_channel(self, channel_id):
        """A test's channel, done with: its open sessions closed (its operator, often the administrator,
        is not left busy for other tests' channels), the channel archived."""
        sessions = self.call("livechat.session", "search", [("channel_id", "=", channel_id), ("state", "=", "open")])
        self.call("livechat.session", "write", sessions, {"state": "closed"})
        self.call("livechat.channel", "write", [channel_id], {"active": False})

    def close_every_conversation(self):
        """No conversation left open by a test: every session closed (nobody waits in line, no operator
        is kept busy) and every live chat window of the operators closed (their next login opens none)."""
        sessions = self.call("livechat.session", "search", [("state", "!=", "closed")])
        if sessions:
            self.call("livechat.session", "write", sessions, {"state": "closed"})
        members = self.call("mail.channel.partner", "search", [
            ("channel_id.channel_type", "=", "livechat"), ("fold_state", "!=", "closed")])
        if members:
            self.call("mail.channel.partner", "write", members, {"fold_state": "closed"})

    def set_admin_online(self):
        """What the bus poll of the administrator's web client records: he is there, now."""
        stamp = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")
        presence = self.call("bus.presence", "search", [("user_id", "=", self.uid)])
        values = {"last_poll": stamp, "last_presence": stamp, "status": "online"}
        if presence:
            self.call("bus.presence", "write", presence, values)
        else:
            self.call("bus.presence", "create", dict(values, user_id=self.uid))

    def read(self, model, record_id, fields):
        return self.call(model, "read", [record_id], fields)[0]

    def snippet(self, channel_id):
        """The script of the channel's Widget tab, pointed at this server."""
        script = self.read("livechat.channel", channel_id, ["script_external"])["script_external"]
        match = SNIPPET.match(script.strip())
        assert match and int(match.group("id")) == channel_id, script
        return script.strip().replace(match.group("base"), self.base_url)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class ThirdPartySite(object):
    """A static website on another origin (another port) whose pages embed the widget snippet."""

    def __init__(self):
        self.directory = tempfile.mkdtemp(prefix="livechat_site_")
        handler = functools.partial(_QuietHandler, directory=self.directory)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def add_page(self, name, snippet, title="Partner Garden Shop"):
        html = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>%(title)s</title><link rel="icon" href="data:,">
%(snippet)s
<style>button { background: red !important; font-size: 40px !important; } li { color: red; }</style>
</head><body><h1>%(title)s</h1><p>Spades, rakes and shears.</p>
<a id="next" href="other.html">Another page</a></body></html>
""" % {"title": title, "snippet": snippet}
        with open(os.path.join(self.directory, name), "w") as handle:
            handle.write(html)
        return "%s/%s" % (self.url, name)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
