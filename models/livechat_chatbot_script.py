import base64
import hashlib
import hmac

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.modules.module import get_module_resource


class LivechatChatbotScript(models.Model):
    """A scripted bot that greets visitors on a channel rule and asks them questions."""

    _name = "livechat.chatbot.script"
    _description = "Live Chat Chatbot Script"
    _order = "title, id"
    _rec_name = "title"

    title = fields.Char(required=True, translate=True)
    bot_name = fields.Char(string="Bot Name", required=True, default="Bot", translate=True,
                           help="The name visitors see on the bot's messages.")
    active = fields.Boolean(default=True)
    operator_partner_id = fields.Many2one(
        "res.partner", string="Bot Contact", required=True, ondelete="restrict", copy=False,
        help="The contact the bot's messages are written by, in the conversations operators see.")
    image = fields.Binary(
        string="Avatar", compute="_compute_image", inverse="_inverse_image",
        help="The bot's picture, shown to visitors next to its messages.")
    image_small = fields.Binary(string="Small Avatar", compute="_compute_image")
    step_ids = fields.One2many("livechat.chatbot.step", "script_id", string="Steps", copy=False)
    step_count = fields.Integer(string="Number of Steps", compute="_compute_step_count")
    rule_ids = fields.One2many("livechat.channel.rule", "chatbot_script_id", string="Channel Rules")
    session_ids = fields.One2many("livechat.session", "chatbot_script_id", string="Sessions")
    session_count = fields.Integer(string="Number of Sessions", compute="_compute_session_count")

    @api.depends("operator_partner_id.image")
    def _compute_image(self):
        for script in self:
            partner = script.operator_partner_id.sudo()
            script.image = partner.image
            script.image_small = partner.image_small

    def _inverse_image(self):
        """The avatar lives on the bot's contact (written as superuser: managers need no contact rights)."""
        for script in self:
            if script.operator_partner_id:
                script.operator_partner_id.sudo().image = script.image or self._default_avatar()

    @api.depends("step_ids")
    def _compute_step_count(self):
        for script in self:
            script.step_count = len(script.step_ids)

    def _compute_session_count(self):
        data = self.env["livechat.session"].sudo().read_group(
            [("chatbot_script_id", "in", self.ids)], ["chatbot_script_id"], ["chatbot_script_id"])
        counts = {row["chatbot_script_id"][0]: row["chatbot_script_id_count"] for row in data}
        for script in self:
            script.session_count = counts.get(script.id, 0)

    @api.model
    def _default_avatar(self):
        path = get_module_resource("livechat", "static", "src", "img", "chatbot_avatar.png")
        with tools.file_open(path, "rb") as image_file:
            return base64.b64encode(image_file.read())

    @api.model
    def create(self, vals):
        """Each script talks as its own contact, named after the bot."""
        vals = dict(vals)
        if not vals.get("operator_partner_id"):
            partner = self.env["res.partner"].sudo().create({
                "name": vals.get("bot_name") or _("Bot"),
                "image": vals.pop("image", False) or self._default_avatar(),
                "active": False,
                "customer": False,
            })
            vals["operator_partner_id"] = partner.id
        script = super(LivechatChatbotScript, self).create(vals)
        self.clear_caches()
        return script

    def unlink(self):
        partners = self.sudo().mapped("operator_partner_id")
        result = super(LivechatChatbotScript, self).unlink()
        self.clear_caches()
        partners.filtered(lambda partner: not self.env["mail.message"].sudo().search_count(
            [("author_id", "=", partner.id)])).unlink()
        return result

    def write(self, vals):
        result = super(LivechatChatbotScript, self).write(vals)
        self.clear_caches()  # the widget's answer names the bot (livechat.session._widget_init)
        if "bot_name" in vals:
            for script in self:
                script.operator_partner_id.sudo().name = script.bot_name
        return result

    def copy(self, default=None):
        """A copy brings its own steps and answers, with jumps and conditions pointing inside the copy."""
        self.ensure_one()
        default = dict(default or {}, title=_("%s (copy)") % self.title)
        if "image" not in default:
            default["image"] = self.image
        new_script = super(LivechatChatbotScript, self).copy(default)
        step_map, answer_map = {}, {}
        for step in self.step_ids:
            # jumps are set once every step has its copy
            answers = [(0, 0, answer.copy_data({
                "redirect_step_id": False,
                "next_action": "next" if answer.next_action == "redirect" else answer.next_action,
            })[0]) for answer in step.answer_ids]
            new_step = step.copy({"script_id": new_script.id, "answer_ids": answers})
            step_map[step] = new_step
            answer_map.update(zip(step.answer_ids, new_step.answer_ids))
        for step, new_step in step_map.items():
            if step.triggering_answer_ids:
                new_step.triggering_answer_ids = [(6, 0, [answer_map[a].id for a in step.triggering_answer_ids
                                                          if a in answer_map])]
        for answer, new_answer in answer_map.items():
            if answer.next_action == "redirect" and answer.redirect_step_id in step_map:
                new_answer.write({"next_action": "redirect",
                                  "redirect_step_id": step_map[answer.redirect_step_id].id})
        return new_script

    # ------------------------------------------------------------------
    # Running order
    # ------------------------------------------------------------------
    def _next_step(self, after_step=None, chosen_answers=None):
        """The step that comes after ``after_step`` (the first step when empty) for a visitor who chose
        ``chosen_answers``: steps whose conditions are not met are skipped. Empty at the end."""
        self.ensure_one()
        if chosen_answers is None:
            chosen_answers = self.env["livechat.chatbot.answer"]
        steps = self.step_ids.sorted(lambda step: (step.sequence, step.id))
        if after_step:
            key = (after_step.sequence, after_step.id)
            steps = steps.filtered(lambda step: (step.sequence, step.id) > key)
        for step in steps:
            if step._is_allowed_for(chosen_answers):
                return step
        return steps.browse()

    # ------------------------------------------------------------------
    # What visitors see of the bot
    # ------------------------------------------------------------------
    def _avatar_url(self):
        """Path of the bot's picture (public, cacheable); the widget prefixes the server's address."""
        self.ensure_one()
        return "/livechat/chatbot/%d/avatar" % self.id

    def _visitor_card(self):
        self.ensure_one()
        return {"id": self.id, "name": self.bot_name, "avatar_url": self._avatar_url()}

    @api.model
    @tools.ormcache()
    def _script_ids_by_partner(self):
        """{bot contact id: script id}, cached: every message delivered to a visitor asks it."""
        self.env.cr.execute("SELECT operator_partner_id, id FROM livechat_chatbot_script")
        return dict(self.env.cr.fetchall())

    # ------------------------------------------------------------------
    # Test button
    # ------------------------------------------------------------------
    def _test_signature(self):
        """A secret only the server can compute: the test page may force this script, nobody else."""
        self.ensure_one()
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret") or ""
        message = ("livechat-chatbot-test:%d" % self.id).encode()
        return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]

    def _check_test_signature(self, signature):
        self.ensure_one()
        if not signature or not isinstance(signature, str):
            return False
        return hmac.compare_digest(signature.encode("utf-8"), self._test_signature().encode())

    def _test_channel(self):
        """The channel to test the script on: one of its rules' channels, else the first channel."""
        self.ensure_one()
        channel = self.sudo().rule_ids.mapped("channel_id")[:1]
        return channel or self.env["livechat.channel"].sudo().search([], limit=1)

    def _test_url(self):
        self.ensure_one()
        channel = self._test_channel()
        if not channel:
            return False
        return "/livechat/support/%d?chatbot=%d&chatbot_signature=%s" % (
            channel.id, self.id, self._test_signature())

    def action_test(self):
        """Open the direct-chat page with this script talking, whatever the rules say."""
        self.ensure_one()
        url = self._test_url()
        if not url:
            raise UserError(_("Create a live chat channel first: the script is tested on its chat page."))
        return {"type": "ir.actions.act_url", "url": url, "target": "new"}

    def action_view_answers(self):
        """The answers visitors gave to this script, by conversation."""
        self.ensure_one()
        action = self.env.ref("livechat.livechat_session_answer_action").read()[0]
        action["domain"] = [("session_id.chatbot_script_id", "=", self.id)]
        return action
