"""The operator's workspace around a conversation: its status, internal notes, tags, outcome, and the
visitor panel (who the visitor is, where he is, what he did before).

What is written here never reaches the visitor: the status, notes and tags travel only to the
operators' web clients (their partner's bus channel, ``livechat_session_update``), never through
``_post`` nor on the visitor's bus channel.
"""
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html_escape

from .livechat_input import NOTE_MAX_LENGTH

STATUS_SELECTION = [
    ("in_progress", "In Progress"),
    ("waiting", "Waiting for Customer"),
    ("help", "Looking for Help"),
]
OUTCOME_SELECTION = [
    ("no_answer", "No Answer"),
    ("no_one_available", "No One Available"),
    ("bot", "Answered by the Bot"),
    ("answered", "Answered"),
    ("escalated", "Escalated"),
]
# previous conversations / offline messages shown in the visitor panel
PANEL_PREVIOUS_LIMIT = 5
PANEL_OFFLINE_LIMIT = 5
PANEL_OFFLINE_TEXT = 300


class LivechatSession(models.Model):
    """Status, notes, tags, outcome and the visitor panel of a conversation."""

    _inherit = "livechat.session"

    conversation_status = fields.Selection(
        STATUS_SELECTION, string="Conversation Status", default="in_progress", required=True, index=True,
        help="Set by the operator from the chat window; back to In Progress when the visitor writes. "
             "Looking for Help tells every operator of the channel, who may join.")
    help_requested = fields.Boolean(
        string="Help Was Requested", readonly=True, copy=False,
        help="An operator flagged the conversation Looking for Help at least once: its outcome is Escalated.")
    tag_ids = fields.Many2many("livechat.session.tag", "livechat_session_tag_rel", "session_id", "tag_id",
                               string="Tags")
    note_ids = fields.One2many("livechat.session.note", "session_id", string="Internal Notes",
                               help="Never shown to the visitor.")
    outcome = fields.Selection(
        OUTCOME_SELECTION, string="Outcome", readonly=True, index=True, copy=False,
        help="How the conversation ended, computed when it ends: nobody answered the visitor, nobody "
             "was available (a chatbot that could not hand over), only the bot answered, an operator "
             "answered, or an operator asked for help (escalated). Empty for chats in which nobody wrote.")
    no_one_available = fields.Boolean(
        string="No One Was Available", readonly=True, copy=False,
        help="The chatbot tried to hand the conversation over and no operator was available.")
    visitor_lang = fields.Char(
        string="Visitor Language", readonly=True, default=lambda self: self.env.context.get("lang"),
        help="Language code of the visitor's page or browser when the chat opened.")
    visitor_lang_name = fields.Char(string="Language", compute="_compute_visitor_lang_name")
    waiting_minutes = fields.Integer(
        string="Waiting (min)", compute="_compute_waiting_minutes",
        help="Minutes since the visitor's last message, while nobody has answered it.")
    start_date_local = fields.Char(string="Started at", compute="_compute_local_dates")
    end_date_local = fields.Char(string="Ended at", compute="_compute_local_dates")
    rating_date_local = fields.Char(string="Rated at", compute="_compute_local_dates")

    # ------------------------------------------------------------------
    # Computed for the views
    # ------------------------------------------------------------------
    def _compute_visitor_lang_name(self):
        Lang = self.env["res.lang"].sudo()
        for session in self:
            code = session.visitor_lang
            session.visitor_lang_name = code and (Lang._lang_get(code).name or code) or False

    def _local_time(self, value):
        """A UTC datetime string as the user reads it: in his time zone (else UTC), with its name.

        The session form shows every time this way (the conversation's messages too), instead of
        mixing the browser's zone (Odoo's datetime widgets) with the user's."""
        if not value:
            return False
        local = fields.Datetime.context_timestamp(self.with_context(tz=self.env.user.tz or "UTC"),
                                                  fields.Datetime.from_string(value))
        return "%s %s" % (local.strftime("%Y-%m-%d %H:%M:%S"), local.tzname() or "UTC")

    @api.depends("start_date", "end_date", "rating_date")
    def _compute_local_dates(self):
        for session in self:
            session.start_date_local = session._local_time(session.start_date)
            session.end_date_local = session._local_time(session.end_date)
            session.rating_date_local = session._local_time(session.rating_date)

    def _compute_waiting_minutes(self):
        waiting = {}
        conversations = self.filtered("mail_channel_id")
        if conversations:
            # the newest comment of each conversation: the visitor waits while it is his
            self.env.cr.execute("""
                SELECT DISTINCT ON (m.res_id) m.res_id, m.author_id, m.date
                  FROM mail_message m
                 WHERE m.model = 'mail.channel' AND m.res_id IN %s AND m.message_type = 'comment'
              ORDER BY m.res_id, m.id DESC
            """, (tuple(conversations.sudo().mapped("mail_channel_id").ids),))
            now = fields.Datetime.from_string(fields.Datetime.now())
            for res_id, author_id, date in self.env.cr.fetchall():
                if not author_id:
                    waiting[res_id] = int((now - fields.Datetime.from_string(date)).total_seconds() // 60)
        for session in self:
            session.waiting_minutes = (waiting.get(session.sudo().mail_channel_id.id, 0)
                                       if session.state == "open" else 0)

    # ------------------------------------------------------------------
    # Who may act on a conversation from the web client
    # ------------------------------------------------------------------
    def _workspace_check(self):
        """Operators act on the conversations they take part in or of their channels; managers on all."""
        self.ensure_one()
        self.check_access_rights("write")
        self.check_access_rule("write")
        return self.sudo()

    # ------------------------------------------------------------------
    # Conversation status
    # ------------------------------------------------------------------
    def action_set_conversation_status(self, status):
        """Set from the operator's chat window (or Discuss): In Progress, Waiting for Customer, Looking
        for Help. Looking for Help tells every operator of the channel, who may join."""
        session = self._workspace_check()
        if status not in dict(STATUS_SELECTION):
            raise UserError(_("Unknown conversation status: %s") % status)
        return session._set_conversation_status(status, self.env.user)

    def _set_conversation_status(self, status, by=None):
        """Set the status; ``by``: the user who set it (none when the visitor's message did)."""
        self.ensure_one()
        if self.conversation_status == status:
            return True
        values = {"conversation_status": status}
        if status == "help":
            values["help_requested"] = True
        self.sudo().write(values)
        if status == "help":
            self._notify_help_requested(by or self.env.user)
        self._notify_operator_update()
        self._notify_ongoing()
        return True

    def _status_on_visitor_message(self):
        """The visitor wrote: the conversation is in progress again (one read when it already is)."""
        self.ensure_one()
        if self.conversation_status != "in_progress" and self.state == "open":
            self._set_conversation_status("in_progress")

    def _notify_help_requested(self, asking):
        """Every operator of the channel (but ``asking``) learns that the conversation needs a hand."""
        self.ensure_one()
        session = self.sudo()
        notifications = []
        for user in session.channel_id.user_ids - asking:
            lang_session = session.with_context(lang=user.lang)
            notifications.append([(self.env.cr.dbname, "res.partner", user.partner_id.id), {
                "type": "livechat_help_requested",
                "session_id": session.id,
                "channel_id": session.mail_channel_id.id,
                "title": lang_session._help_requested_title(),
                "message": lang_session._help_requested_text(asking),
            }])
        if notifications:
            self.env["bus.bus"]._livechat_sendmany(notifications)

    def _help_requested_title(self):
        return _("Looking for help")

    def _help_requested_text(self, asking):
        return _("%(operator)s asks for help in the conversation with %(visitor)s (%(channel)s).") % {
            "operator": asking.name, "visitor": self.visitor_name, "channel": self.channel_id.name}

    def action_join_conversation(self):
        """An operator of the channel joins a conversation (Looking for Help): he becomes a member, the
        visitor reads that he joined, and its chat window opens in his web client (bus)."""
        session = self._workspace_check()
        if session.state != "open" or not session.mail_channel_id:
            raise UserError(_("This conversation has ended."))
        user = self.env.user
        if user not in session.channel_id.user_ids and not user.has_group("livechat.group_livechat_manager"):
            raise AccessError(_("Only the operators of %s may join its conversations.") % session.channel_id.name)
        # the one way an operator joins (livechat_session_transfer): a member, the visitor told, his
        # chat window opened
        session._join_operator(user)
        session._notify_operator_update()
        return True

    # ------------------------------------------------------------------
    # Internal notes and tags
    # ------------------------------------------------------------------
    def action_add_note(self, body):
        """An internal note (``/note`` or the visitor panel): kept on the session, never sent to the visitor."""
        session = self._workspace_check()
        body = (body or "").strip()
        if not body:
            raise UserError(_("Write the note after /note."))
        if len(body) > NOTE_MAX_LENGTH:
            raise UserError(_("The note is too long: at most %d characters.") % NOTE_MAX_LENGTH)
        note = self.env["livechat.session.note"].sudo().create({
            "session_id": session.id, "author_id": self.env.uid, "body": body})
        session._notify_operator_update()
        return note.id

    def action_add_tag(self, name):
        """Tag the conversation (``/tag`` or the visitor panel); the tag is created if it is new."""
        session = self._workspace_check()
        if not (name or "").strip():
            raise UserError(_("Write the tag's name after /tag."))
        tag = self.env["livechat.session.tag"]._find_or_create(name)
        if tag not in session.tag_ids:
            session.write({"tag_ids": [(4, tag.id)]})
            session._notify_operator_update()
            session._notify_ongoing()
        return tag.id

    def action_remove_tag(self, tag_id):
        session = self._workspace_check()
        session.write({"tag_ids": [(3, int(tag_id))]})
        session._notify_operator_update()
        session._notify_ongoing()
        return True

    # ------------------------------------------------------------------
    # Outcome
    # ------------------------------------------------------------------
    def _update_outcome(self):
        """Compute and store how these sessions went (``outcome``): called when they end."""
        sessions = self.sudo().filtered("mail_channel_id")
        if not sessions:
            return True
        # per conversation: did the visitor write, did a person (not the bot) answer (the channel's
        # welcome message, stored in the operator's name, is no answer)
        self.env.cr.execute("""
            SELECT s.id,
                   bool_or(m.author_id IS NULL) AS visitor_wrote,
                   bool_or(m.author_id IS NOT NULL AND m.author_id IS DISTINCT FROM bot.operator_partner_id)
                       AS person_answered,
                   bool_or(m.author_id IS NOT NULL AND m.author_id = bot.operator_partner_id) AS bot_wrote
              FROM livechat_session s
         LEFT JOIN livechat_chatbot_script bot ON bot.id = s.chatbot_script_id
         LEFT JOIN mail_message m ON m.model = 'mail.channel' AND m.res_id = s.mail_channel_id
                                 AND m.message_type = 'comment' AND m.livechat_welcome IS NOT TRUE
             WHERE s.id IN %s
          GROUP BY s.id
        """, (tuple(sessions.ids),))
        facts = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for session in sessions:
            visitor_wrote, person_answered, bot_wrote = facts.get(session.id, (False, False, False))
            visitor_wrote = visitor_wrote or bool(session.chatbot_answer_ids)
            session.outcome = session._outcome_from(bool(visitor_wrote), bool(person_answered), bool(bot_wrote))
        return True

    def _outcome_from(self, visitor_wrote, person_answered, bot_wrote):
        """The outcome of this session from what happened in it (see the field's help)."""
        self.ensure_one()
        if self.help_requested:
            return "escalated"
        if person_answered:
            return "answered"
        if self.no_one_available and not self.operator_id:
            return "no_one_available"
        if self.chatbot_script_id and not self.operator_id and visitor_wrote and bot_wrote:
            return "bot"
        return "no_answer" if visitor_wrote else False

    # ------------------------------------------------------------------
    # The live board of ongoing conversations
    # ------------------------------------------------------------------
    def _notify_ongoing(self):
        """Tell the web clients showing Live Chat > Ongoing (operators of these sessions' channels and
        the Live Chat administrators) to refresh it: a bare signal, the board reads what it may."""
        sessions = self.sudo().filtered("mail_channel_id")  # the board lists conversations only
        if not sessions:
            return
        users = sessions.mapped("channel_id.user_ids") | self.env.ref("livechat.group_livechat_manager").sudo().users
        partners = users.mapped("partner_id")
        self.env["bus.bus"]._livechat_sendmany([
            ((self.env.cr.dbname, "res.partner", partner.id), {"type": "livechat_ongoing"}) for partner in partners])

    # ------------------------------------------------------------------
    # The visitor panel
    # ------------------------------------------------------------------
    def _visitor_email(self):
        """The visitor's e-mail if he gave one: the signed visitor's, else his answer to the chatbot."""
        self.ensure_one()
        session = self.sudo()
        if "visitor_email" in session._fields and session["visitor_email"]:
            return session["visitor_email"]
        answers = session.chatbot_answer_ids.filtered(lambda answer: answer.step_type == "question_email")
        return answers[-1:].value or False

    def _previous_sessions(self, email=None):
        """Earlier conversations of the same browser (``visitor_uid``) or e-mail, newest first."""
        self.ensure_one()
        Session = self.env["livechat.session"].sudo()
        domain = []
        if self.visitor_uid:
            domain = [("visitor_uid", "=", self.visitor_uid)]
        if email:
            ids = self.env["livechat.session.answer"].sudo().search([
                ("step_id.step_type", "=", "question_email"), ("value", "=ilike", email)]).mapped("session_id").ids
            if ids:
                domain = (["|"] + domain if domain else []) + [("id", "in", ids)]
        if not domain:
            return Session
        return Session.search(domain + [("id", "!=", self.id), ("mail_channel_id", "!=", False)],
                              order="id desc", limit=PANEL_PREVIOUS_LIMIT)

    def _workspace_info(self):
        """The visitor panel and the workspace of the conversation, for the operators' web client."""
        self.ensure_one()
        session = self.sudo()
        email = session._visitor_email()
        rating_labels = dict(session._fields["rating"]._description_selection(self.env))
        outcome_labels = dict(session._fields["outcome"]._description_selection(self.env))
        status_labels = dict(session._fields["conversation_status"]._description_selection(self.env))
        previous = [{
            "id": other.id,
            "date": other.start_date,
            "channel": other.channel_id.name,
            "operator": other.operator_id._livechat_display_name() if other.operator_id else "",
            "rating": other.rating or "",
            "rating_label": rating_labels.get(other.rating, ""),
            "outcome_label": outcome_labels.get(other.outcome, ""),
        } for other in session._previous_sessions(email)]
        offline_domain = []
        if session.visitor_uid:
            offline_domain = [("visitor_uid", "=", session.visitor_uid)]
        if email:
            offline_domain = (["|"] + offline_domain if offline_domain else []) + [("email", "=ilike", email)]
        offline = self.env["livechat.offline.message"].sudo().search(
            offline_domain, limit=PANEL_OFFLINE_LIMIT) if offline_domain else []
        partner = self.env["res.partner"].sudo().search([("email", "=ilike", email)], limit=1) if email else None
        pages = session.page_ids
        return {
            "verified": bool("visitor_verified" in session._fields and session["visitor_verified"]),
            "email": email or "",
            "lang_name": session.visitor_lang_name or "",
            "current_page": pages[-1:].url or session.page_url or "",
            "status": session.conversation_status,
            "status_label": status_labels.get(session.conversation_status, ""),
            "statuses": [[key, status_labels[key]] for key, _label in STATUS_SELECTION],
            "tags": [{"id": tag.id, "name": tag.name, "color": tag.color} for tag in session.tag_ids],
            "notes": session.note_ids._panel_info(),
            "previous": previous,
            "chatbot_answers": [{"question": answer.question or "", "value": answer.value}
                                for answer in session.chatbot_answer_ids],
            "offline_messages": [{
                "date": message.create_date,
                "text": message.message[:PANEL_OFFLINE_TEXT],
                "state": message.state,
            } for message in offline],
            "partner": {"id": partner.id, "name": partner.name} if partner else False,
        }

    def _pages_history_html(self):
        """The /history answer: the pages the visitor opened, with their times (the user's time zone)."""
        self.ensure_one()
        session = self.sudo()
        pages = [(session.start_date, session.page_url)] if session.page_url else []
        pages += [(page.visit_date, page.url) for page in session.page_ids]
        if not pages:
            return html_escape(_("%s has not visited any page yet.") % session.visitor_name)
        lines = [html_escape(_("Pages visited by %s:") % session.visitor_name)]
        for date, url in pages:
            lines.append("%s %s" % (html_escape(session._local_time(date)[:16]), html_escape(url)))
        return "<br/>".join(lines)
