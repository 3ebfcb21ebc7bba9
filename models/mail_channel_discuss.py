import re

from odoo import _, api, models
from odoo.exceptions import AccessError
from odoo.tools import html_escape

from .livechat_session import html_to_text

# a command typed at the start of a message: "/leave", "/help please" (not "/path/to", "/ leave")
TYPED_COMMAND = re.compile(r"^\s*/([A-Za-z_]\w*)(?=\s|$)")


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
            latest = self._livechat_latest_message_ids(livechat_channels.ids)
            for info in infos:
                session = sessions.get(info["id"])
                if session:
                    info["livechat"] = session._operator_info()
                    info["livechat_last_message_id"] = latest.get(info["id"], 0)
        return infos

    @api.model
    def _livechat_latest_message_ids(self, channel_ids):
        """{conversation id: id of its latest message}: Discuss lists conversations by it."""
        if not channel_ids:
            return {}
        self.env.cr.execute("""
            SELECT res_id, max(id) FROM mail_message
             WHERE model = 'mail.channel' AND res_id IN %s
          GROUP BY res_id
        """, (tuple(channel_ids),))
        return dict(self.env.cr.fetchall())

    @api.model
    def _livechat_discuss_channels(self):
        """The current user's live chat conversations listed in Discuss: pinned, still open, the one
        with the latest message first."""
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
        ]).ids
        latest = self._livechat_latest_message_ids(open_ids)
        return self.browse(sorted(open_ids, key=lambda id_: (latest.get(id_, 0), id_), reverse=True))

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
    def _livechat_commands(self):
        """The names of the commands available in a live chat conversation."""
        return {command["name"] for command in self.get_mention_commands()
                if not command.get("channel_types") or "livechat" in command["channel_types"]}

    def _livechat_typed_command(self, body, content_subtype="html", **kwargs):
        """Run the command that ``body`` (a message the operator posts) starts with; returns whether it
        was one. ``/word`` followed by a space or nothing is a command: a known one runs with the
        arguments Odoo's web client gives a command picked in its list (the body, ``kwargs``: what
        message_post got), an unknown one is answered to the operator only. "/path/to" is not one."""
        self.ensure_one()
        text = body if content_subtype == "plaintext" else html_to_text(body)
        match = TYPED_COMMAND.match(text or "")
        if not match:
            return False
        name = match.group(1)
        if name in self._livechat_commands():
            self.execute_command(command=name, body=body, content_subtype=content_subtype, **kwargs)
        else:
            self._livechat_check_member()
            self._send_transient_message(self.env.user.partner_id, html_escape(
                _("Unknown command /%s: nothing was sent to the visitor. Type /help for the commands.") % name))
        return True

    def execute_command(self, command="", **kwargs):
        """An unknown command in a live chat is answered, as one typed in full (``_livechat_typed_command``)."""
        if (len(self) == 1 and self.channel_type == "livechat" and command
                and command not in self._livechat_commands()):
            return self._livechat_typed_command("/%s" % command, "plaintext")
        return super(MailChannel, self).execute_command(command=command, **kwargs)

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
