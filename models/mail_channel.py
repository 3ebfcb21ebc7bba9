from odoo import api, fields, models, tools

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

    def _livechat_notifications(self, message, payload=None, sessions=None):
        """Operators' chat windows get Odoo's notification; the visitor's widget the ``message`` event
        (livechat_events) with ``payload``, built from the stored message when not given.

        In a live chat the message is formatted as superuser: what is broadcast does not depend on
        who reads it, and the author's access was checked when he posted it. ``sessions``: the
        conversation's sessions, when the caller has them.
        """
        livechat_channels = self.filtered(lambda channel: channel.channel_type == "livechat")
        if livechat_channels:
            message = message.sudo()
        notifications = super(MailChannel, self)._channel_message_notifications(message)
        if livechat_channels:
            Session = self.env["livechat.session"].sudo()
            if sessions is None:
                sessions = Session.search([("mail_channel_id", "in", livechat_channels.ids)])
            if sessions:
                event = bus_event(MESSAGE, payload if payload is not None else Session._message_payload(message))
                notifications += [[session._bus_channel(), event] for session in sessions]
        return notifications

    @api.multi
    @api.returns("self", lambda value: value.id)
    def message_post(self, body="", subject=None, message_type="notification", subtype=None, parent_id=False,
                     attachments=None, content_subtype="html", **kwargs):
        """A plain message an operator writes in a live chat from Odoo's web client (his chat window,
        Discuss) takes the lean path; anything else (attachments, recipients...) mail's. The server's
        own messages never come here: they are posted by ``livechat.session._post``."""
        if (len(self) == 1 and self.channel_type == "livechat" and not subject and not parent_id
                and not attachments and message_type in ("comment", "notification")
                and subtype in LEAN_POST_SUBTYPES and set(kwargs) <= LEAN_POST_ARGUMENTS
                and not kwargs.get("attachment_ids") and not kwargs.get("partner_ids")):
            if content_subtype == "plaintext":
                body = tools.plaintext2html(body)
            message = self._livechat_create_message(body, message_type, kwargs.get("author_id"),
                                                    kwargs.get("email_from"))
            self._livechat_notify(message)
            return message
        return super(MailChannel, self).message_post(
            body=body, subject=subject, message_type=message_type, subtype=subtype, parent_id=parent_id,
            attachments=attachments, content_subtype=content_subtype, **kwargs)

    def _livechat_create_message(self, body, message_type, author_id=None, email_from=None, date=None):
        """Store a message (``body``: HTML) in a live chat conversation, nothing more: see ``_livechat_notify``.

        mail's message_post also looks for followers to notify, inbox entries and e-mails to send,
        which a conversation has none of (its only follower is itself): about 20 queries a message.
        The message is created as the caller (mail's access rules apply), its body sanitized.
        """
        self.ensure_one()
        Message = self.env["mail.message"]
        if author_id is None:
            author_id = Message._get_default_author().id
        if email_from is None:
            email_from = Message._get_default_from()
        return Message.with_context(message_create_from_mail_mail=True).create({
            "model": self._name,
            "res_id": self.id,
            "record_name": self.name,
            "body": body,
            "date": date or fields.Datetime.now(),
            "message_type": message_type,
            "subtype_id": self.env.ref("mail.mt_comment").id,
            "author_id": author_id,
            "email_from": email_from,
            "reply_to": email_from,
            "channel_ids": [(4, self.id)],
        })

    def _livechat_notify(self, message, payload=None, sessions=None):
        """Broadcast ``message`` (mail's ``_notify``), the visitor's widget getting ``payload``."""
        self.ensure_one()
        self.env["bus.bus"].sendmany(self._livechat_notifications(message, payload=payload, sessions=sessions))
