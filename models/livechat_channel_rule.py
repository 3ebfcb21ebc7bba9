import logging
import re

import re2

from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

from .livechat_plural import plural_form

_logger = logging.getLogger(__name__)

REGEX_MAX_LENGTH = 1000
# The page URL a rule is matched against is cut here: URL rules look at the path, and no
# administrator pattern should see more of what an anonymous visitor sends than this.
MATCHED_URL_MAX_LENGTH = 2048

# URL rules are matched with RE2, whose time is linear in the URL's length whatever the
# pattern: Python's backtracking engine takes seconds, then forever, on a pattern with nested
# quantifiers such as (a+)+$, and holds a server thread meanwhile. RE2 refuses what it cannot
# match in linear time (back-references, look-ahead and look-behind), so such patterns are
# refused when the rule is saved.
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False
_compiled = {}


def compile_url_regex(pattern):
    """The RE2 program of ``pattern``, compiled once per process; raises ``re2.error``."""
    program = _compiled.get(pattern)
    if program is None:
        program = re2.compile(pattern, options=_RE2_OPTIONS)
        if len(_compiled) > 1000:
            _compiled.clear()
        _compiled[pattern] = program
    return program


DEFAULT_AUTO_POPUP_TIMER = 5


def url_matches(regex_url, url_path, rule_id=None):
    """Whether the URL Regex ``regex_url`` finds a match in ``url_path``, in a time linear in its
    length. No regex: every page. A pattern RE2 refuses (saved before patterns were checked with it)
    never matches."""
    if not regex_url:
        return True
    try:
        program = compile_url_regex(regex_url)
    except re2.error:
        _logger.warning("livechat rule %s: URL Regex %r cannot be matched safely; ignored", rule_id, regex_url)
        return False
    return program.search((url_path or "/")[:MATCHED_URL_MAX_LENGTH]) is not None


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
                raise ValidationError(plural_form(
                    _("The URL Regex is too long: %(length)d characters, at most %(max)d."),
                    len(rule.regex_url), self.env.lang) % {"length": len(rule.regex_url), "max": REGEX_MAX_LENGTH})
            try:
                re.compile(rule.regex_url)
            except re.error as error:
                raise ValidationError(_('The URL Regex "%(regex)s" is not a valid regular expression: %(error)s.')
                                      % {"regex": rule.regex_url, "error": error})
            try:
                compile_url_regex(rule.regex_url)
            except re2.error as error:
                reason = error.args[0].decode("utf-8", "replace") if error.args and isinstance(
                    error.args[0], bytes) else str(error)
                raise ValidationError(
                    _('The URL Regex "%(regex)s" cannot be matched in a bounded time (%(error)s). '
                      'Back-references, look-ahead and look-behind are not supported: write it without them.')
                    % {"regex": rule.regex_url, "error": reason})

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
        """Whether the rule's URL Regex finds a match in ``url_path`` (see ``url_matches``)."""
        self.ensure_one()
        return url_matches(self.regex_url, url_path, self.id)

    @api.model
    def create(self, vals):
        rule = super(LivechatChannelRule, self).create(vals)
        self.clear_caches()  # the rules and the widget's answer are cached (livechat.session._widget_init)
        return rule

    def write(self, vals):
        result = super(LivechatChannelRule, self).write(vals)
        self.clear_caches()
        return result

    def unlink(self):
        result = super(LivechatChannelRule, self).unlink()
        self.clear_caches()
        return result

    @api.model
    @tools.ormcache("channel_id")
    def _channel_rules(self, channel_id):
        """((rule id, URL regex, country codes), ...) of a channel, in the order they are tried:
        cached (every page view matches them), cleared when a rule changes."""
        rules = self.sudo().search([("channel_id", "=", channel_id)])
        return tuple((rule.id, rule.regex_url or "", frozenset(rule.country_ids.mapped("code")))
                     for rule in rules)

    @api.model
    def match_rule(self, channel, url_path, country_code=None):
        """The rule of ``channel`` that applies to a page and a visitor country.

        Rules are tried in sequence order; rules naming the visitor's country come
        before rules without countries; rules for other countries never apply.
        Returns an empty recordset when no rule matches. No query: the rules are cached.
        """
        rules = self._channel_rules(channel.id)
        candidates = []
        if country_code:
            country_code = country_code.upper()
            candidates = [rule for rule in rules if country_code in rule[2]]
        candidates += [rule for rule in rules if not rule[2]]
        for rule_id, regex_url, _countries in candidates:
            if url_matches(regex_url, url_path, rule_id):
                return self.sudo().browse(rule_id)
        return self.browse()
