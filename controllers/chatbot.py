"""The chatbot's routes: the visitor clicks an answer; the bot's picture."""
import base64

from odoo import _, http
from odoo.http import Response, request

from .common import PUBLIC_API, ApiError, check_rate, int_param, json_api, json_response, visitor_session

AVATAR_MAX_AGE = "public, max-age=3600"
IMAGE_TYPES = (
    (b"\x89PNG", "image/png"),
    (b"\xff\xd8", "image/jpeg"),
    (b"GIF8", "image/gif"),
)


def image_mimetype(content):
    for magic, mimetype in IMAGE_TYPES:
        if content.startswith(magic):
            return mimetype
    return "application/octet-stream"


class LivechatChatbot(http.Controller):

    @http.route("/livechat/api/chatbot/answer", **PUBLIC_API)
    @json_api
    def answer(self, data):
        """The visitor clicked one of the answers of the bot's question."""
        session = visitor_session(data, open_only=True)
        answer = request.env["livechat.chatbot.answer"].sudo().browse(int_param(data, "answer_id")).exists()
        if not answer:
            raise ApiError(400, "invalid_answer", _("This answer does not exist any more."))
        # a click posts the answer as the visitor's message: the limits of posting apply
        check_rate("post", session.id, post_ip=request.httprequest.remote_addr)
        session._chatbot_select_answer(answer)
        return json_response({"chatbot": session._chatbot_info()})

    @http.route("/livechat/chatbot/<int:script_id>/avatar", type="http", auth="public", cors="*",
                methods=["GET"])
    def avatar(self, script_id):
        """The bot's picture, for the visitor's widget on any website."""
        request.session.modified = False
        script = request.env["livechat.chatbot.script"].sudo().with_context(active_test=False).browse(
            script_id).exists()
        image = script.operator_partner_id.image_small if script else None
        if not image:
            image = request.env["livechat.chatbot.script"]._default_avatar()
        content = base64.b64decode(image)
        headers = [("Content-Type", image_mimetype(content)), ("Cache-Control", AVATAR_MAX_AGE),
                   ("X-Content-Type-Options", "nosniff")]
        return Response(content, headers=headers)
