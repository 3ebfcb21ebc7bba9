"""The /transfer and /invite commands of a live chat conversation (operator side).

``/transfer @Marc a note``: Marc (a mention, completed with the operators' names) gets the conversation;
``/transfer #Sales a note`` (completed with the live chat channels' names) or ``/transfer Sales a note``:
an available operator of the live chat channel "Sales" does;
``/transfer`` or ``/invite`` alone opens the transfer form (completion of operators and channels).
Whatever follows the operator or channel is the note, for operators only
(``livechat.session._transfer``).
"""
import re

from odoo import _, api, models
from odoo.exceptions import UserError

from .livechat_session import html_to_text

COMMAND = re.compile(r"^\s*/(transfer|invite)\b", re.IGNORECASE)


class MailChannel(models.Model):
    """Transfer and invite, typed in the conversation."""

    _inherit = "mail.channel"

    def _define_command_transfer(self):
        return {"channel_types": ["livechat"],
                "help": _("Transfer the conversation to an operator (@name) or a channel, with a note")}

    def _define_command_invite(self):
        return {"channel_types": ["livechat"], "help": _("Invite an operator (@name) into the conversation")}

    def _execute_command_transfer(self, **kwargs):
        self._livechat_transfer_command("transfer", kwargs)
        return True

    def _execute_command_invite(self, **kwargs):
        self._livechat_transfer_command("invite", kwargs)
        return True

    @api.model
    def _livechat_parse_transfer(self, text, partner_ids, kind):
        """(user, channel, note) that ``text`` (the command's plain text) names; user and channel empty
        when it names none."""
        users = self.env["res.users"]
        channels = self.env["livechat.channel"]
        rest = COMMAND.sub("", (text or "").replace("\xa0", " "), count=1).strip()
        if partner_ids:
            partner = self.env["res.partner"].sudo().browse(partner_ids[0])
            user = partner.user_ids.filtered(lambda user: not user.share)[:1]
            mention = "@" + (partner.name or "")
            if rest.startswith(mention):
                rest = rest[len(mention):]
            return user.sudo(self.env.uid), channels, rest.strip()
        if kind == "transfer" and rest:
            rest = rest[1:] if rest.startswith("#") else rest
            lowered = rest.lower()
            named = [channel for channel in channels.search([]) if lowered.startswith(channel.name.lower())
                     and (len(rest) == len(channel.name) or rest[len(channel.name)].isspace())]
            if named:
                channel = max(named, key=lambda channel: len(channel.name))
                return users, channel, rest[len(channel.name):].strip()
        return users, channels, rest

    def _livechat_transfer_command(self, kind, kwargs):
        """Transfer or invite as the command says, or open the transfer form when it names nobody."""
        if self.channel_type != "livechat":
            return
        self._livechat_check_member()
        session = self.sudo().livechat_session_ids[:1]
        if not session:
            raise UserError(_("This conversation has no visitor."))
        user, channel, note = self._livechat_parse_transfer(
            html_to_text(kwargs.get("body") or ""), kwargs.get("partner_ids") or [], kind)
        session = session.sudo(self.env.uid)
        if user and kind == "invite":
            session._invite(user, note)
        elif user or channel:
            session._transfer(user, channel, note)
        else:
            self.env["bus.bus"].sendone((self._cr.dbname, "res.partner", self.env.user.partner_id.id), {
                "type": "livechat_transfer_form",
                "action": session._transfer_form_action(kind),
            })

    # ------------------------------------------------------------------
    # Completion in the composer, after /transfer and /invite (static/src/backend/transfer)
    # ------------------------------------------------------------------
    @api.model
    def livechat_transfer_operator_suggestions(self, search="", limit=8):
        """Operators whose name matches ``search``, as the composer's @ completion shows partners
        (for operators only)."""
        group = self.env.ref("livechat.group_livechat_user")
        if group not in self.env.user.groups_id:
            return []
        users = self.env["res.users"].search([
            ("groups_id", "in", group.ids), ("share", "=", False), ("id", "!=", self.env.uid),
            "|", "|", ("name", "ilike", search or ""), ("livechat_username", "ilike", search or ""),
            ("login", "ilike", search or "")], limit=limit)
        return [{"id": user.partner_id.id, "name": user.partner_id.name, "email": user.partner_id.email or False}
                for user in users]

    @api.model
    def livechat_transfer_channel_suggestions(self, search="", limit=8):
        """Live chat channels whose name matches ``search``, as the composer's # completion shows channels
        (for operators only)."""
        if not self.env.user.has_group("livechat.group_livechat_user"):
            return []
        channels = self.env["livechat.channel"].search([("name", "ilike", search or "")], limit=limit)
        return [{"id": channel.id, "name": channel.name, "public": "public"} for channel in channels]
