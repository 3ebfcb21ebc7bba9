"""``mail.message``: the client id of a visitor's message, stored once per conversation.

The widget gives each message a random client id and sends it again with every resend of that
message (its answer was lost: server killed, network cut). The id is a column of the message itself,
with a partial unique index on (conversation, client id): it costs nothing more than the message's own
insert (no other row, no other statement), only visitors' messages with an id are in the index, and it
goes with the message when a conversation is erased. ``livechat.session._post_visitor_message`` looks a
resend up before posting; two requests with the same id at once meet at the index, and the second is
answered as a resend (``controllers/common.py``'s ``json_api``).
"""
from odoo import fields, models

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

    def init(self):
        if self._name != "mail.message":
            return  # the composer (mail.compose.message) inherits this model, not its table
        # named as CLIENT_ID_INDEX (a test checks it)
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS mail_message_livechat_client_id_unique "
            "ON mail_message (res_id, livechat_client_id) WHERE livechat_client_id IS NOT NULL")
