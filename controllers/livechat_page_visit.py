"""The widget reports each page the visitor opens while his conversation is open."""
from odoo import http
from odoo.exceptions import ValidationError

from .common import PUBLIC_API, ApiError, check_rate, json_api, json_response, visitor_session


class LivechatPageVisitApi(http.Controller):

    @http.route("/livechat/api/session/page", **PUBLIC_API)
    @json_api
    def session_page(self, data):
        """The visitor opened a page (``url``): the operator sees it among the pages visited."""
        session = visitor_session(data, open_only=True)
        check_rate("page", session.id)
        try:
            recorded = session._record_page_visit(data.get("url"))
        except ValidationError as error:
            raise ApiError(400, "invalid_url", error.name)
        return json_response({"recorded": recorded})
