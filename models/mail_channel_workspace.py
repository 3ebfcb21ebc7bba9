"""The operator's commands of the workspace in a live chat: /history, /note, /tag.

Defined as mail's commands are (``_define_command_<name>`` / ``_execute_command_<name>``): the web
client completes them after "/" and sends them to ``execute_command``, never as a message. Their
answers are transient messages to the operator who typed them (mail's ``_send_transient_message``):
nothing is stored in the conversation, nothing reaches the visitor.
"""
import re

from odoo import _, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import html_escape

from .livechat_session import html_to_text

COMMAND_PREFIX = re.compile(r"^\s*/\w+\s*")


class MailChannel(models.Model):
    _inherit = "mail.channel"

    def _livechat_command_argument(self, body):
        """What follows the command in what the operator typed (the composer's HTML), as plain text."""
        return COMMAND_PREFIX.sub("", html_to_text(body or "").replace("\xa0", " "), count=1).strip()

    def _livechat_command_session(self):
        """The session of this conversation, for a member (mail's commands act for members only)."""
        self.ensure_one()
        self._livechat_check_member()
        session = self.sudo().livechat_session_ids[:1]
        return session.sudo(self.env.uid)

    def _livechat_command_reply(self, html):
        self._send_transient_message(self.env.user.partner_id, html)

    def _livechat_command_error(self, error):
        self._livechat_command_reply(html_escape(error.name))

    def _define_command_history(self):
        return {"channel_types": ["livechat"], "help": _("List the pages the visitor visited (only you see it).")}

    def _execute_command_history(self, **kwargs):
        """/history: the pages the visitor opened, answered to the operator only."""
        session = self._livechat_command_session()
        self._livechat_command_reply(session._pages_history_html())
        return True

    def _define_command_note(self):
        return {"channel_types": ["livechat"],
                "help": _("Add an internal note: /note text (never shown to the visitor).")}

    def _execute_command_note(self, body="", **kwargs):
        """/note text: an internal note on the session, never sent to the visitor."""
        session = self._livechat_command_session()
        try:
            session.action_add_note(self._livechat_command_argument(body))
        except (UserError, ValidationError) as error:
            self._livechat_command_error(error)
            return False
        self._livechat_command_reply(html_escape(_("Note added. The visitor does not see it.")))
        return True

    def _define_command_tag(self):
        return {"channel_types": ["livechat"], "help": _("Tag the conversation: /tag name.")}

    def _execute_command_tag(self, body="", **kwargs):
        """/tag name: tag the session (the tag is created if it is new)."""
        session = self._livechat_command_session()
        name = self._livechat_command_argument(body)
        try:
            session.action_add_tag(name)
        except (UserError, ValidationError) as error:
            self._livechat_command_error(error)
            return False
        self._livechat_command_reply(html_escape(_("Tagged %s.") % " ".join(name.split())))
        return True
