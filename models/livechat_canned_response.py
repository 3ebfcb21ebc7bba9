import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

SHORTCUT_PATTERN = re.compile(r"^[^\s:]{1,40}$")
SUGGESTION_LIMIT = 8


class LivechatCannedResponse(models.Model):
    """A saved answer: operators type ``:shortcut`` in a conversation and pick it to insert the text."""

    _name = "livechat.canned.response"
    _description = "Live Chat Canned Response"
    _order = "shortcut, id"
    _rec_name = "shortcut"

    shortcut = fields.Char(
        required=True, index=True,
        help="Word typed after a colon in a conversation, e.g. hello for :hello. No spaces.")
    answer = fields.Text(required=True, translate=True, help="The text inserted in the message.")
    description = fields.Char(help="What the answer is for, shown to operators when they pick it.")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("shortcut_unique", "unique(shortcut)", "Another canned response already uses this shortcut."),
    ]

    @api.constrains("shortcut")
    def _check_shortcut(self):
        for response in self:
            if not SHORTCUT_PATTERN.match(response.shortcut or ""):
                raise ValidationError(_(
                    'The shortcut "%s" must be one word of at most 40 characters, '
                    'without spaces or colons (for example: hello).') % response.shortcut)

    @api.model
    def create(self, vals):
        if vals.get("shortcut"):
            vals["shortcut"] = vals["shortcut"].strip().lstrip(":")
        return super(LivechatCannedResponse, self).create(vals)

    def write(self, vals):
        if vals.get("shortcut"):
            vals["shortcut"] = vals["shortcut"].strip().lstrip(":")
        return super(LivechatCannedResponse, self).write(vals)

    @api.model
    def get_suggestions(self, search="", limit=SUGGESTION_LIMIT):
        """Canned responses for the composer's ``:`` list: shortcuts starting with ``search`` first."""
        if not self.env.user.has_group("livechat.group_livechat_user"):
            return []
        search = (search or "").strip() if isinstance(search, str) else ""
        limit = min(int(limit or SUGGESTION_LIMIT), 50)
        pattern = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        responses = self.search([("shortcut", "=ilike", pattern + "%")], limit=limit)
        if search and len(responses) < limit:
            responses |= self.search([("shortcut", "=ilike", "%" + pattern + "%"), ("id", "not in", responses.ids)],
                                     limit=limit - len(responses))
        return [{
            "id": "livechat_canned_%d" % response.id,
            "source": response.shortcut,
            "substitution": response.answer,
            "description": response.description or "",
        } for response in responses]
