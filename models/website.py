from odoo import api, fields, models, tools


class Website(models.Model):
    """Each website may show the chat button of one live chat channel."""

    _inherit = "website"

    livechat_channel_id = fields.Many2one("livechat.channel", string="Live Chat Channel",
                                          ondelete="set null")

    @api.model
    @tools.ormcache("website_id")
    def _livechat_public_uid(self, website_id):
        """The user of a visitor without a web session on ``website_id``: its public user, as
        ``ir.http._auth_method_public`` of website chooses it, cached (a write on a website clears
        the cache of every model). Used by the visitor API (``models/ir_http.py``)."""
        return self.sudo().browse(website_id).user_id.id or self.env.ref("base.public_user").id
