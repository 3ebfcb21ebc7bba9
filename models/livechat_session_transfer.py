"""Transfer and invite: an operator hands a conversation to another operator or channel, or asks a
colleague in.

Transfer: the new operator joins the conversation (he sees its whole history, and the note left for
him: a message of kind 'note', which the visitor's history and bus never carry), the visitor reads
"Marc joined the conversation" and his window's header shows Marc (event ``operator``), the operator
who transferred leaves; the session's operator (and channel) change. Invite: the colleague joins
too, the operator stays. Each is kept as a ``livechat.session.transfer`` record, for the reports.
"""
import pytz

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .livechat_events import OPERATOR

TRANSFER_KINDS = [("transfer", "Transfer"), ("invite", "Invitation")]


class LivechatSessionTransfer(models.Model):
    """One transfer or invitation of a conversation: who, to whom, which channel, when, the note."""

    _name = "livechat.session.transfer"
    _description = "Live Chat Transfer"
    _order = "date desc, id desc"
    _rec_name = "session_id"

    session_id = fields.Many2one("livechat.session", string="Session", required=True, index=True,
                                 ondelete="cascade")
    kind = fields.Selection(TRANSFER_KINDS, string="Type", required=True, default="transfer")
    date = fields.Datetime(string="Date", required=True, default=fields.Datetime.now, index=True)
    hour = fields.Integer(string="Hour of the Day", group_operator="min",
                          help="Hour of the transfer (0-23) in the timezone of the channel's business "
                               "hours, else UTC.")
    from_operator_id = fields.Many2one("res.users", string="From Operator", index=True, ondelete="set null")
    to_operator_id = fields.Many2one("res.users", string="To Operator", index=True, ondelete="set null")
    channel_id = fields.Many2one("livechat.channel", string="From Channel", ondelete="set null")
    to_channel_id = fields.Many2one("livechat.channel", string="To Channel", ondelete="set null")
    note = fields.Text(string="Note for Operators", help="Never shown to the visitor.")
    nbr = fields.Integer(string="Count", default=1, readonly=True)


class LivechatSession(models.Model):
    """Transfer and invite (see the module docstring)."""

    _inherit = "livechat.session"

    transfer_ids = fields.One2many("livechat.session.transfer", "session_id", string="Transfers")

    def _check_may_transfer(self):
        """Only a member of the conversation (or a Live Chat administrator) hands it on, while it is open."""
        self.ensure_one()
        session = self.sudo()
        if session.state != "open":
            raise UserError(_("This conversation has ended."))
        conversation = session.mail_channel_id
        members = conversation.channel_partner_ids if conversation else session.operator_id.partner_id
        if self.env.user.partner_id not in members and self.env.user != session.operator_id \
                and not self.env.user.has_group("livechat.group_livechat_manager"):
            raise AccessError(_("You are not a member of the conversation %s.") % session.visitor_name)

    @api.model
    def _check_operator_user(self, user):
        """A colleague who may answer visitors: an internal user with the Live Chat right."""
        # has_group would check the current user: the groups of ``user`` are read
        if not user or user.share or not user.active \
                or self.env.ref("livechat.group_livechat_user") not in user.sudo().groups_id:
            raise UserError(_("%s is not a live chat operator.") % (user.name if user else _("Nobody")))

    def _join_operator(self, user):
        """``user`` becomes a member of the conversation (its whole history), his chat window opens, and
        the visitor reads "Marc joined the conversation" (once: not again when an invited colleague is
        then given the conversation)."""
        self.ensure_one()
        session = self.sudo()
        conversation = session.mail_channel_id
        if not conversation:
            return
        membership = conversation.channel_last_seen_partner_ids.filtered(
            lambda member: member.partner_id == user.partner_id)
        values = self._operator_membership(user)
        if membership:
            # invited before: he is there already, the visitor was told
            membership.write(values)
            session._notify_operator_new_conversation(user)
            return
        conversation.write({"channel_last_seen_partner_ids": [(0, 0, values)]})
        session._notify_operator_new_conversation(user)
        session._post(session._joined_text(user), user.partner_id, kind="system")

    def _joined_text(self, user):
        return _("%s joined the conversation.") % user._livechat_display_name()

    def _leave_operator(self, user, message=None):
        """``user`` leaves the conversation: no longer a member, his chat window closes (``message``: why)."""
        self.ensure_one()
        conversation = self.sudo().mail_channel_id
        if not conversation:
            return
        conversation.channel_last_seen_partner_ids.filtered(
            lambda member: member.partner_id == user.partner_id).unlink()
        notification = {"type": "livechat_unpinned", "id": conversation.id}
        if message:
            notification.update(title=_("Live Chat"), message=message)
        self.env["bus.bus"].sendone((self.env.cr.dbname, "res.partner", user.partner_id.id), notification)

    def _record_transfer(self, kind, from_user, to_user, from_channel, to_channel, note):
        self.ensure_one()
        date = fields.Datetime.now()
        zone = pytz.timezone(from_channel.sudo().hours_tz or "UTC") if from_channel.sudo().hours_enabled else pytz.utc
        hour = pytz.utc.localize(fields.Datetime.from_string(date)).astimezone(zone).hour
        return self.env["livechat.session.transfer"].sudo().create({
            "session_id": self.id, "kind": kind, "date": date, "hour": hour,
            "from_operator_id": from_user.id or False, "to_operator_id": to_user.id,
            "channel_id": from_channel.id, "to_channel_id": to_channel.id or False, "note": note or False,
        })

    def _transfer(self, to_user=None, to_channel=None, note=""):
        """Hand the conversation to ``to_user``, or to an available operator of ``to_channel`` (the
        session then belongs to that channel). ``note``: for operators only. Returns the new operator."""
        self.ensure_one()
        self._check_may_transfer()
        session = self.sudo()
        from_user, from_channel = session.operator_id, session.channel_id
        to_user = to_user or self.env["res.users"]
        to_channel = to_channel or self.env["livechat.channel"]
        if not to_user and not to_channel:
            raise UserError(_("Choose the operator or the channel to transfer the conversation to."))
        if not to_user:
            to_user = self._select_operator(to_channel, exclude=self.env.user | from_user)
            if not to_user:
                raise UserError(_("No operator of the channel %s is available now.") % to_channel.name)
        self._check_operator_user(to_user)
        if to_user == from_user:
            raise UserError(_("%s already answers this conversation.") % to_user.name)
        values = {"operator_id": to_user.id}
        if to_channel and to_channel != from_channel:
            values["channel_id"] = to_channel.id
        session.write(values)
        note = (note or "").strip()
        if note and session.mail_channel_id:
            session._post(note, self.env.user.partner_id, kind="note")
        session._join_operator(to_user)
        session._send_event(OPERATOR, {"operator_name": to_user._livechat_display_name()})
        for user in (from_user | self.env.user) - to_user:
            if user.partner_id in session.mail_channel_id.channel_partner_ids:
                session._leave_operator(user, session.with_context(lang=user.lang)._transferred_text(to_user))
        session._record_transfer("transfer", from_user, to_user, from_channel, to_channel, note)
        return to_user

    def _transferred_text(self, to_user):
        return _("You transferred the conversation with %(visitor)s to %(operator)s.") % {
            "visitor": self.visitor_name, "operator": to_user.name}

    def _invite(self, user, note=""):
        """Ask ``user`` into the conversation: he joins it (its whole history), the operator stays."""
        self.ensure_one()
        self._check_may_transfer()
        self._check_operator_user(user)
        session = self.sudo()
        if not session.mail_channel_id:
            raise UserError(_("The visitor has not written yet: transfer the conversation instead."))
        if user.partner_id in session.mail_channel_id.channel_partner_ids:
            raise UserError(_("%s is already in this conversation.") % user.name)
        note = (note or "").strip()
        if note:
            session._post(note, self.env.user.partner_id, kind="note")
        session._join_operator(user)
        session._record_transfer("invite", self.env.user, user, session.channel_id, self.env["livechat.channel"],
                                 note)
        return user

    def _leave_invited(self, user):
        """An invited colleague leaves the conversation; the visitor reads it, the operator stays."""
        self.ensure_one()
        session = self.sudo()
        session._post(_("%s left the conversation.") % user._livechat_display_name(), user.partner_id,
                      kind="system")
        session._leave_operator(user, _("You left the conversation with %s.") % session.visitor_name)

    def _transfer_form_action(self, kind="transfer"):
        """The transfer form (``livechat.session.transfer.wizard``) for this conversation, as a dialog."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Invite an Operator") if kind == "invite" else _("Transfer the Conversation"),
            "res_model": "livechat.session.transfer.wizard",
            "view_mode": "form",
            "views": [[False, "form"]],
            "target": "new",
            "context": {"default_session_id": self.id, "default_kind": kind},
        }

    def action_transfer(self):
        """Button of the session's form: the transfer form."""
        return self._transfer_form_action()
