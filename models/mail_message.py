"""``mail.message``: the client id of a visitor's message, stored once per conversation.

The widget gives each message a random client id and sends it again with every resend of that
message (its answer was lost: server killed, network cut). The id is a column of the message itself,
with a partial unique index on (conversation, client id): it costs nothing more than the message's own
insert (no other row, no other statement), only visitors' messages with an id are in the index, and it
goes with the message when a conversation is erased. ``livechat.session._post_visitor_message`` looks a
resend up before posting; two requests with the same id at once meet at the index, and the second is
answered as a resend (``controllers/common.py``'s ``json_api``).
"""
from odoo import api, fields, models

# the unique index: one message per client id in a conversation (only live chat visitors' messages
# have one, and a session has one conversation: once per session)
CLIENT_ID_INDEX = "mail_message_livechat_client_id_unique"


class MailMessage(models.Model):
    """The client id of a live chat visitor's message."""

    _inherit = "mail.message"

    livechat_client_id = fields.Char(
        string="Live Chat Client Id", readonly=True, copy=False, groups="base.group_system",
        help="The id the visitor's widget gave this message: a resend of it gets the first answer "
             "instead of storing the message twice.")

    livechat_welcome = fields.Boolean(
        string="Live Chat Welcome", readonly=True, copy=False,
        help="The channel's welcome message, stored in the operator's name when the conversation started "
             "(it is not his answer).")

    @api.multi
    def message_format(self):
        """In a live chat the operators' messages are signed with their Online Chat Name, in Discuss and
        chat windows as in the visitor's widget and the transcript: both sides read the same name."""
        formatted = super(MailMessage, self).message_format()
        channel_ids = {values["res_id"] for values in formatted if values.get("model") == "mail.channel"}
        if not channel_ids:
            return formatted
        livechats = set(self.env["mail.channel"].sudo().search(
            [("id", "in", list(channel_ids)), ("channel_type", "=", "livechat")]).ids)
        in_livechat = [values for values in formatted
                       if values.get("model") == "mail.channel" and values.get("res_id") in livechats
                       and values.get("author_id") and values["author_id"][0]]
        names = self._livechat_author_names({values["author_id"][0] for values in in_livechat})
        for values in in_livechat:
            partner_id = values["author_id"][0]
            if partner_id in names:
                values["author_id"] = (partner_id, names[partner_id])
        return formatted

    @api.model
    def _livechat_author_names(self, partner_ids):
        """{partner id: the name a live chat shows} for those of ``partner_ids`` who are users (operators:
        their Online Chat Name, else their name); other partners (a chatbot) keep theirs."""
        if not partner_ids:
            return {}
        users = self.env["res.users"].sudo().with_context(active_test=False).search(
            [("partner_id", "in", list(partner_ids))])
        return {user.partner_id.id: user._livechat_display_name() for user in users}

    def init(self):
        if self._name != "mail.message":
            return  # the composer (mail.compose.message) inherits this model, not its table
        # named as CLIENT_ID_INDEX (a test checks it)
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS mail_message_livechat_client_id_unique "
            "ON mail_message (res_id, livechat_client_id) WHERE livechat_client_id IS NOT NULL")
