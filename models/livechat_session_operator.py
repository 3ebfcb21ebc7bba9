from odoo import _, fields, models

from .livechat_session_page import MAX_PAGES_PER_SESSION


def _by_lang(users):
    """``users`` grouped by their language (what they read is built once per language)."""
    groups = {}
    for user in users:
        groups.setdefault(user.lang, []).append(user)
    return groups


class LivechatSession(models.Model):
    """The operator's side of a session: who the visitor is, where he goes, and leaving."""

    _inherit = "livechat.session"

    page_ids = fields.One2many("livechat.session.page", "session_id", string="Visited Pages",
                               help="Pages the visitor opened since the conversation started "
                                    "(the last %d)." % MAX_PAGES_PER_SESSION)

    def _operator_info(self):
        """What the operator's chat window and Discuss show about the visitor."""
        self.ensure_one()
        session = self.sudo()
        return {
            "session_id": session.id,
            "visitor_name": session.visitor_name,
            "visitor_verified": session.visitor_verified,
            "visitor_email": session.visitor_email or "",
            "country_name": session.country_id.name or "",
            "country_code": (session.country_id.code or "").lower(),
            "page_url": session.page_url or "",
            "pages": [{"url": page.url, "date": page.visit_date} for page in session.page_ids],
            "start_date": session.start_date,
            "end_date": session.end_date or False,
            "state": session.state,
            "visitor_seen_message_id": session.visitor_seen_message_id,
            # status, notes, tags and the visitor panel (livechat_session_workspace.py)
            "workspace": session._workspace_info(),
        }

    def _notify_operator_update(self):
        """Refresh, in the web client of the conversation's operators (its operator and those who joined
        it), what they see about these sessions' visitors."""
        notifications = []
        for session in self.sudo().filtered(lambda session: session.operator_id and session.mail_channel_id):
            members = session.mail_channel_id.channel_partner_ids.mapped("user_ids").filtered(
                lambda user: not user.share) | session.operator_id
            for lang, users in _by_lang(members).items():
                info = session.with_context(lang=lang)._operator_info()
                for user in users:
                    notifications.append([(self.env.cr.dbname, "res.partner", user.partner_id.id), {
                        "type": "livechat_session_update",
                        "channel_id": session.mail_channel_id.id,
                        "livechat": info,
                    }])
        if notifications:
            self.env["bus.bus"]._livechat_sendmany(notifications)

    def _record_page_visit(self, url):
        """The visitor opened ``url`` (reported by the widget): add it to the pages the operator sees.

        A reload of the last page is not repeated; only the last pages are kept.
        Returns whether a page was added.
        """
        self.ensure_one()
        url = self.env["livechat.session.page"]._clean_url(url)
        session = self.sudo()
        if session.state != "open":
            return False
        last_url = session.page_ids[-1:].url or session.page_url
        if url == last_url:
            return False
        pages = self.env["livechat.session.page"].sudo()
        pages.create({"session_id": session.id, "url": url})
        pages.search([("session_id", "=", session.id)], order="visit_date desc, id desc",
                     offset=MAX_PAGES_PER_SESSION).unlink()
        session._notify_operator_update()
        return True

    def _operator_left_text(self):
        self.ensure_one()
        operator = self.sudo().operator_id
        name = operator._livechat_display_name() if operator else _("The operator")
        return _("%s left the conversation.") % name
