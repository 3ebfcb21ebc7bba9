"""The widget says the visitor is typing, and what he has seen: events for his operators, never messages."""
from odoo import _, http

from .common import PUBLIC_API, ApiError, check_rate, int_param, json_api, json_response, visitor_session


class LivechatTypingApi(http.Controller):

    @http.route("/livechat/api/session/typing", **PUBLIC_API)
    @json_api
    def session_typing(self, data):
        """The visitor is writing (``typing``: true) or stopped: his operators see it. Never stored."""
        session = visitor_session(data, open_only=True)
        typing = data.get("typing", True)
        if not isinstance(typing, bool):
            raise ApiError(400, "invalid_typing", _("The parameter typing must be true or false."))
        check_rate("typing", session.id)
        return json_response({"sent": session._visitor_typing(typing)})

    @http.route("/livechat/api/session/seen", **PUBLIC_API)
    @json_api
    def session_seen(self, data):
        """The visitor's window showed the conversation up to ``message_id``: his operators see "Seen"."""
        session = visitor_session(data)
        message_id = int_param(data, "message_id")
        check_rate("seen", session.id)
        return json_response({"seen": session._visitor_seen(message_id)})
