import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

REGEX_MAX_LENGTH = 1000
DEFAULT_AUTO_POPUP_TIMER = 5


class LivechatChannelRule(models.Model):
    """Where and how the chat button shows: by page URL and visitor country."""

    _name = "livechat.channel.rule"
    _description = "Live Chat Channel Rule"
    _order = "sequence, id"

    channel_id = fields.Many2one("livechat.channel", string="Channel", required=True, ondelete="cascade",
                                 index=True)
    sequence = fields.Integer(default=10, help="Rules are tried in this order; the first that matches applies.")
    action = fields.Selection([
        ("display_button", "Show"),
        ("display_button_and_text", "Show with notification"),
        ("auto_popup", "Open automatically"),
        ("hide_button", "Hide"),
    ], string="Live Chat Button", required=True, default="display_button",
        help="Show: the chat button is on the page. "
             "Show with notification: the button and a floating text bubble. "
             "Open automatically: the button, and the chat window opens after the timer. "
             "Hide: no chat button on the page.")
    auto_popup_timer = fields.Integer(
        string="Open automatically timer", default=0,
        help="Seconds the page must be open before the chat window opens.")
    chatbot_script_id = fields.Many2one("livechat.chatbot.script", string="Chatbot", ondelete="set null")
    chatbot_only_if_no_operator = fields.Boolean(
        string="Enabled only if no operator",
        help="The chatbot only talks to visitors when no operator is available.")
    regex_url = fields.Char(
        string="URL Regex",
        help="Regular expression on the page's relative URL (for example /shop). "
             "Empty or / : every page.")
    country_ids = fields.Many2many(
        "res.country", "livechat_channel_rule_res_country_rel", "rule_id", "country_id",
        string="Country",
        help="The rule applies only to visitors from these countries (found by GeoIP). "
             "Empty: visitors from everywhere.")

    @api.constrains("regex_url")
    def _check_regex_url(self):
        for rule in self:
            if not rule.regex_url:
                continue
            if len(rule.regex_url) > REGEX_MAX_LENGTH:
                raise ValidationError(_("The URL Regex is too long: %(length)d characters, at most %(max)d.")
                                      % {"length": len(rule.regex_url), "max": REGEX_MAX_LENGTH})
            try:
                re.compile(rule.regex_url)
            except re.error as error:
                raise ValidationError(_('The URL Regex "%(regex)s" is not a valid regular expression: %(error)s.')
                                      % {"regex": rule.regex_url, "error": error})

    @api.constrains("action", "auto_popup_timer")
    def _check_auto_popup_timer(self):
        for rule in self:
            if rule.action == "auto_popup" and rule.auto_popup_timer <= 0:
                raise ValidationError(_("Open automatically needs a timer of more than 0 seconds."))
            if rule.auto_popup_timer < 0:
                raise ValidationError(_("The timer cannot be negative."))

    @api.onchange("action")
    def _onchange_action(self):
        """Open automatically needs a timer: propose a few seconds rather than an error on save."""
        if self.action == "auto_popup" and self.auto_popup_timer <= 0:
            self.auto_popup_timer = DEFAULT_AUTO_POPUP_TIMER

    def _matches_url(self, url_path):
        self.ensure_one()
        return not self.regex_url or bool(re.search(self.regex_url, url_path or "/"))

    @api.model
    def match_rule(self, channel, url_path, country_code=None):
        """The rule of ``channel`` that applies to a page and a visitor country.

        Rules are tried in sequence order; rules naming the visitor's country come
        before rules without countries; rules for other countries never apply.
        Returns an empty recordset when no rule matches.
        """
        rules = self.sudo().search([("channel_id", "=", channel.id)])
        if country_code:
            country_code = country_code.upper()
            for rule in rules.filtered(lambda r: country_code in r.country_ids.mapped("code")):
                if rule._matches_url(url_path):
                    return rule
        for rule in rules.filtered(lambda r: not r.country_ids):
            if rule._matches_url(url_path):
                return rule
        return self.browse()
