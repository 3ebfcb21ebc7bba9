"""Files in a conversation, both ways: what the visitor sends, what the widget learns of a message's
attachments, and the files served to the visitor.

A file is an ``ir.attachment`` of the conversation (``mail.channel``) linked to the message that
carries it: the operator's chat window, Discuss, the session history and the transcript show it, and
erasing the visitor's data erases it (``livechat_session_data_protection.py``). The visitor's files
are posted by ``livechat.session._post`` (the one message path), with their attachment ids; the
operator's come through Odoo's web client (his chat window's paperclip) and reach the widget with the
message, as every message does.

The widget gets, per attachment, an address with an access token of its own (an HMAC of the
attachment's id with the database secret): only what the conversation's token holder was given
opens it (and the operators, through Odoo's own ``/web/content``). A file is served inline only when
its content is a raster image (PNG, JPEG, GIF, WebP), as a download otherwise, whatever its name or
recorded type (``controllers/files.py``).
"""
import base64
import hashlib
import hmac

from odoo import _, api, models
from odoo.exceptions import UserError

from .livechat_input import (
    FILE_HEAD_BYTES, FILE_TYPE, SAFE_IMAGE_TYPES, clean_file_name, file_kind, file_max_bytes, format_size, image_kind,
)

FILE_ROUTE = "/livechat/file/%d/%s"
FILE_TOKEN_LENGTH = 32  # hexadecimal digits of the HMAC kept in an attachment's address


class LivechatSession(models.Model):
    """Files sent by the visitor, attachments shown to him."""

    _inherit = "livechat.session"

    # ------------------------------------------------------------------
    # What the widget shows of a message's attachments
    # ------------------------------------------------------------------
    @api.model
    def _file_token(self, attachment_id):
        """The access token of the attachment ``attachment_id`` in the visitor's addresses: derived
        from the database secret, stored nowhere; it dies with the attachment."""
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret", "")
        digest = hmac.new(secret.encode("utf-8"), ("livechat.file:%d" % attachment_id).encode("ascii"),
                          hashlib.sha256).hexdigest()
        return digest[:FILE_TOKEN_LENGTH]

    @api.model
    def _file_url(self, attachment_id):
        """The address (relative to the server) where the visitor's widget reads an attachment."""
        return FILE_ROUTE % (attachment_id, self._file_token(attachment_id))

    @api.model
    def _file_head(self, attachment):
        """The first bytes of an attachment's content, read without loading the whole file."""
        attachment = attachment.sudo()
        if attachment.store_fname:
            try:
                with open(attachment._full_path(attachment.store_fname), "rb") as handle:
                    return handle.read(FILE_HEAD_BYTES)
            except (IOError, OSError):
                return b""
        data = attachment.db_datas or b""
        # enough base64 for the head's bytes
        return base64.b64decode(data[:4 * ((FILE_HEAD_BYTES + 2) // 3)]) if data else b""

    @api.model
    def _attachments_payload(self, attachments):
        """What the widget shows of ``attachments`` (ir.attachment): id, name, type, size, the
        address with its access token, and whether it is an image to preview (by its content)."""
        result = []
        for attachment in (attachments or self.env["ir.attachment"]).sudo():
            kind = image_kind(self._file_head(attachment))
            mimetype = FILE_TYPE[kind][0] if kind else (attachment.mimetype or "application/octet-stream")
            result.append({
                "id": attachment.id,
                "name": attachment.datas_fname or attachment.name or "",
                "mimetype": mimetype,
                "size": attachment.file_size or 0,
                "url": self._file_url(attachment.id),
                "image": bool(kind),  # by its content: a page named .png is no image
            })
        return result

    # ------------------------------------------------------------------
    # The visitor sends a file
    # ------------------------------------------------------------------
    def _post_visitor_file(self, name, content, client_id=None):
        """The visitor sends the file ``content`` (bytes) named ``name``: checked (size, type by its
        content), stored on the conversation (started if needed) and posted as his message, through
        ``_post``. Returns the message's payload; a resend with the ``client_id`` of a stored message
        posts nothing and answers as the first post did.
        """
        self.ensure_one()
        size_limit = file_max_bytes(self.env)
        if not content:
            raise UserError(_("This file is empty."))
        if len(content) > size_limit:
            raise UserError(self._file_too_large_text())
        kind = file_kind(content, name or "")
        if not kind:
            raise UserError(self._file_type_refused_text())
        replay = self._visitor_message_replay(client_id)
        if replay:
            return replay
        self._start_conversation()
        conversation = self.sudo().mail_channel_id
        file_name = clean_file_name(name or "", kind)
        attachment = self.env["ir.attachment"].sudo().create({
            "name": file_name,
            "datas_fname": file_name,
            "datas": base64.b64encode(content),
            "mimetype": FILE_TYPE[kind][0],
            "res_model": conversation._name,
            "res_id": conversation.id,
        })
        return self._post("", kind="visitor", client_id=client_id, attachment_ids=attachment.ids)

    # ------------------------------------------------------------------
    # Serving a file to the visitor
    # ------------------------------------------------------------------
    @api.model
    def _visitor_file(self, attachment_id, token):
        """The attachment (sudo) ``attachment_id`` when ``token`` is its access token and it belongs
        to a message of a live chat conversation, else an empty recordset."""
        Attachment = self.env["ir.attachment"].sudo()
        if not isinstance(token, str) or len(token) != FILE_TOKEN_LENGTH:
            return Attachment
        if not hmac.compare_digest(token.encode("ascii", "replace"),
                                   self._file_token(attachment_id).encode("ascii")):
            return Attachment
        self.env.cr.execute("""
            SELECT 1 FROM message_attachment_rel r
              JOIN mail_message m ON m.id = r.message_id
              JOIN mail_channel c ON c.id = m.res_id
             WHERE r.attachment_id = %s AND m.model = 'mail.channel' AND c.channel_type = 'livechat'
             LIMIT 1
        """, (attachment_id,))
        if not self.env.cr.fetchone():
            return Attachment
        return Attachment.browse(attachment_id).exists()

    @api.model
    def _visitor_file_content(self, attachment):
        """``(content, mimetype, inline)`` of an attachment as the visitor gets it: its type decided
        by its content; inline only for a raster image, else a download (an SVG, an HTML page, a
        script: served as bytes to save, never shown)."""
        content = base64.b64decode(attachment.sudo().datas or b"")
        kind = file_kind(content, attachment.datas_fname or "")
        mimetype = FILE_TYPE[kind][0] if kind else "application/octet-stream"
        if kind == "text":
            mimetype = "text/plain; charset=utf-8"
        return content, mimetype, mimetype in SAFE_IMAGE_TYPES

    # ------------------------------------------------------------------
    # Words
    # ------------------------------------------------------------------
    @api.model
    def _file_too_large_text(self):
        return _("This file is too large: at most %s.") % format_size(file_max_bytes(self.env))

    @api.model
    def _file_type_refused_text(self):
        return _("This type of file cannot be sent. Send an image (PNG, JPEG, GIF, WebP), a PDF, "
                 "a text file or an office document.")

    @api.model
    def _files_widget_texts(self):
        """The words of the files in the widget (part of the widget's texts)."""
        return {
            "file_attach": _("Attach a file"),
            "file_drop": _("Drop the file here to send it"),
            "file_sending": _("Sending the file..."),
            "file_too_large": self._file_too_large_text(),
            "file_type_refused": self._file_type_refused_text(),
            "file_error": _("The file could not be sent. Please try again."),
            "file_download": _("Download"),
        }
