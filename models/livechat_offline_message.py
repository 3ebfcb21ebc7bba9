import json
from email.utils import formataddr

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import plaintext2html
from odoo.addons.bus.models.bus import json_dump

from .livechat_input import (EMAIL_MAX_LENGTH, OFFLINE_MESSAGE_MAX_LENGTH, OFFLINE_NAME_MAX_LENGTH, clean_offline,
                             is_email, is_web_url)

# what users may write on an offline message (mail.thread's message_* fields besides)
USER_WRITABLE_FIELDS = {"state", "user_id"}
# A visitor's offline message notifies the channel's operators (by e-mail for those who chose it): at
# most this many notifications an hour for the whole database and for one channel (system parameters
# override them), so that many forms from many browsers cannot flood the operators' mailboxes. Over
# them the message is kept all the same, for Live Chat > Offline Messages: nothing is lost.
NOTIFY_HOURLY_LIMIT_PARAM = "livechat.offline_notify_hourly_limit"
NOTIFY_HOURLY_LIMIT = 100
NOTIFY_HOURLY_LIMIT_CHANNEL_PARAM = "livechat.offline_notify_hourly_limit_per_channel"
NOTIFY_HOURLY_LIMIT_CHANNEL = 30


class LivechatOfflineMessage(models.Model):
    """A message a visitor left on the chat form while no operator was available."""

    _name = "livechat.offline.message"
    _description = "Live Chat Offline Message"
    _inherit = ["mail.thread"]
    _order = "id desc"

    channel_id = fields.Many2one("livechat.channel", string="Channel", required=True, index=True,
                                 ondelete="cascade", readonly=True)
    name = fields.Char(string="Visitor Name", required=True, readonly=True)
    email = fields.Char(string="E-mail", required=True, readonly=True)
    message = fields.Text(string="Message", required=True, readonly=True)
    page_url = fields.Char(string="Sent from Page", readonly=True)
    country_id = fields.Many2one("res.country", string="Country", readonly=True)
    visitor_uid = fields.Char(
        string="Visitor Browser", index=True, readonly=True, copy=False,
        help="Random id kept by the visitor's browser: erasing the visitor's data erases this message too.")
    state = fields.Selection([
        ("new", "To Answer"),
        ("done", "Answered"),
    ], string="Status", default="new", required=True, index=True, track_visibility="onchange")
    user_id = fields.Many2one("res.users", string="Answered by", readonly=True, track_visibility="onchange")
    operators_notified = fields.Boolean(
        string="Operators Notified", readonly=True, copy=False,
        help="Whether the channel's operators were notified of it; not when the hourly caps of notifications "
             "were reached (livechat.offline_notify_hourly_limit, ..._per_channel).")

    @api.constrains("name", "email", "message")
    def _check_visitor_input(self):
        for record in self:
            if not (record.name or "").strip():
                raise ValidationError(_("Please enter your name."))
            if len(record.name) > OFFLINE_NAME_MAX_LENGTH:
                raise ValidationError(_("Your name is too long: at most %d characters.") % OFFLINE_NAME_MAX_LENGTH)
            email = (record.email or "").strip()
            if not email:
                raise ValidationError(_("Please enter your e-mail address, so that we can answer you."))
            if not is_email(email):
                raise ValidationError(_('"%s" is not a valid e-mail address (for example name@example.com).')
                                      % email[:EMAIL_MAX_LENGTH])
            if not (record.message or "").strip():
                raise ValidationError(_("Please write your message."))
            if len(record.message) > OFFLINE_MESSAGE_MAX_LENGTH:
                raise ValidationError(_("Your message is too long: at most %d characters.")
                                      % OFFLINE_MESSAGE_MAX_LENGTH)

    @api.constrains("page_url")
    def _check_page_url(self):
        # operators may write these records (to mark them answered): not a script URL in the link
        if any(record.page_url and not is_web_url(record.page_url) for record in self):
            raise ValidationError(_("The page of an offline message must be an http(s) address."))

    @api.model
    def _create_from_visitor(self, channel, name, email, message, page_url=None, country=None, visitor_uid=None):
        """Record a visitor's offline message and notify the channel's operators. Returns it (sudo).

        What the visitor sent is cleaned first (``livechat_input``); the caps are checked on the record."""
        visitor = clean_offline({"name": name, "message": message, "page_url": page_url, "visitor_uid": visitor_uid})
        name, message, page_url, visitor_uid = (visitor["name"], visitor["message"], visitor["page_url"],
                                                visitor["visitor_uid"])
        record = self.sudo().with_context(mail_create_nolog=True, mail_create_nosubscribe=True).create({
            "channel_id": channel.id,
            "name": (name or "").strip(),
            "email": (email or "").strip(),
            "message": (message or "").strip(),
            "page_url": page_url or False,
            "country_id": country.id if country else False,
            "visitor_uid": visitor_uid or False,
        })
        record._notify_operators()
        return record

    def _may_notify(self):
        """Whether the hourly caps of notifications (database, channel) leave room for this record's.
        Counted under a transaction lock: exact across workers."""
        self.ensure_one()
        limits = self.env["livechat.rate.limit"].sudo()  # a limit's system parameter, read as the rate limits are
        total = limits._limit(NOTIFY_HOURLY_LIMIT_PARAM, NOTIFY_HOURLY_LIMIT)
        per_channel = limits._limit(NOTIFY_HOURLY_LIMIT_CHANNEL_PARAM, NOTIFY_HOURLY_LIMIT_CHANNEL)
        self.env.cr.execute("SELECT pg_advisory_xact_lock(hashtext('livechat.offline_notify'))")
        self.env.cr.execute("""
            SELECT count(*), count(*) FILTER (WHERE channel_id = %s) FROM livechat_offline_message
             WHERE operators_notified AND create_date > (now() at time zone 'UTC') - interval '1 hour'
        """, (self.channel_id.id,))
        count, channel_count = self.env.cr.fetchone()
        return not ((total and count >= total) or (per_channel and channel_count >= per_channel))

    def _notify_operators(self):
        """The channel's operators follow the message and get it in their Odoo inbox (or by e-mail),
        within the hourly caps of notifications."""
        for record in self.sudo():
            if not record._may_notify():
                continue
            record.operators_notified = True
            partners = record.channel_id.user_ids.mapped("partner_id")
            if partners:
                record.message_subscribe(partner_ids=partners.ids)
            record.with_context(mail_create_nosubscribe=True).message_post(
                body=plaintext2html(record.message),
                subject=_("Offline message from %(name)s on %(channel)s")
                % {"name": record.name, "channel": record.channel_id.name},
                author_id=False, email_from=formataddr((record.name, record.email)),
                partner_ids=partners.ids, message_type="comment", subtype="mail.mt_comment")

    @api.model
    def _of_visitors(self, visitor_uids=(), emails=()):
        """The messages (sudo) left from these browsers or with these e-mail addresses (any case)."""
        visitor_uids = [uid for uid in visitor_uids if uid]
        emails = list({email.strip().lower() for email in emails if email and email.strip()})
        if not visitor_uids and not emails:
            return self.sudo().browse()
        self.env.cr.execute(
            "SELECT id FROM livechat_offline_message WHERE visitor_uid IN %s OR lower(trim(email)) IN %s",
            (tuple(visitor_uids) or (None,), tuple(emails) or (None,)))
        return self.sudo().browse([row[0] for row in self.env.cr.fetchall()])

    def _erase(self):
        """Delete these messages with their notifications, e-mails, followers, attachments, and the
        operators' pending bus notifications of them (they carry the visitor's text)."""
        records = self.sudo().exists()
        if records:
            records._erase_bus_notifications()
            self.env["ir.attachment"].sudo().search([
                ("res_model", "=", self._name), ("res_id", "in", records.ids)]).unlink()
            records.unlink()  # mail.thread: their mail.message (and queued mail.mail) and followers go too
        return len(records)

    def _erase_bus_notifications(self):
        """The bus notifications of these records' mail.message to partners (Odoo's inbox, channel
        ``ir.needaction``), still in ``bus_bus`` until its clean-up: found by the partners' channels,
        then by the message id."""
        messages = self.sudo().mapped("message_ids")
        partners = messages.mapped("partner_ids") | messages.mapped("needaction_partner_ids") | \
            self.sudo().mapped("message_partner_ids")
        if not messages or not partners:
            return
        dbname = self.env.cr.dbname
        channels = tuple(json_dump((dbname, "ir.needaction", partner.id)) for partner in partners)
        ids = set(messages.ids)
        self.env.cr.execute("SELECT id, message FROM bus_bus WHERE channel IN %s", (channels,))
        doomed = []
        for row_id, payload in self.env.cr.fetchall():
            try:
                notification = json.loads(payload)
            except ValueError:
                continue
            if isinstance(notification, dict) and notification.get("id") in ids:
                doomed.append(row_id)
        if doomed:
            self.env.cr.execute("DELETE FROM bus_bus WHERE id IN %s", (tuple(doomed),))

    @api.multi
    def write(self, vals):
        """What the visitor sent stays as he sent it: users (operators, administrators) only change
        whether it was answered. The form's readonly fields are not enough: the RPC API writes any
        field. The addon's own code writes as superuser."""
        if self.env.uid != SUPERUSER_ID:
            forbidden = sorted(key for key in vals if key not in USER_WRITABLE_FIELDS
                               and not key.startswith("message_"))
            if forbidden:
                raise AccessError(_("An offline message keeps what the visitor sent: only its status can be "
                                    "changed (not: %s).") % ", ".join(forbidden))
        return super(LivechatOfflineMessage, self).write(vals)

    def action_mark_done(self):
        self.write({"state": "done", "user_id": self.env.uid})
        return True

    def action_mark_new(self):
        self.write({"state": "new", "user_id": False})
        return True
