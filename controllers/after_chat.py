"""After the chat and instead of it: the visitor's rating, the transcript by e-mail, the offline message."""
from odoo import _, http
from odoo.http import request

from .common import PUBLIC_API, ApiError, check_rate, int_param, json_api, json_response, str_param, visitor_session

# What the visitor sends is capped and checked once, by the models (models/livechat_input.py): a comment
# is cut, an e-mail address or an offline message over its cap is refused with a readable message.


class LivechatAfterChat(http.Controller):

    @http.route("/livechat/api/session/rate", **PUBLIC_API)
    @json_api
    def session_rate(self, data):
        """The visitor rates the conversation: happy, neutral or unhappy, with an optional comment."""
        session = visitor_session(data)
        check_rate("rate", session.id)
        rating = str_param(data, "rating", 16, required=True)
        comment = str_param(data, "comment")
        session._rate(rating, comment)
        return json_response({"rating": session.rating, "message": _("Thank you for your feedback!")})

    @http.route("/livechat/api/session/transcript", **PUBLIC_API)
    @json_api
    def session_transcript(self, data):
        """E-mail the conversation to the address the visitor gives (queued in Odoo's mail queue)."""
        session = visitor_session(data)
        email = str_param(data, "email", required=True)
        email = session._check_transcript_email(email)
        # the address is the visitor's own choice: one address cannot make the server send many e-mails
        check_rate("transcript", session.id, transcript_ip=request.httprequest.remote_addr)
        # the time zone is one of pytz's names, or UTC
        session._send_transcript(email, tz=str_param(data, "tz") or None)
        return json_response({"email": email, "message": _("The conversation will be sent to %s.") % email})

    @http.route("/livechat/api/offline/send", **PUBLIC_API)
    @json_api
    def offline_send(self, data):
        """Nobody is available: the visitor leaves a message for the operators (name, e-mail, message)."""
        channel_id = int_param(data, "channel_id")
        channel = request.env["livechat.channel"].sudo().browse(channel_id).exists()
        if not channel or not channel.active or not channel.offline_form_enabled:
            raise ApiError(404, "channel_not_found", _("This chat channel does not take messages."))
        remote_addr = request.httprequest.remote_addr
        check_rate("offline", remote_addr)
        request.env["livechat.offline.message"]._create_from_visitor(
            channel,
            name=str_param(data, "name"),
            email=str_param(data, "email"),
            message=str_param(data, "message"),
            page_url=str_param(data, "url"),
            country=request.env["livechat.geoip"]._country(remote_addr),
            visitor_uid=str_param(data, "visitor_uid"),
        )
        return json_response({"message": _("Thank you! We received your message and will answer you by e-mail.")})
