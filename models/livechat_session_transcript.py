import pytz
from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .livechat_input import EMAIL_MAX_LENGTH, format_size, is_email

MESSAGE_STYLE = "margin:0 0 12px 0;padding:8px 12px;border-radius:6px;background:%s;"
VISITOR_BACKGROUND = "#F1F1F1"
OPERATOR_BACKGROUND = "#E8F0F7"
NOTICE_STYLE = "margin:0 0 12px 0;color:#777;font-style:italic;"
# Transcripts are e-mails from the company's server to an address the visitor types: at most this
# many an hour for the whole database and for one channel (system parameters override them), so
# that many sessions from many addresses cannot turn the chat into a mail relay.
TRANSCRIPT_HOURLY_LIMIT_PARAM = "livechat.transcript_hourly_limit"
TRANSCRIPT_HOURLY_LIMIT = 100
TRANSCRIPT_HOURLY_LIMIT_CHANNEL_PARAM = "livechat.transcript_hourly_limit_per_channel"
TRANSCRIPT_HOURLY_LIMIT_CHANNEL = 30


class LivechatSession(models.Model):
    """The conversation as a readable document: in the session's form and in the transcript e-mail."""

    _inherit = "livechat.session"

    conversation_html = fields.Html(
        string="Conversation", compute="_compute_conversation_html", sanitize=False,
        help="Every message of the conversation, oldest first.")
    message_count = fields.Integer(string="Messages", compute="_compute_conversation_html")
    transcript_sent_dates = fields.Text(
        string="Transcripts Sent", readonly=True, copy=False,
        help="When the visitor had the conversation e-mailed to him (UTC, one a line; the address is not kept).")

    def _compute_conversation_html(self):
        for session in self:
            messages = session.sudo()._history(limit=None) if session.mail_channel_id else []
            # the welcome is the channel's, stored in the operator's name: no one wrote it
            session.message_count = len([message for message in messages
                                         if message["kind"] == "comment" and not message.get("welcome")])
            session.conversation_html = session._render_conversation(messages)

    def _format_message_date(self, utc_string):
        """'2018-07-03T10:00:00Z' -> '2018-07-03 12:00' in the context's time zone (with its name)."""
        value = fields.Datetime.from_string(utc_string.rstrip("Z").replace("T", " "))
        local = fields.Datetime.context_timestamp(self, value)
        return "%s %s" % (local.strftime("%Y-%m-%d %H:%M"), local.tzname() or "UTC")

    def _render_conversation(self, messages):
        """HTML of ``messages`` (payloads of ``_history``); every text is escaped, nothing is markup."""
        if not messages:
            return Markup("<p>%s</p>") % _("No message in this conversation.")
        parts = []
        base_url = (self.env["ir.config_parameter"].sudo().get_param("web.base.url") or "").rstrip("/")
        for message in messages:
            body = Markup("<br/>").join(escape(line) for line in message["body"].split("\n"))
            files = [Markup('<a href="%s">%s</a> (%s)')
                     % (base_url + item["url"], item["name"], format_size(item["size"]))
                     for item in message.get("attachments") or ()]
            if files:
                body = Markup("<br/>").join(([body] if message["body"] else []) + files)
            date = self._format_message_date(message["date"]) if message["date"] else ""
            if message["kind"] == "notification":
                parts.append(Markup('<p class="o_livechat_notice" style="%s">%s <small>%s</small></p>')
                             % (NOTICE_STYLE, body, date))
                continue
            style = MESSAGE_STYLE % (VISITOR_BACKGROUND if message["is_visitor"] else OPERATOR_BACKGROUND)
            css = "o_livechat_message_visitor" if message["is_visitor"] else "o_livechat_message_operator"
            parts.append(Markup(
                '<div class="o_livechat_message %s" style="%s">'
                '<strong>%s</strong> <small style="color:#777;">%s</small>'
                '<div class="o_livechat_message_body">%s</div></div>'
            ) % (css, style, message["author_name"], date, body))
        return Markup('<div class="o_livechat_conversation">%s</div>') % Markup("").join(parts)

    @api.model
    def _check_transcript_email(self, email):
        """The address, stripped; a readable error when it is not one."""
        email = (email or "").strip() if isinstance(email, str) else ""
        if not email:
            raise UserError(_("Enter the e-mail address to send the conversation to."))
        if not is_email(email):
            raise UserError(_('"%s" is not a valid e-mail address (for example name@example.com).')
                            % email[:EMAIL_MAX_LENGTH])
        return email

    def _transcript_sender(self):
        """The From of the transcript: the operator's company, else the catch-all address."""
        self.ensure_one()
        company = self.operator_id.company_id or self.env.user.company_id
        if company.email:
            return "%s <%s>" % (company.name, company.email)
        params = self.env["ir.config_parameter"].sudo()
        alias, domain = params.get_param("mail.catchall.alias"), params.get_param("mail.catchall.domain")
        return "%s <%s@%s>" % (company.name, alias, domain) if alias and domain else False

    def _operator_answered(self):
        """Whether a user (an operator, not a bot nor the visitor) wrote in the conversation (the welcome
        message stored in his name does not count)."""
        self.ensure_one()
        if not self.mail_channel_id:
            return False
        self.env.cr.execute("""
            SELECT 1 FROM mail_message m JOIN res_users u ON u.partner_id = m.author_id
             WHERE m.model = 'mail.channel' AND m.res_id = %s AND m.message_type = 'comment'
               AND m.livechat_welcome IS NOT TRUE LIMIT 1
        """, (self.mail_channel_id.id,))
        return bool(self.env.cr.fetchone())

    def _check_transcript_allowed(self):
        """A readable refusal unless the transcript may be sent: an operator answered (the e-mail then
        carries a real conversation, not only what the visitor typed), and the hourly caps of the
        database and of the channel are not reached. Counted under a transaction lock: exact across
        workers."""
        self.ensure_one()
        if not self._operator_answered():
            raise UserError(_("The conversation can be sent by e-mail once an operator has answered."))
        limits = self.env["livechat.rate.limit"].sudo()  # a limit's system parameter, read as the rate limits are
        total = limits._limit(TRANSCRIPT_HOURLY_LIMIT_PARAM, TRANSCRIPT_HOURLY_LIMIT)
        per_channel = limits._limit(TRANSCRIPT_HOURLY_LIMIT_CHANNEL_PARAM, TRANSCRIPT_HOURLY_LIMIT_CHANNEL)
        self.env.cr.execute("SELECT pg_advisory_xact_lock(hashtext('livechat.transcript'))")
        self.env.cr.execute("""
            SELECT channel_id, count(*) FROM (
                SELECT s.channel_id, unnest(string_to_array(s.transcript_sent_dates, E'\n'))::timestamp AS sent
                  FROM livechat_session s WHERE s.transcript_sent_dates IS NOT NULL
                   AND s.write_date > (now() at time zone 'UTC') - interval '1 hour') AS sends
             WHERE sent > (now() at time zone 'UTC') - interval '1 hour'
             GROUP BY channel_id
        """)
        counts = dict(self.env.cr.fetchall())
        channel_count = counts.get(self.channel_id.id, 0)
        if (total and sum(counts.values()) >= total) or (per_channel and channel_count >= per_channel):
            raise UserError(_("Too many conversations were sent by e-mail in the last hour: please try again later."))

    def _send_transcript(self, email, tz=None):
        """Queue the transcript e-mail of the conversation to ``email`` (sent by Odoo's mail queue).

        Returns the mail.mail. ``tz``: the visitor's time zone, for the times of the messages.
        """
        self.ensure_one()
        email = self._check_transcript_email(email)
        self._check_transcript_allowed()
        if tz not in pytz.all_timezones_set:
            tz = "UTC"
        session = self.sudo().with_context(tz=tz)
        template = self.env.ref("livechat.mail_template_livechat_transcript").sudo().with_context(tz=tz)
        mail_id = template.send_mail(session.id, force_send=False, email_values={
            "email_to": email,
            "recipient_ids": [],
            # linked to the session: erasing a visitor's data erases his transcripts too
            "model": self._name,
            "res_id": session.id,
            "email_from": session._transcript_sender(),
            "auto_delete": True,
        })
        sent = (self.sudo().transcript_sent_dates or "").split("\n")
        self.sudo().transcript_sent_dates = "\n".join([line for line in sent if line][-20:] + [fields.Datetime.now()])
        return self.env["mail.mail"].sudo().browse(mail_id)

    @api.model
    def _transcript_widget_texts(self):
        """The words of the transcript form shown when the conversation ends (part of the widget's texts)."""
        return {
            "transcript_label": _("Receive this conversation by e-mail"),
            "transcript_placeholder": _("name@example.com"),
            "transcript_send": _("Send"),
            "transcript_invalid": _("Enter a valid e-mail address (for example name@example.com)."),
        }
