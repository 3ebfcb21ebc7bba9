"""Files both ways: the visitor sends a file (``/livechat/api/session/upload``), and his widget reads
the files of the conversation (``/livechat/file/<id>/<access token>``).

The upload is one POST whose body is one line of JSON (``{"token", "name", "client_id"}``, the
session token in the body as in every route of the visitor API, never in an address) followed by the
file's bytes: no form to parse, so nothing is read before the route has checked the size (from the
Content-Length), the token and the rate; the widget sends it with XMLHttpRequest for its progress.
"""
from urllib.parse import quote

from odoo import _, http
from odoo.http import request

from ..models.livechat_input import CLIENT_ID_MAX_LENGTH, FILE_NAME_MAX_LENGTH, file_kind, is_client_id
from .common import (
    PUBLIC_API, ApiError, CookielessResponse, check_rate, drain_body, error_response, json_response,
    read_upload_file, str_param, upload_api, visitor_session,
)

# a file is read by the visitor's browser only: his own cache, for a day
FILE_CACHE_CONTROL = "private, max-age=86400"
# a file opened on its own is a document that may run nothing, load nothing
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def content_disposition(disposition, name):
    """``inline`` or ``attachment`` with the file's name, in ASCII and in UTF-8 (RFC 6266)."""
    fallback = "".join(char if 32 <= ord(char) < 127 and char not in '"\\;' else "_" for char in name)
    return "%s; filename=\"%s\"; filename*=UTF-8''%s" % (disposition, fallback, quote(name, safe=""))


class LivechatFiles(http.Controller):

    @http.route("/livechat/api/session/upload", **PUBLIC_API)
    @upload_api
    def session_upload(self, data):
        """The visitor sends a file (image, PDF, text, office document): stored on the conversation and
        posted as his message; answers the message's payload, as ``…/post`` does. 413 too large (from
        the Content-Length, before the file is read), 415 a type refused (by its content, whatever its
        name)."""
        try:
            session = visitor_session(data, open_only=True)
            client_id = data.get("client_id")
            if client_id is not None and not is_client_id(client_id):
                raise ApiError(400, "invalid_client_id", _(
                    "The parameter client_id must be a token of at most %d letters, digits, '-' or '_'.")
                    % CLIENT_ID_MAX_LENGTH)
            check_rate("upload", session.id, post_ip=request.httprequest.remote_addr)
            name = str_param(data, "name", FILE_NAME_MAX_LENGTH * 4)
        except ApiError:
            # refused before the file was read (unknown token, ended conversation, too fast): the file
            # is read and dropped, so that the browser still sending it reads this answer
            drain_body()
            raise
        content = read_upload_file()
        if not content:
            raise ApiError(400, "file_empty", _("This file is empty."))
        if not file_kind(content, name):
            raise ApiError(415, "file_type_refused", request.env["livechat.session"]._file_type_refused_text())
        return json_response({"message": session._post_visitor_file(name, content, client_id=client_id)})

    @http.route("/livechat/file/<int:attachment_id>/<string:token>", type="http", auth="public", csrf=False,
                cors="*", methods=["GET"])
    def visitor_file(self, attachment_id, token, download=None, **_query):
        """A file of a conversation, for the visitor's widget: only with the attachment's access
        token (``livechat.session._file_token``, given with the message). A raster image is shown
        inline (unless ``?download=1``); anything else (a PDF, an SVG, an HTML page...) is a download.
        Never sniffed (``nosniff``), never able to run anything (a sandboxing CSP)."""
        request.session.modified = False
        headers = [("X-Content-Type-Options", "nosniff")]
        try:
            check_rate("file", request.httprequest.remote_addr)
        except ApiError as error:
            return error_response(error.status, error.code, error.message, headers + error.headers)
        Session = request.env["livechat.session"].sudo()
        attachment = Session._visitor_file(attachment_id, token)
        if not attachment:
            return error_response(404, "file_not_found", _("This file does not exist or was deleted."), headers)
        content, mimetype, inline = Session._visitor_file_content(attachment)
        name = attachment.datas_fname or attachment.name or "file"
        disposition = "inline" if inline and not download else "attachment"
        headers += [
            ("Content-Type", mimetype),
            ("Content-Disposition", content_disposition(disposition, name)),
            ("Content-Security-Policy", FILE_CSP),
            ("Cache-Control", FILE_CACHE_CONTROL),
            ("Cross-Origin-Resource-Policy", "cross-origin"),
            ("Referrer-Policy", "no-referrer"),
        ]
        return CookielessResponse(content, headers=headers)
