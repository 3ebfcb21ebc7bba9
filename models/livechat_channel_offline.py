from odoo import _, fields, models


class LivechatChannel(models.Model):
    """When nobody can answer, the channel may offer a short form instead of hiding its button."""

    _inherit = "livechat.channel"

    offline_form_enabled = fields.Boolean(
        string="Offline Message Form",
        help="When no operator is available and no chatbot applies, keep the chat button and show a short "
             "form (name, e-mail, message) instead; operators find the messages in Live Chat > Offline Messages.")
    offline_form_text = fields.Char(
        string="Offline Form Text", translate=True,
        default=lambda self: _("We are not online right now. Leave us a message and we will answer by e-mail."),
        help="Text shown above the offline form.")
    offline_message_ids = fields.One2many("livechat.offline.message", "channel_id", string="Offline Messages")
    offline_message_count = fields.Integer(string="Offline Messages to Answer",
                                           compute="_compute_offline_message_count")

    def _compute_offline_message_count(self):
        data = self.env["livechat.offline.message"].sudo().read_group(
            [("channel_id", "in", self.ids), ("state", "=", "new")], ["channel_id"], ["channel_id"])
        counts = {row["channel_id"][0]: row["channel_id_count"] for row in data}
        for channel in self:
            channel.offline_message_count = counts.get(channel.id, 0)

    def _offline_form_info(self):
        """What the visitor's widget needs to show the offline form, or None when the channel has none."""
        self.ensure_one()
        if not self.offline_form_enabled:
            return None
        return {
            "text": self.offline_form_text or "",
            "title": _("Leave a message"),
            "name_label": _("Your name"),
            "email_label": _("Your e-mail"),
            "message_label": _("Your message"),
            "send_label": _("Send"),
            "sent_text": _("Thank you! We received your message and will answer you by e-mail."),
        }
