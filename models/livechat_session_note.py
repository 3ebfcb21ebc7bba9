from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .livechat_input import NOTE_MAX_LENGTH


class LivechatSessionNote(models.Model):
    """An internal note on a conversation: written by an operator (``/note`` or the visitor panel),
    read by whoever joins or takes the conversation over.

    Notes are never messages of the conversation (mail.message of its mail.channel): nothing of them
    is in the visitor's history, on his bus channel, or in his transcript.
    """

    _name = "livechat.session.note"
    _description = "Live Chat Internal Note"
    _order = "date, id"

    session_id = fields.Many2one("livechat.session", string="Session", required=True, index=True,
                                 ondelete="cascade")
    author_id = fields.Many2one("res.users", string="Author", required=True, ondelete="restrict",
                                default=lambda self: self.env.uid)
    date = fields.Datetime(string="Written", required=True, default=fields.Datetime.now)
    body = fields.Text(string="Note", required=True)

    @api.constrains("body")
    def _check_body(self):
        for note in self:
            if len(note.body or "") > NOTE_MAX_LENGTH:
                raise ValidationError(_("The note is too long: at most %d characters.") % NOTE_MAX_LENGTH)

    def _panel_info(self):
        """What the visitor panel shows of these notes."""
        return [{"author": note.author_id.name, "date": note.date, "body": note.body} for note in self]
