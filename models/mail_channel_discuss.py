from odoo import _, api, models
from odoo.exceptions import AccessError
from odoo.tools import html_escape


class MailChannel(models.Model):
    """Live chat conversations on the operator's side: Discuss, chat windows, /leave and /help."""

    # mail.channel is extended per concern: here the operator's side, in mail_channel.py the visitor's
    _inherit = "mail.channel"

    # ------------------------------------------------------------------
    # What the web client knows of a conversation
    # ------------------------------------------------------------------
    def channel_info(self, extra_info=False):
        """Live chat conversations also carry who the visitor is (key ``livechat``)."""
        infos = super(MailChannel, self).channel_info(extra_info=extra_info)
        livechat_channels = self.filtered(lambda channel: channel.channel_type == "livechat")
        if livechat_channels:
            sessions = {session.mail_channel_id.id: session
                        for session in livechat_channels.sudo().mapped("livechat_session_ids")}
            for info in infos:
                session = sessions.get(info["id"])
                if session:
                    info["livechat"] = session._operator_info()
        return infos

    @api.model
    def _livechat_discuss_channels(self):
        """The current user's live chat conversations listed in Discuss: pinned, still open, newest first."""
        pinned = self.env["mail.channel.partner"].search([
            ("partner_id", "=", self.env.user.partner_id.id),
            ("is_pinned", "=", True),
            ("channel_id.channel_type", "=", "livechat"),
        ]).mapped("channel_id")
        if not pinned:
            return pinned
        # sudo: employees who are not operators may not read sessions; the list is limited to their channels
        open_ids = self.sudo().search([
            ("id", "in", pinned.ids),
            ("livechat_session_ids.state", "=", "open"),
        ], order="id desc").ids
        return self.browse(open_ids)

    @api.model
    def channel_fetch_slot(self):
        """Discuss lists the user's open live chat conversations under their own heading."""
        values = super(MailChannel, self).channel_fetch_slot()
        values["channel_livechat"] = self._livechat_discuss_channels().channel_info()
        return values

    def channel_join_and_get_info(self):
        """An ended live chat (announced a moment ago, fetched late) opens no chat window."""
        self.ensure_one()
        if self.channel_type != "livechat" or self.sudo().livechat_session_ids.filtered(
                lambda session: session.state == "open"):
            return super(MailChannel, self).channel_join_and_get_info()
        self.action_follow()
        info = self.channel_info()[0]
        info.update(state="closed", is_minimized=False)
        return info

    @api.model
    def channel_pin(self, uuid, pinned=False):
        """Unpinning a live chat conversation removes it from the operator's web client.

        Odoo's 'unsubscribe' notification is not used: the web client would show the visitor's
        name as HTML in its "You unpinned your conversation with ..." notice.
        """
        channel = self.search([("uuid", "=", uuid), ("channel_type", "=", "livechat")], limit=1)
        if not channel or pinned:
            return super(MailChannel, self).channel_pin(uuid, pinned=pinned)
        memberships = self.env["mail.channel.partner"].search([
            ("partner_id", "=", self.env.user.partner_id.id), ("channel_id", "=", channel.id)])
        memberships.write({"is_pinned": False, "is_minimized": False, "fold_state": "closed"})
        notification = {"type": "livechat_unpinned", "id": channel.id}
        if self.env.context.get("livechat_operator_left"):
            notification.update(title=_("Live Chat"),
                                message=_("You left the conversation with %s.") % channel.name)
        self.env["bus.bus"].sendone((self._cr.dbname, "res.partner", self.env.user.partner_id.id), notification)
        return True

    # ------------------------------------------------------------------
    # Commands typed in the conversation: /leave, /help
    # ------------------------------------------------------------------
    def _livechat_check_member(self):
        """Commands act for members of the conversation only."""
        if self.env.user.partner_id not in self.sudo().channel_partner_ids:
            raise AccessError(_("You are not a member of the conversation %s.") % self.name)

    def _execute_command_leave(self, **kwargs):
        """/leave in a live chat: the visitor is told, the conversation ends and leaves your list."""
        if self.channel_type != "livechat":
            return super(MailChannel, self)._execute_command_leave(**kwargs)
        self._livechat_check_member()
        session = self.sudo().livechat_session_ids[:1]
        if session.state == "open" and session.operator_id and session.operator_id != self.env.user:
            # an invited colleague leaves alone: the conversation goes on with its operator
            session._leave_invited(self.env.user)
            return True
        self.sudo().livechat_session_ids._end("operator")
        self.with_context(livechat_operator_left=True).channel_pin(self.uuid, False)
        return True

    def _execute_command_help(self, **kwargs):
        """/help in a live chat: who the visitor is, and the commands available here."""
        if self.channel_type != "livechat":
            return super(MailChannel, self)._execute_command_help(**kwargs)
        self._livechat_check_member()
        self._send_transient_message(self.env.user.partner_id, self._livechat_help_html())
        return True

    def _livechat_help_html(self):
        """The /help answer: the visitor, then each command with what it does (all escaped)."""
        self.ensure_one()
        session = self.sudo().livechat_session_ids[:1]
        visitor = session.visitor_name or self.name
        if session.country_id:
            intro = _("You are chatting with the website visitor %(visitor)s (%(country)s).") % {
                "visitor": visitor, "country": session.country_id.name}
        else:
            intro = _("You are chatting with the website visitor %s.") % visitor
        lines = [html_escape(intro), html_escape(_("Type a command at the start of a message:"))]
        for command in sorted(self.get_mention_commands(), key=lambda command: command["name"]):
            channel_types = command.get("channel_types")
            if channel_types and "livechat" not in channel_types:
                continue
            name, text = command["name"], self._livechat_command_help(command)
            lines.append("<b>/%s</b>: %s" % (html_escape(name), html_escape(text)))
        return "<br/>".join(lines)

    @api.model
    def _livechat_command_help(self, command):
        """What a command does in a live chat conversation (Odoo's own texts speak of channels)."""
        texts = {
            "leave": _("Leave this conversation: the visitor is told and the chat ends."),
            "help": _("Show this help."),
            "transfer": _("Transfer the conversation: /transfer @operator or /transfer channel name, then a "
                          "note for operators only; /transfer alone opens the transfer form."),
            "invite": _("Invite an operator into the conversation: /invite @operator, then a note for "
                        "operators only."),
        }
        return texts.get(command["name"]) or command.get("help") or ""
