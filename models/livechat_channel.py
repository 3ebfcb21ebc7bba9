import re

from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.http import request

HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
COLOR_FIELDS = ("header_color", "button_background_color", "button_text_color")


class LivechatChannel(models.Model):
    """A live chat channel: who answers (operators), how the widget looks, where it shows."""

    _name = "livechat.channel"
    _description = "Live Chat Channel"
    _order = "sequence, id"

    def _default_user_ids(self):
        return [(6, 0, [self.env.uid])]

    name = fields.Char(string="Channel Name", required=True)
    active = fields.Boolean(default=True, help="Archived channels are hidden and show no chat button.")
    sequence = fields.Integer(default=10)
    user_ids = fields.Many2many(
        "res.users", "livechat_channel_res_users_rel", "channel_id", "user_id",
        string="Operators", default=_default_user_ids,
        help="Internal users who answer the visitors of this channel; "
             "they get the Live Chat / User access right.")
    # Options: Livechat Button
    button_text = fields.Char(
        string="Text of the Button", translate=True, default=lambda self: _("Have a Question? Chat with us."),
        help="Text shown on the live chat button.")
    notification_text = fields.Char(
        string="Notification Text", translate=True, default=lambda self: _("Need help? Chat with us."),
        help="Text of the floating bubble shown with the button (rule 'Show with notification').")
    button_background_color = fields.Char(string="Button Background Color", default="#875A7B",
                                          help="Colour written #RRGGBB.")
    button_text_color = fields.Char(string="Button Text Color", default="#FFFFFF", help="Colour written #RRGGBB.")
    # Options: Livechat Window
    welcome_message = fields.Char(
        string="Welcome Message", translate=True,
        default=lambda self: _("Hello, how may I help you?"),
        help="First message a visitor sees, as if sent by the operator.")
    input_placeholder = fields.Char(
        string="Chat Input Placeholder", translate=True,
        default=lambda self: _("Say something..."),
        help="Text shown in the empty box where visitors type.")
    header_color = fields.Char(string="Channel Header Color", default="#875A7B",
                               help="Colour of the bar at the top of the chat window, written #RRGGBB.")
    unread_sound = fields.Boolean(
        string="Sound on New Messages",
        help="A soft sound when an operator's message arrives while the visitor's chat window is "
             "minimized or the page is in the background.")
    # Rules and sessions
    rule_ids = fields.One2many("livechat.channel.rule", "channel_id", string="Rules", copy=True)
    session_ids = fields.One2many("livechat.session", "channel_id", string="Sessions")
    session_count = fields.Integer(string="Number of Sessions", compute="_compute_session_count")
    operator_count = fields.Integer(string="Number of Operators", compute="_compute_operator_count")
    available_operator_count = fields.Integer(
        string="Available Operators", compute="_compute_available_operator_count",
        help="Operators online now (active in Odoo in the last 30 minutes).")
    are_you_inside = fields.Boolean(string="You Are an Operator", compute="_compute_are_you_inside")
    # Widget
    script_external = fields.Text(string="Script", compute="_compute_widget_code",
                                  help="Paste this into the <head> of any web page.")
    web_page = fields.Char(string="Web Page", compute="_compute_widget_code",
                           help="Direct link to a page with the chat open: send it to a customer.")

    @api.constrains(*COLOR_FIELDS)
    def _check_colors(self):
        labels = {name: self._fields[name].string for name in COLOR_FIELDS}
        for channel in self:
            for name in COLOR_FIELDS:
                value = channel[name]
                if value and not HEX_COLOR.match(value):
                    raise ValidationError(_(
                        '%(field)s must be a colour written #RRGGBB (for example #875A7B), not "%(value)s".')
                        % {"field": labels[name], "value": value})

    @api.constrains("user_ids")
    def _check_operators_are_internal(self):
        for channel in self:
            outsiders = channel.user_ids.filtered("share")
            if outsiders:
                raise ValidationError(_(
                    "Only internal users can be operators: %(users)s cannot answer visitors.")
                    % {"users": ", ".join(outsiders.mapped("name"))})

    @api.model
    def create(self, vals):
        channel = super(LivechatChannel, self).create(vals)
        channel._grant_operator_access()
        self.clear_caches()  # what the widget shows is cached (livechat.session._widget_init)
        return channel

    def write(self, vals):
        result = super(LivechatChannel, self).write(vals)
        if "user_ids" in vals:
            self._grant_operator_access()
            # an operator who joins brings free slots: the waiting visitors move (livechat_channel_queue)
            self._queue_run_after_commit()
        if set(vals) - {"user_ids"}:
            self.clear_caches()  # not for operators joining or leaving: availability is never cached
        return result

    def unlink(self):
        result = super(LivechatChannel, self).unlink()
        self.clear_caches()
        return result

    @api.model
    @tools.ormcache()
    def _active_channel_ids(self):
        """Ids of the channels that show a button (active), cached: every page view asks."""
        self.env.cr.execute("SELECT id FROM livechat_channel WHERE active")
        return frozenset(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _visitor_channel(self, channel_id):
        """The active channel ``channel_id`` (sudo), or an empty recordset: no query (cached)."""
        return self.sudo().browse(channel_id if channel_id in self._active_channel_ids() else ())

    def _grant_operator_access(self):
        """Operators need the Live Chat / User right to see their channels and leave them."""
        group = self.env.ref("livechat.group_livechat_user")
        missing = self.sudo().mapped("user_ids").filtered(lambda user: group not in user.groups_id)
        if missing:
            group.sudo().write({"users": [(4, user.id) for user in missing]})

    @api.depends("session_ids")
    def _compute_session_count(self):
        """Conversations in which someone wrote: not the chats that opened by themselves and stayed silent."""
        counts = {}
        ids = tuple(channel_id for channel_id in self.ids if isinstance(channel_id, int))
        if ids:
            self.env.cr.execute("""
                SELECT s.channel_id, count(*) FROM livechat_session s
                 WHERE s.channel_id IN %s AND s.mail_channel_id IS NOT NULL
                   AND EXISTS (SELECT 1 FROM mail_message m WHERE m.model = 'mail.channel'
                                  AND m.res_id = s.mail_channel_id AND m.message_type = 'comment')
              GROUP BY s.channel_id
            """, (ids,))
            counts = dict(self.env.cr.fetchall())
        for channel in self:
            channel.session_count = counts.get(channel.id, 0)

    @api.depends("user_ids")
    def _compute_operator_count(self):
        for channel in self:
            channel.operator_count = len(channel.user_ids)

    def _compute_available_operator_count(self):
        for channel in self:
            channel.available_operator_count = len(channel._get_available_operators())

    @api.depends("user_ids")
    def _compute_are_you_inside(self):
        for channel in self:
            channel.are_you_inside = self.env.user in channel.sudo().user_ids

    @api.model
    def _public_base_url(self):
        """The address the administrator is using (behind a proxy in proxy mode: the one visitors use);
        ``web.base.url`` only outside a web request. ``web.base.url`` alone gives a dead snippet on a new
        database: it holds the port of the server that created it until the admin logs in."""
        if request and getattr(request, "httprequest", None):
            return request.httprequest.host_url.rstrip("/")
        return self.env["ir.config_parameter"].sudo().get_param("web.base.url", "").rstrip("/")

    def _loader_url(self, base_url=None):
        """The address of the channel's loader script, the one a website's snippet includes."""
        self.ensure_one()
        return "%s/livechat/loader/%d.js" % (base_url or self._public_base_url(), self.id)

    def _compute_widget_code(self):
        base_url = self._public_base_url()
        for channel in self:
            if not isinstance(channel.id, int):
                channel.script_external = channel.web_page = False
                continue
            channel.script_external = '<script src="%s" defer></script>' % channel._loader_url(base_url)
            channel.web_page = "%s/livechat/support/%d" % (base_url, channel.id)

    def _check_can_read(self):
        """Join and leave write with sudo: only users who may see the channels get there."""
        self.check_access_rights("read")
        self.check_access_rule("read")

    def action_join(self):
        """The current user becomes an operator of these channels."""
        self._check_can_read()
        self.sudo().write({"user_ids": [(4, self.env.uid)]})
        return True

    def action_leave(self):
        """The current user stops being an operator of these channels."""
        self._check_can_read()
        self.sudo().write({"user_ids": [(3, self.env.uid)]})
        return True
