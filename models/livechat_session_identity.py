"""Who the visitor is, as the host page says (``LiveChat.setVisitor``): a name and an e-mail the visitor
could have typed himself, or, signed by the host site's server (livechat_channel_signature.py), a
verified identity that links the conversation to the visitor's earlier ones on the channel."""
from odoo import _, api, fields, models

from .livechat_input import EMAIL_MAX_LENGTH, VISITOR_NAME_MAX_LENGTH, clean_line, is_email


class LivechatSession(models.Model):
    """The visitor's e-mail, the host site's id for him and whether the site signed them."""

    _inherit = "livechat.session"

    visitor_email = fields.Char(string="Visitor E-mail", help="As the website said (verified when signed).")
    visitor_external_id = fields.Char(
        string="Visitor Id on the Website", index=True, copy=False,
        help="The website's id for its logged-in user, signed by the website: his conversations on this "
             "channel are linked.")
    visitor_verified = fields.Boolean(
        string="Verified Visitor", copy=False,
        help="The website signed the visitor's name and e-mail with the channel's secret: he is logged in "
             "there under this name.")
    visitor_earlier_session_ids = fields.Many2many(
        "livechat.session", string="Earlier Conversations", compute="_compute_visitor_earlier_session_ids",
        help="The verified visitor's earlier conversations on this channel.")

    def _compute_visitor_earlier_session_ids(self):
        for session in self:
            earlier = self.browse()
            if session.visitor_verified and session.visitor_external_id:
                earlier = self.search([
                    ("channel_id", "=", session.channel_id.id),
                    ("visitor_external_id", "=", session.visitor_external_id),
                    ("visitor_verified", "=", True), ("id", "<", session.id)])
            session.visitor_earlier_session_ids = earlier

    @api.model
    def _visitor_identity(self, channel, identity):
        """The session values of what the page said of the visitor (``identity``: id, name, email,
        timestamp, signature). Signed (an id or a signature), it is verified or ignored whole: a forged or
        expired signature leaves an anonymous visitor. Unsigned, the name and a valid e-mail are taken as
        the visitor's own words. Empty when there is nothing to take."""
        if not isinstance(identity, dict):
            return {}
        if identity.get("id") or identity.get("signature"):
            verified = channel._verified_visitor(identity)
            if not verified:
                return {}
            return {"visitor_name": verified["name"] or None, "visitor_email": verified["email"] or False,
                    "visitor_external_id": verified["external_id"], "visitor_verified": True}
        values = {}
        name = clean_line(identity.get("name"), VISITOR_NAME_MAX_LENGTH)
        email = clean_line(identity.get("email"), EMAIL_MAX_LENGTH)
        if name:
            values["visitor_name"] = name
        if is_email(email):
            values["visitor_email"] = email
        return values

    @api.model
    def _conversation_title(self, name, verified=False):
        """The conversation's name in the operator's chat window and in Discuss: says when the website
        vouched for the visitor."""
        return _("%s (verified)") % name if verified else name
