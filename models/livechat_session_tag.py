from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .livechat_input import TAG_NAME_MAX_LENGTH

# Odoo's colour palette (the kanban/many2many_tags colour index, 0 = no colour)
TAG_COLORS = 12


class LivechatSessionTag(models.Model):
    """A label operators put on conversations (``/tag`` or the session form), with a colour, to find
    and count them later (Sessions History, reports by tag)."""

    _name = "livechat.session.tag"
    _description = "Live Chat Conversation Tag"
    _order = "name"

    name = fields.Char(string="Tag", required=True, translate=False)
    color = fields.Integer(string="Colour", default=lambda self: self._default_color(),
                           help="Colour index of Odoo's palette (0: none).")

    _sql_constraints = [
        ("name_unique", "unique(name)", "A tag with this name already exists."),
    ]

    @api.constrains("name")
    def _check_name(self):
        for tag in self:
            if not (tag.name or "").strip():
                raise ValidationError(_("Give the tag a name."))
            if len(tag.name) > TAG_NAME_MAX_LENGTH:
                raise ValidationError(_("The name of a tag is too long: at most %d characters.") % TAG_NAME_MAX_LENGTH)

    def _default_color(self):
        """Tags get the palette's colours in turn, so that new ones are told apart at a glance."""
        return self.sudo().search_count([]) % (TAG_COLORS - 1) + 1

    def _find_or_create(self, name):
        """The tag called ``name`` (any case), created if there is none (``/tag``)."""
        name = " ".join((name or "").split())
        tag = self.sudo().search([("name", "=ilike", name)], limit=1)
        return tag or self.sudo().create({"name": name})
