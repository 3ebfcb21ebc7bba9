"""What installing and uninstalling the addon do beyond Odoo's own bookkeeping."""
import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def uninstall_hook(cr, registry):
    """Uninstalling erases what the addon created for visitors.

    Odoo drops the addon's own tables, but the conversations are ``mail.channel`` records of Odoo's
    mail module: left behind, they would keep every visitor's messages (and show up in Discuss as
    channels of an unknown type). They go as a visitor's data is erased (``livechat.session._erase``),
    with the offline messages and the contacts the chatbots talked as; a reinstall starts clean.
    """
    env = api.Environment(cr, SUPERUSER_ID, {})
    # the erasure of a visitor's data, for every visitor: conversations, messages, e-mails, attachments,
    # bus notifications; and the offline messages with the operators' notifications of them
    sessions = env["livechat.session"].with_context(active_test=False).search([])
    count = sessions._erase()
    env["mail.channel"].with_context(active_test=False).search([("channel_type", "=", "livechat")]).unlink()
    env["livechat.offline.message"].search([])._erase()
    scripts = env["livechat.chatbot.script"].with_context(active_test=False).search([])
    bot_partners = scripts.mapped("operator_partner_id")
    scripts.unlink()  # their tables go anyway; first, so that the bots' contacts can go
    # the bots' contacts, unless something outside the addon refers to them (messages elsewhere)
    cr.execute("SELECT DISTINCT author_id FROM mail_message WHERE author_id IN %s",
               (tuple(bot_partners.ids) or (0,),))
    referenced = {row[0] for row in cr.fetchall()}
    bot_partners.filtered(lambda partner: partner.id not in referenced).unlink()
    _logger.info("livechat uninstall: %d conversations erased", count)
