"""The visitor API: init, open, post, history, leave, and the long-poll that brings operators' replies.

Every route takes a JSON object in the body (text/plain keeps a third-party page's fetch a CORS
"simple request", application/json works too) and answers JSON with a real HTTP status.
No cookie is used: the session token travels in the body.
"""
from urllib.parse import urlsplit

import odoo
from odoo import _, http
from odoo.http import request
from odoo.tools import config

from odoo.addons.bus.models.bus import dispatch

from ..models.livechat_input import CLIENT_ID_MAX_LENGTH, MESSAGE_MAX_LENGTH, URL_MAX_LENGTH, is_client_id
from ..models.livechat_plural import plural_form
from ..patches.http_dispatch import is_forwarded
from .common import (PUBLIC_API, ApiError, check_rate, deferred_json_response, int_param, json_api, json_response,
                     str_param, visitor_session)

POLL_PATH = "/longpolling/livechat/poll"


class LivechatApi(http.Controller):

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _channel(self, data):
        channel_id = int_param(data, "channel_id")
        channel = request.env["livechat.channel"]._visitor_channel(channel_id)
        if not channel:
            raise ApiError(404, "channel_not_found", _("This chat channel does not exist or is closed."))
        return channel

    def _remote_addr(self):
        return request.httprequest.remote_addr

    def _poll_url(self):
        """Where the widget long-polls: the ``livechat.longpolling_url`` parameter when set; behind
        the reverse proxy (``--proxy-mode`` and its headers), the scheme and host the visitor
        reached, since the proxy serves ``/longpolling/`` there too; else here in threaded mode and
        the long-polling port in prefork mode."""
        override = request.env["ir.config_parameter"].sudo().get_param("livechat.longpolling_url")
        if override:
            return override.rstrip("/") + POLL_PATH
        base = request.httprequest.host_url.rstrip("/")
        if is_forwarded(request.httprequest.environ):
            return base + POLL_PATH
        if odoo.multi_process and not odoo.evented and config.get("longpolling_port"):
            parts = urlsplit(base)
            host = parts.hostname or "localhost"
            if ":" in host:
                host = "[%s]" % host
            base = "%s://%s:%s" % (parts.scheme, host, config["longpolling_port"])
        return base + POLL_PATH

    @staticmethod
    def _path_of(url):
        try:
            return urlsplit(url).path or "/"
        except ValueError:
            return "/"

    # ------------------------------------------------------------------
    # routes
    # ------------------------------------------------------------------
    @http.route("/livechat/api/init", **PUBLIC_API)
    @json_api
    def init(self, data):
        """How the widget shows on a page: rule for the page and the visitor's country, texts, colours."""
        check_rate("init", self._remote_addr())
        channel = self._channel(data)
        url = str_param(data, "url", URL_MAX_LENGTH)
        country_code = request.env["livechat.geoip"]._country_code(self._remote_addr())
        result = request.env["livechat.session"]._widget_init(channel, self._path_of(url), country_code)
        result["poll_url"] = self._poll_url()
        return json_response(result)

    @http.route("/livechat/api/session/open", **PUBLIC_API)
    @json_api
    def session_open(self, data):
        """Start a conversation with an available operator, or say that nobody is available."""
        check_rate("open", self._remote_addr())
        channel = self._channel(data)
        # the visitor's name, browser id, page and user agent are cleaned and cut by the model (livechat_input);
        # ``visitor``: what the page said of him (LiveChat.setVisitor), verified when the host site signed it
        url = str_param(data, "url")
        visitor_name = str_param(data, "visitor_name").strip()
        if not visitor_name and request.session.uid and not request.env.user._is_public():
            visitor_name = request.env.user.name
        geoip = request.env["livechat.geoip"]
        country = geoip._country(self._remote_addr())
        rule = request.env["livechat.channel.rule"].match_rule(channel, self._path_of(url), country.code)
        session = request.env["livechat.session"]._open_for_visitor(
            channel, page_url=url, visitor_name=visitor_name,
            visitor_uid=str_param(data, "visitor_uid"), identity=data.get("visitor"),
            country=country, user_agent=request.httprequest.user_agent.string or "", rule=rule)
        if not session:
            return json_response({
                "available": False,
                "message": _("Sorry, no one is available to chat right now. Please try again later."),
            })
        result = session._visitor_info()
        # a chatbot may already have spoken: the widget shows what it said
        result.update(available=True, messages=session._history(), cursor=session._bus_cursor(just_opened=True))
        return json_response(result)

    @http.route("/livechat/api/session/post", **PUBLIC_API)
    @json_api
    def session_post(self, data):
        """The visitor writes: plain text, at most MESSAGE_MAX_LENGTH characters, with the message's
        client id (a resend of a stored message is answered as its first post was, nothing is posted)."""
        session = visitor_session(data, open_only=True)
        body = str_param(data, "body")  # text, or a 400 that says so
        if not body.strip():
            raise ApiError(400, "empty_message", _("Write a message before sending it."))
        body = body.strip()
        if len(body) > MESSAGE_MAX_LENGTH:
            raise ApiError(413, "message_too_long", plural_form(
                _("Your message is too long: %(length)d characters, at most %(max)d. Please shorten it."),
                len(body), request.env.lang) % {"length": len(body), "max": MESSAGE_MAX_LENGTH})
        # optional (older widgets send none): a resend with the id of a stored message gets its answer again
        client_id = data.get("client_id")
        if client_id is not None and not is_client_id(client_id):
            raise ApiError(400, "invalid_client_id", _(
                "The parameter client_id must be a token of at most %d letters, digits, '-' or '_'.")
                % CLIENT_ID_MAX_LENGTH)
        check_rate("post", session.id, post_ip=self._remote_addr())
        # the same payload as the ``message`` event on the bus: the widget shows the message once, by id
        return json_response({"message": session._post_visitor_message(body, client_id=client_id)})

    @http.route("/livechat/api/session/history", **PUBLIC_API)
    @json_api
    def session_history(self, data):
        """The conversation so far (or after ``after_id``), with the bus cursor to poll from."""
        session = visitor_session(data)
        check_rate("history", session.id)
        after_id = int_param(data, "after_id", required=False) or 0
        cursor = session._bus_cursor()
        result = session._visitor_info()
        result.update(messages=session._history(after_id=after_id), cursor=cursor,
                      seen=session._operator_seen_id())
        return json_response(result)

    @http.route("/livechat/api/session/leave", **PUBLIC_API)
    @json_api
    def session_leave(self, data):
        """The visitor closes the chat: the session ends and the operator is told."""
        session = visitor_session(data)
        check_rate("leave", session.id)
        session._end("visitor")
        return json_response({"state": "closed"})

    @http.route(POLL_PATH, **PUBLIC_API)
    @json_api
    def poll(self, data):
        """Wait (up to ~50 s) for events of the visitor's session on Odoo's bus. ``seen``: the last
        message the widget showed since its previous poll (see ``session_seen``)."""
        # per address before the token lookup; per session after it (an unknown token counts nothing)
        check_rate("poll_ip", self._remote_addr())
        session = visitor_session(data)
        check_rate("poll", session.id)
        if session.state == "waiting":
            session._queue_seen()  # still in line: a visitor who closed his page leaves it
        last = int_param(data, "last", required=False) or 0
        seen = int_param(data, "seen", required=False)
        if seen:
            # what the widget showed since its last poll, told on the way (``session/seen`` otherwise)
            session._visitor_seen(seen)
        channel = session._bus_channel()
        if request.registry.in_test_mode():
            # the test cursor is shared by the test and the server: answer at once
            return json_response(self._poll_answer(request.env["bus.bus"].sudo().poll([channel], last), last))
        if not dispatch:
            raise ApiError(503, "longpolling_unavailable", _(
                "Live updates are served on the long-polling port of this server."))
        dbname = request.db
        if odoo.evented:
            # the gevent long-polling process: the wait happens once Odoo's request has ended, while
            # the answer's body is written; a parked long-poll then holds only its connection (see
            # ``deferred_json_response``)
            return deferred_json_response(
                lambda: self._poll_answer(dispatch.poll(dbname, [channel], last, {}), last))
        # the threaded server: a thread per request anyway, the answer keeps its Content-Length
        request.cr.commit()  # what was seen
        request.cr.close()
        request._cr = None
        return json_response(self._poll_answer(dispatch.poll(dbname, [channel], last, {}), last))

    @staticmethod
    def _poll_answer(notifications, last):
        """The long-poll's answer: the events of ``notifications`` and the cursor to poll from next."""
        cursor = max([last] + [notification["id"] for notification in notifications])
        return {"cursor": cursor, "events": [notification["message"] for notification in notifications]}
