from odoo import fields, models


class LivechatChatbotScript(models.Model):
    """A scripted bot that can greet visitors on a channel rule."""

    _name = "livechat.chatbot.script"
    _description = "Live Chat Chatbot Script"
    _order = "title, id"
    _rec_name = "title"

    title = fields.Char(required=True, translate=True)
    bot_name = fields.Char(string="Bot Name", required=True, default="Bot", translate=True,
                           help="The name visitors see on the bot's messages.")
    active = fields.Boolean(default=True)
