"""Signed visitors: the host site vouches for its logged-in user with an HMAC of the channel's secret.

A site that embeds the chat knows who its user is; the widget alone does not (anything the page's
JavaScript says can be typed by anyone). So the site's server signs its user's id, name and e-mail with
the channel's secret (``signed_visitor_payload``), the page hands the signature to the widget
(``LiveChat.setVisitor``), and this server checks it when the conversation opens: a valid one shows the
name to the operator as verified and links the conversation to the visitor's earlier ones (same id, same
channel). The signature only names the visitor: the session's token stays the only key to a conversation.
"""
import hashlib
import hmac
import logging
import secrets
import time

from odoo import api, fields, models

from .livechat_input import (EMAIL_MAX_LENGTH, SIGNED_VISITOR_MAX_AGE, SIGNED_VISITOR_SKEW,
                             VISITOR_EXTERNAL_ID_MAX_LENGTH, VISITOR_NAME_MAX_LENGTH, clean_line, is_email,
                             signed_visitor_payload)

_logger = logging.getLogger(__name__)
SIGNATURE_HEX_LENGTH = 64  # an HMAC-SHA256 in hexadecimal


def new_widget_secret():
    return secrets.token_hex(32)


class LivechatChannel(models.Model):
    """The channel's secret for signed visitors, and the check of a signature."""

    _inherit = "livechat.channel"

    widget_secret = fields.Char(
        string="Visitor Signing Secret", copy=False, default=lambda self: new_widget_secret(),
        groups="livechat.group_livechat_manager",
        help="The secret your website's server signs its logged-in users with (HMAC-SHA256), so that "
             "operators see them as verified. Keep it on your server: never put it in a web page.")

    @api.model_cr
    def init(self):
        # a database that had channels before this field got one default for all of them: each its own
        self.env.cr.execute("""
            SELECT id FROM livechat_channel WHERE widget_secret IS NULL OR widget_secret IN (
                SELECT widget_secret FROM livechat_channel GROUP BY widget_secret HAVING count(*) > 1)""")
        for (channel_id,) in self.env.cr.fetchall():
            self.env.cr.execute("UPDATE livechat_channel SET widget_secret = %s WHERE id = %s",
                                (new_widget_secret(), channel_id))

    def action_regenerate_widget_secret(self):
        """A new secret (the old one leaked): signatures made with the old one are refused from now on."""
        for channel in self:
            channel.widget_secret = new_widget_secret()
        return True

    def _verified_visitor(self, identity, now=None):
        """``{"external_id", "name", "email"}`` (cleaned) when ``identity`` (what the page passed to
        ``LiveChat.setVisitor``: id, name, email, timestamp, signature) is signed with this channel's
        secret and not older than SIGNED_VISITOR_MAX_AGE; None otherwise (the visitor is anonymous)."""
        self.ensure_one()
        if not isinstance(identity, dict):
            return None
        secret = self.sudo().widget_secret
        external_id, name = identity.get("id"), identity.get("name", "")
        email, timestamp = identity.get("email", ""), identity.get("timestamp")
        signature = identity.get("signature")
        payload = signed_visitor_payload(external_id, name, email, timestamp)
        now = int(time.time()) if now is None else now
        if not secret or payload is None or not isinstance(signature, str) \
                or len(signature) != SIGNATURE_HEX_LENGTH or not external_id.strip() \
                or len(external_id) > VISITOR_EXTERNAL_ID_MAX_LENGTH \
                or (email and not is_email(email)) or len(email) > EMAIL_MAX_LENGTH:
            return None
        if not now - SIGNED_VISITOR_MAX_AGE <= timestamp <= now + SIGNED_VISITOR_SKEW:
            _logger.info("livechat channel %s: a signed visitor's signature has expired", self.id)
            return None
        expected = hmac.new(secret.encode("utf-8"), payload, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), signature.lower().encode("utf-8")):
            _logger.info("livechat channel %s: a visitor's signature does not match", self.id)
            return None
        return {"external_id": external_id.strip(), "name": clean_line(name, VISITOR_NAME_MAX_LENGTH),
                "email": email.strip()}
