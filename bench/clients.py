"""The two sides of a conversation, as the benchmark drives them over HTTP.

- ``Visitor``: what the widget does (``/livechat/api/*`` JSON routes, then its long-poll).
- ``Operator``: what Odoo's web client does for an operator (JSON-RPC login, ``/longpolling/poll``
  on Odoo's bus, ``mail.channel.message_post`` through ``/web/dataset/call_kw``).

Delivery is timed with markers: every message carries a unique ``bench-<hex>`` text; the side
that waits for it registers the marker in a ``Waiters`` before the post is sent, and its
long-poll loop stamps the arrival time when a notification carrying the marker comes back.
"""
import asyncio
import http.cookiejar
import itertools
import json
import re
import secrets
import time

import httpx

REQUEST_TIMEOUT = 30.0
POLL_TIMEOUT = 75.0  # Odoo's bus answers a long-poll within 50 s
RETRY_DELAY = 0.5  # after a failed long-poll
MARKER = re.compile(r"bench-[0-9a-f]{16}")
_rpc_ids = itertools.count(1)


class ScenarioError(Exception):
    """Something a user would notice broke: an HTTP error, a message that never arrived..."""


def new_marker():
    return "bench-%s" % secrets.token_hex(8)


def http_client(max_connections=64, headers=None):
    """An async HTTP client for loopback: bounded pool, every request with a timeout, no proxy, and a
    cookie jar that keeps nothing (a cookie, when one is wanted, is sent explicitly in ``headers``)."""
    jar = http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return httpx.AsyncClient(
        timeout=httpx.Timeout(REQUEST_TIMEOUT), trust_env=False, headers=headers, cookies=httpx.Cookies(jar),
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections))


async def post_checked(client, url, timeout=REQUEST_TIMEOUT, **kwargs):
    """POST to ``url``: (the response, its JSON object), or ScenarioError with a short readable reason
    (a transport error, an HTTP status other than 200, an answer that is no JSON object)."""
    try:
        response = await client.post(url, timeout=timeout, **kwargs)
    except httpx.HTTPError as error:
        raise ScenarioError("%s: %s" % (url, error.__class__.__name__)) from error
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict):
        raise ScenarioError("%s: HTTP %s %s" % (url, response.status_code, error_text(response, body)))
    return response, body


async def post_json(client, url, data, timeout=REQUEST_TIMEOUT):
    """POST a JSON object the way the widget does (text/plain: no CORS preflight); the JSON answer."""
    _response, body = await post_checked(client, url, timeout, content=json.dumps(data),
                                         headers={"Content-Type": "text/plain;charset=UTF-8"})
    return body


def error_text(response, body):
    """A short readable reason: the API's JSON message, else the HTML page's title."""
    if isinstance(body, dict):
        return (body.get("error") or {}).get("message") or ""
    title = re.search(r"<title>(.*?)</title>", response.text, re.S | re.I)
    return " ".join((title.group(1) if title else response.text[:80]).split())


async def json_rpc_answer(client, url, params, headers=None, timeout=REQUEST_TIMEOUT):
    """Odoo's JSON-RPC (type="json" routes): (the response, the ``result``), or ScenarioError with
    Odoo's message."""
    payload = {"jsonrpc": "2.0", "method": "call", "params": params, "id": next(_rpc_ids)}
    response, body = await post_checked(client, url, timeout, json=payload, headers=headers)
    if body.get("error"):
        data = body["error"].get("data") or {}
        raise ScenarioError("%s: %s" % (url, data.get("message") or body["error"].get("message")))
    return response, body.get("result")


async def json_rpc(client, url, params, timeout=REQUEST_TIMEOUT):
    """Odoo's JSON-RPC: the ``result`` (see ``json_rpc_answer``)."""
    _response, result = await json_rpc_answer(client, url, params, timeout=timeout)
    return result


class Waiters:
    """Messages someone waits for, by marker; resolved with the time their notification arrived."""

    def __init__(self):
        self._futures = {}

    def expect(self, marker):
        future = asyncio.get_running_loop().create_future()
        self._futures[marker] = future
        return future

    def arrived(self, notification):
        """Stamp every awaited marker found in ``notification`` (any JSON-able value)."""
        if not self._futures:
            return
        now = time.perf_counter()
        for marker in MARKER.findall(json.dumps(notification)):
            future = self._futures.pop(marker, None)
            if future is not None and not future.done():
                future.set_result(now)

    def fail_all(self, error):
        for future in self._futures.values():
            if not future.done():
                future.set_exception(error)
        self._futures.clear()


async def wait_delivery(future, sent_at, timeout):
    """Seconds from ``sent_at`` until the awaited notification came back to the other side."""
    try:
        arrived_at = await asyncio.wait_for(future, timeout)
    except asyncio.TimeoutError as error:
        raise ScenarioError("a message was not delivered within %d s" % timeout) from error
    return arrived_at - sent_at


class Visitor:
    """A website visitor: the widget's calls, and its long-poll loop."""

    def __init__(self, client, server_url, channel_id, page_url, waiters):
        self.client = client
        self.server_url = server_url
        self.channel_id = channel_id
        self.page_url = page_url
        self.waiters = waiters
        self.visitor_uid = secrets.token_hex(16)
        self.poll_url = None
        self.limits = {}
        self.reports_seen = False  # as the widget with its window open: the operator's messages read
        self.token = None
        self.name = None
        self.cursor = 0
        self.closed = False
        self.poll_task = None
        self.error = None

    def _api(self, path, data, timeout=REQUEST_TIMEOUT):
        return post_json(self.client, "%s/livechat/api/%s" % (self.server_url, path), data, timeout)

    @property
    def conversation_key(self):
        """How the operator's announcement of this conversation names it (see ``Operator.announced``)."""
        return self.name

    def lookup_domain(self):
        return [("name", "=", self.name), ("channel_type", "=", "livechat")]

    async def close(self):
        """The visitor's browser goes away: its connections are closed."""
        await self.client.aclose()

    async def init(self):
        """The widget's first call on each page: how to show the button, and where to long-poll."""
        config = await self._api("init", {"channel_id": self.channel_id, "url": self.page_url})
        if not config.get("poll_url"):
            raise ScenarioError("init gave no poll_url: %s" % config)
        self.poll_url = config["poll_url"]
        self.limits = config.get("limits") or {}
        return config

    async def open(self):
        """The visitor clicks the button: a session with an operator."""
        result = await self._api("session/open", {
            "channel_id": self.channel_id, "url": self.page_url, "visitor_uid": self.visitor_uid})
        if not result.get("available"):
            raise ScenarioError("no operator available: %s" % result.get("message"))
        self.token = result["token"]
        self.name = result["visitor_name"]
        self.cursor = result.get("cursor") or 0
        return result

    async def post(self, body):
        return await self._api("session/post", {"token": self.token, "body": body})

    async def leave(self):
        if self.token and not self.closed:
            await self._api("session/leave", {"token": self.token})

    def start_polling(self):
        self.poll_task = asyncio.create_task(self._poll_loop())
        return self.poll_task

    async def _poll_loop(self):
        seen = 0
        while not self.closed:
            body = {"token": self.token, "last": self.cursor}
            if seen:
                body["seen"] = seen  # what the widget showed, told with its next long-poll
            seen = 0
            try:
                result = await post_json(self.client, self.poll_url, body, timeout=POLL_TIMEOUT)
            except ScenarioError as error:
                # the messages awaited now count as failed; then retry, as the widget does
                self.error = self.error or error
                self.waiters.fail_all(error)
                await asyncio.sleep(RETRY_DELAY)
                continue
            self.cursor = result.get("cursor", self.cursor)
            for event in result.get("events", []):
                if event.get("type") == "closed":
                    self.closed = True
                message = event.get("message") or {}
                if self.reports_seen and event.get("type") == "message" and not message.get("is_visitor"):
                    seen = max(seen, message.get("id") or 0)
                self.waiters.arrived(event)

    async def stop_polling(self, timeout=10):
        """Leave, which ends the long-poll (the server sends 'closed'), and wait for the loop to stop."""
        left = False
        try:
            await self.leave()
            left = True
        finally:
            if self.poll_task:
                if not left:
                    self.poll_task.cancel()
                try:
                    await asyncio.wait_for(self.poll_task, timeout)
                except (asyncio.TimeoutError, asyncio.CancelledError):
                    self.poll_task.cancel()


class OdooAppVisitor(Visitor):
    """A website visitor of Odoo 11's own live chat app (``im_livechat``), through its public HTTP API
    as its widget uses it on a page of the Odoo website: JSON-RPC ``/im_livechat/init`` (the page's
    address in the Referer header), ``/im_livechat/get_session``, ``/mail/chat_post``, and Odoo's bus
    long-poll ``/longpolling/poll`` on the conversation's public uuid. It keeps the session cookie
    Odoo gives it, as a browser does. Odoo 11's visitor has no "leave": closing the window stops polling.
    """

    def __init__(self, client, server_url, channel_id, page_url, waiters, longpolling_url=None):
        super().__init__(client, server_url, channel_id, page_url, waiters)
        self.longpolling_url = longpolling_url or server_url  # /longpolling/*: the gevent port in prefork
        self.conversation_id = None
        self.cookie = None

    async def _rpc(self, path, params, timeout=REQUEST_TIMEOUT):
        headers = {"Referer": self.page_url}
        if self.cookie:
            headers["Cookie"] = self.cookie
        url = path if path.startswith("http") else "%s%s" % (self.server_url, path)
        response, result = await json_rpc_answer(self.client, url, params, headers=headers, timeout=timeout)
        session_id = response.cookies.get("session_id")
        if session_id:
            self.cookie = "session_id=%s" % session_id
        return result

    async def init(self):
        config = await self._rpc("/im_livechat/init", {"channel_id": self.channel_id})
        self.poll_url = "%s/longpolling/poll" % self.longpolling_url
        return {"available": bool(config and config.get("available_for_me")), "poll_url": self.poll_url}

    async def open(self):
        result = await self._rpc("/im_livechat/get_session", {
            "channel_id": self.channel_id, "anonymous_name": "Visitor %s" % self.visitor_uid[:8]})
        if not result:
            raise ScenarioError("no operator available (get_session answered %r)" % result)
        self.token = result["uuid"]
        self.name = result["name"]
        self.conversation_id = result["id"]
        return result

    @property
    def conversation_key(self):
        return self.conversation_id

    def lookup_domain(self):
        return [("id", "=", self.conversation_id)]

    async def post(self, body):
        return await self._rpc("/mail/chat_post", {"uuid": self.token, "message_content": body})

    async def leave(self):
        self.closed = True

    async def _poll_loop(self):
        while not self.closed:
            try:
                notifications = await self._rpc(self.poll_url, {
                    "channels": [self.token], "last": self.cursor, "options": {}}, timeout=POLL_TIMEOUT)
            except ScenarioError as error:
                self.error = self.error or error
                self.waiters.fail_all(error)
                await asyncio.sleep(RETRY_DELAY)
                continue
            for notification in notifications or []:
                self.cursor = max(self.cursor, notification["id"])
                self.waiters.arrived(notification.get("message"))

    async def stop_polling(self, timeout=10):
        self.closed = True
        if self.poll_task:
            self.poll_task.cancel()
            try:
                await asyncio.wait_for(self.poll_task, timeout)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                pass


def announced_livechat(message):
    """This addon's "new conversation" notification to the operator: the conversation's name."""
    if isinstance(message, dict) and message.get("livechat_session_id"):
        return message.get("name")
    return None


def announced_im_livechat(message):
    """Odoo 11 im_livechat's: the channel's description (``channel_type`` livechat), by channel id."""
    if isinstance(message, dict) and message.get("channel_type") == "livechat" and message.get("uuid"):
        return message.get("id")
    return None


class Operator:
    """An operator in Odoo's web client: logged in, polling the bus (which makes him online), answering."""

    def __init__(self, server_url, longpolling_url, db, login, password, waiters, announced=announced_livechat):
        self.server_url = server_url
        self.longpolling_url = longpolling_url
        self.db = db
        self.login = login
        self.password = password
        self.waiters = waiters
        self.announced = announced
        self.client = None
        self.uid = None
        self.partner_id = None
        self.last = 0
        self.polls_sent = 0
        self.conversations = {}  # conversation key -> (mail.channel id, polls_sent when it was announced)
        self.poll_task = None
        self.error = None
        self.running = False

    async def start(self):
        """Log in through /web/session/authenticate and keep the session cookie for every port."""
        async with http_client(4) as anonymous:
            response = await anonymous.post("%s/web/session/authenticate" % self.server_url, json={
                "jsonrpc": "2.0", "method": "call", "id": next(_rpc_ids),
                "params": {"db": self.db, "login": self.login, "password": self.password}})
            result = response.json().get("result") or {}
            session_id = response.cookies.get("session_id")
        if not result.get("uid") or not session_id:
            raise ScenarioError("operator %s could not log in" % self.login)
        self.uid = result["uid"]
        self.partner_id = result.get("partner_id")
        self.client = http_client(32, headers={"Cookie": "session_id=%s" % session_id})
        self.running = True
        self.poll_task = asyncio.create_task(self._poll_loop())
        return self

    async def call_kw(self, model, method, args, kwargs=None):
        return await json_rpc(self.client, "%s/web/dataset/call_kw/%s/%s" % (self.server_url, model, method), {
            "model": model, "method": method, "args": args, "kwargs": kwargs or {}})

    async def post(self, mail_channel_id, body):
        """What the chat window sends when the operator presses Enter."""
        return await self.call_kw("mail.channel", "message_post", [[mail_channel_id]], {
            "body": body, "message_type": "comment", "content_subtype": "html", "subtype": "mail.mt_comment"})

    async def _poll_loop(self):
        url = "%s/longpolling/poll" % self.longpolling_url
        while self.running:
            self.polls_sent += 1
            try:
                notifications = await json_rpc(self.client, url, {
                    "channels": [], "last": self.last, "options": {"bus_inactivity": 0}}, timeout=POLL_TIMEOUT)
            except ScenarioError as error:
                if not self.running:
                    return
                # the messages awaited now count as failed; then retry, as Odoo's web client does
                self.error = self.error or error
                self.waiters.fail_all(error)
                await asyncio.sleep(RETRY_DELAY)
                continue
            for notification in notifications or []:
                self.last = max(self.last, notification["id"])
                message = notification.get("message")
                key = self.announced(message)
                if key is not None and key not in self.conversations:
                    self.conversations[key] = (message["id"], self.polls_sent)
                self.waiters.arrived(message)

    def ready_for(self, key):
        """The conversation's mail.channel id once this operator listens to it (polled since it was announced)."""
        known = self.conversations.get(key)
        if known and self.polls_sent > known[1]:
            return known[0]
        return None

    async def stop(self):
        self.running = False
        if self.poll_task:
            self.poll_task.cancel()
            try:
                await self.poll_task
            except (asyncio.CancelledError, ScenarioError):
                pass
        if self.client:
            await self.client.aclose()


async def find_conversation(operators, visitor, timeout):
    """The operator who got ``visitor``'s session and the conversation id, once he listens to it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for operator in operators:
            channel_id = operator.ready_for(visitor.conversation_key)
            if channel_id:
                return operator, channel_id
        await asyncio.sleep(0.005)
    raise ScenarioError("no operator was told about %s within %d s" % (visitor.name, timeout))


async def lookup_conversation(operators, visitor):
    """The operator and conversation of ``visitor``, asked to the server (as Discuss' sidebar would show it)."""
    for operator in operators:
        found = await operator.call_kw("mail.channel", "search_read", [
            visitor.lookup_domain() + [("channel_partner_ids", "in", [operator.partner_id])], ["id"]], {"limit": 1})
        if found:
            return operator, found[0]["id"]
    raise ScenarioError("no operator has a conversation named %s" % visitor.name)
