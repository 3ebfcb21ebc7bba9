from odoo import models


class LivechatChannel(models.Model):
    """The direct chat page of a channel (``/livechat/support/<id>``) carries the company's brand."""

    _inherit = "livechat.channel"

    def _support_page_brand(self):
        """The company a visitor of the direct chat page sees: its name and the address of its logo.

        The channel's operators' company (the one that answers), else the main company."""
        self.ensure_one()
        company = self.sudo().user_ids[:1].company_id or self.env.ref("base.main_company")
        return {
            "company_name": company.name or "",
            "logo_url": "/logo.png?company=%d" % company.id if company.logo_web else "",
        }
