"""Data protection: closed conversations are kept N days, and one visitor's data is erased on request
(confirmed in the wizard ``livechat.visitor.erase``, wizard/livechat_visitor_erase.py)."""
import logging
import threading
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.addons.bus.models.bus import json_dump

from .livechat_input import is_email

_logger = logging.getLogger(__name__)

RETENTION_PARAM = "livechat.retention_days"
# Retention erases this many sessions (or offline messages) per transaction, committed one after the
# other: a first run on years of conversations never holds its locks for long.
RETENTION_BATCH_SIZE = 200


class LivechatSession(models.Model):
    """Retention of closed sessions and erasure of a visitor's data."""

    _inherit = "livechat.session"

    @api.model
    def _retention_days(self):
        """Days closed sessions are kept; 0 (the default) keeps them forever."""
        value = self.env["ir.config_parameter"].sudo().get_param(RETENTION_PARAM, "0")
        try:
            return max(int(value), 0)
        except (TypeError, ValueError):
            return 0

    @api.model
    def _gc_expired_sessions(self, batch_size=RETENTION_BATCH_SIZE):
        """Cron: erase the sessions closed, and the offline messages left, more than the retention
        setting's days ago, ``batch_size`` records a transaction. Returns the number of batches."""
        days = self._retention_days()
        if not days:
            return 0
        limit = fields.Datetime.to_string(fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=days))
        expired = [
            ("livechat.session", [("state", "=", "closed"), "|", ("end_date", "<", limit),
                                  "&", ("end_date", "=", False), ("start_date", "<", limit)]),
            ("livechat.offline.message", [("create_date", "<", limit)]),
        ]
        batches = 0
        for model, domain in expired:
            erased = set()
            while True:
                records = self.env[model].sudo().search(domain, limit=batch_size, order="id")
                if not records or erased.intersection(records.ids):
                    break  # done (or a record that would not go: never loop on it)
                erased.update(records.ids)
                _logger.info("Live chat retention (%d days): erasing %d %s", days, len(records), model)
                records._erase()
                batches += 1
                self._commit_batch()
        return batches

    def _commit_batch(self):
        """Commit a batch of the retention cron, except in tests (their transaction is rolled back)."""
        if not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _visitor_sessions(self):
        """The sessions of the visitors of these sessions: same browser id, else the session alone."""
        sessions = self.sudo()
        uids = [uid for uid in sessions.mapped("visitor_uid") if uid]
        if uids:
            sessions |= self.sudo().search([("visitor_uid", "in", uids)])
        return sessions

    def _visitor_emails(self):
        """The e-mail addresses the visitors of these sessions gave: to the chatbot, for a transcript."""
        sessions = self.sudo()
        answers = self.env["livechat.session.answer"].sudo().search([("session_id", "in", sessions.ids)])
        emails = {value.strip() for value in answers.mapped("value") if is_email(value.strip())}
        # transcripts still in the mail queue (sent ones are deleted)
        mails = self.env["mail.mail"].sudo().search([
            ("model", "=", "livechat.session"), ("res_id", "in", sessions.ids)])
        emails.update(address for address in mails.mapped("email_to") if address)
        return emails

    def _visitor_offline_messages(self):
        """The offline messages of the visitors of these sessions: from the same browser, or left with an
        e-mail address they gave (in a session or in an offline message from their browser)."""
        uids = [uid for uid in self.sudo().mapped("visitor_uid") if uid]
        Offline = self.env["livechat.offline.message"]
        from_browser = Offline._of_visitors(visitor_uids=uids)
        emails = self._visitor_emails() | set(from_browser.mapped("email"))
        return Offline._of_visitors(visitor_uids=uids, emails=emails)

    def _erase(self):
        """Delete these sessions with their conversations, messages, e-mails, attachments and bus events."""
        sessions = self.sudo().exists()
        if not sessions:
            return 0
        channels = sessions.mapped("mail_channel_id")
        dbname = self.env.cr.dbname
        bus_channels = [json_dump(session._bus_channel()) for session in sessions]
        bus_channels += [json_dump((dbname, "mail.channel", channel_id)) for channel_id in channels.ids]
        documents = [("livechat.session", sessions.ids), ("mail.channel", channels.ids)]
        for model, ids in documents:
            if not ids:
                continue
            # transcript e-mails (mail.mail) go with their mail.message; the files of the messages
            # (the visitor's, the operators') with them, wherever they were attached
            messages = self.env["mail.message"].sudo().search([("model", "=", model), ("res_id", "in", ids)])
            files = messages.mapped("attachment_ids")
            messages.unlink()
            files.exists().unlink()
            self.env["ir.attachment"].sudo().search([("res_model", "=", model), ("res_id", "in", ids)]).unlink()
        self.env.cr.execute("DELETE FROM bus_bus WHERE channel IN %s", (tuple(bus_channels),))
        count = len(sessions)
        sessions.unlink()
        channels.exists().unlink()
        return count

    def _check_can_erase(self):
        if not self.env.user.has_group("livechat.group_livechat_manager"):
            raise AccessError(_("Only Live Chat administrators can erase a visitor's data."))

    def action_erase_visitor_data(self):
        """Open the confirmation of the erasure of these sessions' visitors' data."""
        self._check_can_erase()
        wizard = self.env["livechat.visitor.erase"].create({"session_ids": [(6, 0, self.ids)]})
        return {
            "type": "ir.actions.act_window",
            "name": _("Erase Visitor Data"),
            "res_model": "livechat.visitor.erase",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }
