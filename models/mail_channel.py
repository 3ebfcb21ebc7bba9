from odoo import api, fields, models, modules, tools

from .livechat_events import MESSAGE, bus_event

# message_post arguments the lean live chat post handles; any other goes through mail's message_post
LEAN_POST_ARGUMENTS = {"author_id", "email_from", "attachment_ids", "partner_ids"}
LEAN_POST_SUBTYPES = (None, False, "mail.mt_comment", "mt_comment")


class MailChannel(models.Model):
    """Live chat conversations are mail.channel records of type 'livechat'."""

    _inherit = "mail.channel"

    channel_type = fields.Selection(selection_add=[("livechat", "Live Chat Conversation")])
    livechat_session_ids = fields.One2many("livechat.session", "mail_channel_id", string="Live Chat Session")

    def _channel_message_notifications(self, message):
        """Every message of a live chat, however it was posted, also reaches the visitor's widget."""
        return self._livechat_notifications(message)

    def _livechat_notifications(self, message, payload=None, sessions=None, values=None):
        """Operators' chat windows get Odoo's notification; the visitor's widget the ``message`` event
        (livechat_events) with ``payload``, built from the stored message when not given.

        In a live chat the message is formatted as superuser: what is broadcast does not depend on
        who reads it, and the author's access was checked when he posted it. ``values``: those the
        message was just created from (``_livechat_message_values``), when the caller has them: Odoo's
        notification is then built from them, without reading the message back (``message_format``,
        about half the cost of a post). ``sessions``: the conversation's sessions, when the caller has them.
        """
        livechat_channels = self.filtered(lambda channel: channel.channel_type == "livechat")
        if livechat_channels:
            message = message.sudo()
        if values is not None and livechat_channels == self:
            formatted = self._livechat_message_format(message.id, values)
            notifications = []
            for channel in self:
                notifications.append([(self._cr.dbname, "mail.channel", channel.id), dict(formatted)])
                if channel.public == "public":
                    notifications.append([channel.uuid, dict(formatted)])
        else:
            notifications = super(MailChannel, self)._channel_message_notifications(message)
        subtype_id = values["subtype_id"] if values is not None else message.subtype_id.id
        if livechat_channels and subtype_id != self._livechat_note_subtype_id():
            # an operators' note (however posted) never reaches the visitor
            Session = self.env["livechat.session"].sudo()
            if sessions is None:
                sessions = Session.search([("mail_channel_id", "in", livechat_channels.ids)])
            if sessions:
                event = bus_event(MESSAGE, payload if payload is not None else Session._message_payload(message))
                notifications += [[session._bus_channel(), event] for session in sessions]
        return notifications

    @api.model
    @tools.ormcache("self.env.lang")
    def _livechat_comment_subtype(self):
        """(id, name, internal, description) of mail's "Discussions" subtype, in the language of the context."""
        subtype = self.env.ref("mail.mt_comment").sudo()
        return subtype.id, subtype.display_name, subtype.internal, subtype.description

    @api.model
    @tools.ormcache()
    def _livechat_note_subtype_id(self):
        """The id of mail's internal subtype "Note": operators' notes in a conversation (never the visitor's)."""
        return self.env.ref("mail.mt_note").id

    @api.model
    def _livechat_message_format(self, message_id, values):
        """What mail's ``message_format`` gives for a message just created from ``values``
        (``_livechat_message_values``, with the ``attachment_ids`` of the visitor's files when it has
        some): no recipient, tracking, star nor notification yet. The test suite checks that both agree."""
        subtype_id, subtype_name, internal, description = self._livechat_comment_subtype()
        author = self.env["res.partner"].sudo().browse(values["author_id"] or [])
        return {
            "id": message_id,
            "body": values["body"],
            "date": values["date"],
            "author_id": ((author.id, self.env["mail.message"]._livechat_author_names(author.ids).get(author.id)
                           or author.name_get()[0][1]) if author else (0, values["email_from"])),
            "email_from": values["email_from"],
            "message_type": values["message_type"],
            "subtype_id": (subtype_id, subtype_name),
            "subject": False,
            "model": values["model"],
            "res_id": values["res_id"],
            "record_name": values["record_name"],
            "channel_ids": [values["res_id"]],
            "partner_ids": [],
            "starred_partner_ids": [],
            "needaction_partner_ids": [],
            # mail's expression for a message without e-mail notifications
            "customer_email_status": "sent",
            "customer_email_data": [],
            "attachment_ids": self._livechat_attachments_format(values.get("attachment_ids")),
            "tracking_value_ids": [],
            "is_note": internal,
            "subtype_description": description,
            "module_icon": modules.module.get_module_icon(self.env[values["model"]]._original_module),
        }

    @api.model
    def _livechat_attachments_format(self, commands):
        """The ``attachment_ids`` of mail's ``message_format`` for a message created with the
        commands ``commands`` (``[(6, 0, ids)]``, or none)."""
        ids = [attachment_id for command in commands or () if command[0] == 6 for attachment_id in command[2]]
        if not ids:
            return []
        attachments = self.env["ir.attachment"].sudo().browse(ids).read(["id", "datas_fname", "name", "mimetype"])
        by_id = {attachment["id"]: attachment for attachment in attachments}
        return [{"id": attachment_id, "filename": by_id[attachment_id]["datas_fname"],
                 "name": by_id[attachment_id]["name"], "mimetype": by_id[attachment_id]["mimetype"]}
                for attachment_id in sorted(ids, reverse=True) if attachment_id in by_id]  # attachments' order

    @api.multi
    @api.returns("self", lambda value: value.id)
    def message_post(self, body="", subject=None, message_type="notification", subtype=None, parent_id=False,
                     attachments=None, content_subtype="html", **kwargs):
        """A plain message an operator writes in a live chat from Odoo's web client (his chat window,
        Discuss) takes the lean path; anything else (attachments, recipients...) mail's. The server's
        own messages never come here: they are posted by ``livechat.session._post``.

        A message that starts with ``/word`` is a command, never a message to the visitor, even when
        the operator typed it fast and sent it without picking it in the suggestion list (Odoo's web
        client then posts it as text): it is run, or answered to him alone when unknown
        (``_livechat_typed_command``, mail_channel_discuss.py). Nothing is stored then."""
        if (len(self) == 1 and self.channel_type == "livechat" and message_type == "comment"
                and self._livechat_typed_command(body, content_subtype, message_type=message_type, subtype=subtype,
                                                 **kwargs)):
            return self.env["mail.message"]
        if (len(self) == 1 and self.channel_type == "livechat" and not subject and not parent_id
                and not attachments and message_type in ("comment", "notification")
                and subtype in LEAN_POST_SUBTYPES and set(kwargs) <= LEAN_POST_ARGUMENTS
                and not kwargs.get("attachment_ids") and not kwargs.get("partner_ids")):
            if content_subtype == "plaintext":
                body = tools.plaintext2html(body)
            values = self._livechat_message_values(body, message_type, kwargs.get("author_id"),
                                                   kwargs.get("email_from"))
            message = self._livechat_create_message(values)
            self._livechat_notify(message, values=values)
            return message
        return super(MailChannel, self).message_post(
            body=body, subject=subject, message_type=message_type, subtype=subtype, parent_id=parent_id,
            attachments=attachments, content_subtype=content_subtype, **kwargs)

    def _livechat_message_values(self, body, message_type, author_id=None, email_from=None, date=None):
        """The values of a message (``body``: HTML, sanitized here as mail.message stores it) in this
        conversation: see ``_livechat_create_message``. The author and the sender default to the user's."""
        self.ensure_one()
        Message = self.env["mail.message"]
        if author_id is None:
            author_id = Message._get_default_author().id
        if email_from is None:
            email_from = Message._get_default_from()
        return {
            "model": self._name,
            "res_id": self.id,
            "record_name": self.name,
            "body": Message._fields["body"].convert_to_cache(body, Message),
            "date": date or fields.Datetime.now(),
            "message_type": message_type,
            "subtype_id": self._livechat_comment_subtype()[0],
            "author_id": author_id or False,
            "email_from": email_from,
            "reply_to": email_from,
            "channel_ids": [(4, self.id)],
        }

    def _livechat_create_message(self, values):
        """Store a message in a live chat conversation (``values``: ``_livechat_message_values``), nothing
        more: see ``_livechat_notify``.

        mail's message_post also looks for followers to notify, inbox entries and e-mails to send,
        which a conversation has none of (its only follower is itself): about 20 queries a message.
        The message is created as the caller (mail's access rules apply).
        """
        self.ensure_one()
        return self.env["mail.message"].with_context(message_create_from_mail_mail=True).create(dict(values))

    def _livechat_notify(self, message, payload=None, sessions=None, values=None):
        """Broadcast ``message`` (mail's ``_notify``), the visitor's widget getting ``payload``."""
        self.ensure_one()
        self.env["bus.bus"].sendmany(self._livechat_notifications(message, payload=payload, sessions=sessions,
                                                                  values=values))
