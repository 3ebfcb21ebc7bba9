from odoo import api, fields, models

from .livechat_events import OPERATOR


class ResUsers(models.Model):
    """Operators choose the name visitors see."""

    _inherit = "res.users"

    livechat_username = fields.Char(
        string="Online Chat Name",
        help="Name shown to website visitors in live chat conversations; your name when empty.")
    livechat_channel_ids = fields.Many2many(
        "livechat.channel", "livechat_channel_res_users_rel", "user_id", "channel_id",
        string="Live Chat Channels")

    def __init__(self, pool, cr):
        """Users may edit their own Online Chat Name from My Profile."""
        super(ResUsers, self).__init__(pool, cr)
        type(self).SELF_WRITEABLE_FIELDS = list(self.SELF_WRITEABLE_FIELDS) + ["livechat_username"]
        type(self).SELF_READABLE_FIELDS = list(self.SELF_READABLE_FIELDS) + ["livechat_username"]

    def _livechat_display_name(self):
        """The name visitors see: the Online Chat Name, else the user's name."""
        self.ensure_one()
        return self.livechat_username or self.name

    @api.multi
    def write(self, vals):
        """A new name reaches the visitors who chat with these users now: their widget's header."""
        result = super(ResUsers, self).write(vals)
        if "livechat_username" in vals or "name" in vals:
            self._livechat_announce_name()
        return result

    def _livechat_announce_name(self):
        """Send each open session of these operators their name as visitors see it (``operator`` event)."""
        sessions = self.env["livechat.session"].sudo().search([
            ("operator_id", "in", self.ids), ("state", "=", "open")])
        for session in sessions:
            session._send_event(OPERATOR, {"operator_name": session.operator_id._livechat_display_name()})
