import random
import secrets
from datetime import timedelta

from lxml import html as lxml_html

from odoo import _, api, fields, models
from odoo.addons.bus.models.bus import json_dump
from odoo.tools import plaintext2html

MESSAGE_MAX_LENGTH = 4000
HISTORY_LIMIT = 200
ABANDONED_AFTER = timedelta(hours=24)
# an opened chat in which the visitor has not written yet: counts in its operator's load this long,
# and is closed after SILENT_CLOSED_AFTER
UNANSWERED_OPENING_COUNTS = timedelta(minutes=10)
SILENT_CLOSED_AFTER = timedelta(hours=1)
BLOCK_TAGS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre")


def html_to_text(body):
    """The plain text of a message body: what the visitor sees, never markup."""
    if not body:
        return ""
    try:
        root = lxml_html.fragment_fromstring(body, create_parent="div")
    except (ValueError, TypeError):
        return body
    for element in root.iter("br"):
        element.tail = "\n" + (element.tail or "")
    for element in root.iter(*BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    lines = [line.strip() for line in root.text_content().splitlines()]
    return "\n".join(lines).strip()


def utc_iso(value):
    """'2018-07-03 10:00:00' (Odoo 11 UTC datetime string) -> '2018-07-03T10:00:00Z'."""
    return value and "%sZ" % str(value).replace(" ", "T")


class LivechatSession(models.Model):
    """One conversation between a website visitor and an operator (or a chatbot)."""

    _name = "livechat.session"
    _description = "Live Chat Session"
    _order = "id desc"
    _rec_name = "visitor_name"

    channel_id = fields.Many2one("livechat.channel", string="Channel", required=True, index=True,
                                 ondelete="cascade")
    rule_id = fields.Many2one("livechat.channel.rule", string="Rule", ondelete="set null")
    mail_channel_id = fields.Many2one("mail.channel", string="Conversation", ondelete="set null",
                                      index=True)
    operator_id = fields.Many2one("res.users", string="Operator", index=True, ondelete="set null")
    visitor_name = fields.Char(string="Visitor", required=True)
    visitor_uid = fields.Char(
        string="Visitor Browser", index=True, copy=False,
        help="Random id kept by the visitor's browser: the same visitor gets the same operator again.")
    country_id = fields.Many2one("res.country", string="Country")
    page_url = fields.Char(string="Started on Page")
    user_agent = fields.Char(string="User Agent")
    start_date = fields.Datetime(string="Started", default=fields.Datetime.now, required=True)
    end_date = fields.Datetime(string="Ended")
    state = fields.Selection([
        ("open", "In Progress"),
        ("closed", "Closed"),
    ], default="open", required=True, index=True)
    access_token = fields.Char(
        required=True, copy=False, index=True, groups="base.group_system",
        default=lambda self: secrets.token_urlsafe(32),
        help="Secret the visitor's browser holds to read and post to this session only.")

    _sql_constraints = [
        ("access_token_unique", "unique(access_token)", "Session tokens are unique."),
    ]

    def _bus_channel(self):
        """The bus channel the visitor's widget listens on (a tuple: not reachable by /longpolling/send)."""
        self.ensure_one()
        return (self.env.cr.dbname, "livechat.session", self.sudo().access_token)

    # ------------------------------------------------------------------
    # What the widget shows on a page
    # ------------------------------------------------------------------
    @api.model
    def _widget_init(self, channel, url_path, country_code=None):
        """Everything the visitor's widget needs on a page, in the language of this environment.

        The rule is the channel's rule for the page and the visitor's country; a channel
        without rules shows its button everywhere, a channel whose rules all miss shows none.
        No button either when the rule hides it, or when nobody is available and no chatbot applies.
        """
        rule = self.env["livechat.channel.rule"].match_rule(channel, url_path, country_code)
        if rule:
            action = rule.action
        else:
            action = "hide_button" if channel.sudo().rule_ids else "display_button"
        available = bool(channel._get_available_operators())
        chatbot = rule.chatbot_script_id if rule else self.env["livechat.chatbot.script"]
        if chatbot and rule.chatbot_only_if_no_operator and available:
            chatbot = chatbot.browse()
        channel = channel.sudo()
        return {
            "channel_id": channel.id,
            "channel_name": channel.name,
            "rule_id": rule.id or None,
            "country_code": country_code or None,
            "available": available,
            "action": action,
            "show_button": action != "hide_button" and (available or bool(chatbot)),
            "auto_popup_timer": rule.auto_popup_timer if action == "auto_popup" else 0,
            "chatbot": {"id": chatbot.id, "name": chatbot.bot_name} if chatbot else None,
            "max_length": MESSAGE_MAX_LENGTH,
            # every cap the widget applies to what the visitor types (the server checks them again)
            "limits": {
                "message": MESSAGE_MAX_LENGTH,
                "visitor_name": 64,
                "email": 254,
                "offline_name": 100,
                "offline_message": 4000,
                "rating_comment": 2000,
            },
            "lang": self.env.lang or "en_US",
            "colors": {
                "button-bg": channel.button_background_color or "",
                "button-fg": channel.button_text_color or "",
                "header-bg": channel.header_color or "",
            },
            "texts": dict(self._widget_texts(), **{
                "button": channel.button_text or _("Chat with us"),
                "notification": channel.notification_text or "",
                "welcome": channel.welcome_message or "",
                "placeholder": channel.input_placeholder or "",
            }),
        }

    @api.model
    def _widget_texts(self):
        """The widget's own words, translated here: the widget has no text of its own."""
        return {
            "window": _("Live chat"),
            "send": _("Send"),
            "close": _("End the conversation"),
            "minimize": _("Minimize the chat window"),
            "dismiss": _("Dismiss"),
            "message_label": _("Your message"),
            "connecting": _("Connecting you with an operator..."),
            "no_operator": _("Sorry, no one is available to chat right now. Please try again later."),
            "closed": _("This conversation has ended."),
            "restart": _("Start a new conversation"),
            "reconnecting": _("Connection lost. Reconnecting..."),
            "error": _("Your message could not be sent. Please try again."),
        }

    # ------------------------------------------------------------------
    # Opening: operator assignment, conversation, operator notification
    # ------------------------------------------------------------------
    @api.model
    def _create_conversation(self, name, members=()):
        """The private mail.channel of type 'livechat' a session talks in (``members``: channel partner values)."""
        return self.env["mail.channel"].sudo().create({
            "name": name,
            "channel_type": "livechat",
            "public": "private",
            "email_send": False,
            "image": False,
            "channel_last_seen_partner_ids": [(0, 0, member) for member in members],
        })

    @api.model
    def _select_operator(self, channel, visitor_uid=None):
        """The operator for a new conversation on ``channel``, or an empty recordset.

        Among the channel's available operators: the visitor's previous operator if he is
        one of them, else those with the fewest open sessions, ties broken at random.
        """
        operators = channel._get_available_operators()
        if not operators:
            return operators
        if visitor_uid:
            previous = self.sudo().search([
                ("channel_id", "=", channel.id),
                ("visitor_uid", "=", visitor_uid),
                ("operator_id", "in", operators.ids),
            ], order="id desc", limit=1).operator_id
            if previous:
                return previous
        load = dict.fromkeys(operators.ids, 0)
        # a session counts once its visitor wrote, or while he may still write his first message
        self.env.cr.execute("""
            SELECT operator_id, count(*) FROM livechat_session
             WHERE state = 'open' AND operator_id IN %s
               AND (mail_channel_id IS NOT NULL OR start_date > %s)
          GROUP BY operator_id
        """, (tuple(operators.ids), fields.Datetime.to_string(
            fields.Datetime.from_string(fields.Datetime.now()) - UNANSWERED_OPENING_COUNTS)))
        load.update(dict(self.env.cr.fetchall()))
        fewest = min(load.values())
        return operators.browse(random.choice([uid for uid, count in load.items() if count == fewest]))

    @api.model
    def _next_visitor_name(self):
        number = self.env["ir.sequence"].sudo().next_by_code("livechat.session.visitor")
        return _("Visitor #%s") % number

    @api.model
    def _open_for_visitor(self, channel, page_url=None, visitor_name=None, visitor_uid=None,
                          country=None, user_agent=None, rule=None):
        """Open a chat on ``channel`` with an available operator, who is reserved for the visitor.

        The conversation itself starts with the visitor's first message (``_start_conversation``):
        a chat window that opened by itself, or that the visitor closes without writing, never
        disturbs an operator. Returns the new session (sudo), or an empty recordset when no
        operator is available.
        """
        operator = self._select_operator(channel, visitor_uid)
        if not operator:
            return self.sudo().browse()
        name = visitor_name or self.with_context(lang=operator.lang)._next_visitor_name()
        values = self._visitor_session_values(channel, name, page_url=page_url, visitor_uid=visitor_uid,
                                              country=country, user_agent=user_agent, rule=rule)
        return self.sudo().create(dict(values, operator_id=operator.id))

    @api.model
    def _visitor_session_values(self, channel, visitor_name, page_url=None, visitor_uid=None, country=None,
                                user_agent=None, rule=None):
        """What a new session records of its channel, rule and visitor."""
        return {
            "channel_id": channel.id,
            "rule_id": rule.id if rule else False,
            "visitor_name": visitor_name,
            "visitor_uid": visitor_uid or False,
            "country_id": country.id if country else False,
            "page_url": page_url or False,
            "user_agent": user_agent or False,
        }

    @api.model
    def _operator_membership(self, operator):
        """The operator's membership of a conversation: pinned, its chat window open."""
        return {
            "partner_id": operator.partner_id.id,
            "fold_state": "open",
            "is_minimized": True,
            "is_pinned": True,
        }

    def _start_conversation(self):
        """The visitor writes for the first time: the conversation (a private mail.channel whose
        member is the operator) is created, and his chat window opens (bottom right)."""
        for session in self.sudo().filtered(lambda s: not s.mail_channel_id and s.operator_id):
            # two first messages at once (a double click): the second waits, then is replayed by Odoo
            self.env.cr.execute("SELECT 1 FROM livechat_session WHERE id = %s FOR UPDATE", (session.id,))
            session.mail_channel_id = self._create_conversation(
                session.visitor_name, members=[self._operator_membership(session.operator_id)])
            session._notify_operator_new_conversation()
        return True

    def _notify_operator_new_conversation(self):
        """Open the conversation in the operator's Odoo chat window (bottom right).

        A short header is enough: the operator's web client does not know the conversation yet,
        so it fetches it whole (``channel_join_and_get_info``); the visitor's request stays lean.
        """
        self.ensure_one()
        conversation = self.mail_channel_id
        info = {
            "id": conversation.id,
            "name": conversation.name,
            "uuid": conversation.uuid,
            "channel_type": conversation.channel_type,
            "public": conversation.public,
            "state": "open",
            "is_minimized": True,
            "livechat_session_id": self.id,
            # who the visitor is, for the chat window's header (operator side, mail_channel_discuss.py)
            "livechat": self._operator_info(),
        }
        partner = self.operator_id.partner_id
        self.env["bus.bus"]._livechat_sendmany([((self.env.cr.dbname, "res.partner", partner.id), info)])

    # ------------------------------------------------------------------
    # Messages
    # ------------------------------------------------------------------
    @api.model
    def _message_payload(self, message):
        """The compact, plain-text form of a mail.message that the visitor's widget shows."""
        author = message.author_id
        if author:
            user = author.user_ids[:1]
            author_name = user._livechat_display_name() if user else author.name
        else:
            author_name = message.email_from or ""
        return {
            "id": message.id,
            "author_name": author_name,
            "body": html_to_text(message.body),
            "date": utc_iso(message.date),
            "is_visitor": not author,
            "kind": "notification" if message.message_type == "notification" else "comment",
        }

    def _history(self, after_id=0, limit=HISTORY_LIMIT):
        """Messages of the conversation (oldest first), only those after ``after_id`` if given."""
        self.ensure_one()
        if not self.mail_channel_id:
            return []
        domain = [
            ("model", "=", "mail.channel"),
            ("res_id", "=", self.mail_channel_id.id),
            ("message_type", "in", ("comment", "notification")),
        ]
        if after_id:
            domain.append(("id", ">", after_id))
        messages = self.env["mail.message"].sudo().search(domain, order="id desc", limit=limit)
        return [self._message_payload(message) for message in reversed(messages)]

    def _post_visitor_message(self, body):
        """Post ``body`` (plain text) on the conversation as the visitor; returns the mail.message."""
        self.ensure_one()
        self._start_conversation()
        return self.mail_channel_id.sudo().with_context(mail_create_nosubscribe=True).message_post(
            body=plaintext2html(body), author_id=False, email_from=self.visitor_name,
            message_type="comment", subtype="mail.mt_comment")

    def _close_by_visitor(self):
        """The visitor left: end the session and tell the operator in his chat window."""
        for session in self.sudo().filtered(lambda s: s.state == "open"):
            session.write({"state": "closed", "end_date": fields.Datetime.now()})
            if session.mail_channel_id:
                text = session.with_context(lang=session.operator_id.lang)._left_text()
                session.mail_channel_id.with_context(mail_create_nosubscribe=True).message_post(
                    body=plaintext2html(text), author_id=False, email_from=session.visitor_name,
                    message_type="notification", subtype="mail.mt_comment")
            self.env["bus.bus"].sendone(session._bus_channel(), {"type": "closed"})
        return True

    def _left_text(self):
        return _("%s left the conversation.") % self.visitor_name

    def _bus_cursor(self):
        """Where the visitor's long-poll starts: after the newest notification of his channel.

        Notifications of a visitor's channel commit in the order of their ids (models/bus_bus.py):
        any not yet visible to this transaction, hence not in the history it reads, comes after.
        1 (not 0) when there is none: Odoo's bus reads 0 as "the last 50 seconds".
        """
        self.ensure_one()
        self.env.cr.execute("SELECT max(id) FROM bus_bus WHERE channel = %s",
                            (json_dump(self._bus_channel()),))
        return self.env.cr.fetchone()[0] or 1

    def _visitor_info(self):
        """What the visitor's widget needs to know about its session."""
        self.ensure_one()
        return {
            "token": self.sudo().access_token,
            "visitor_name": self.visitor_name,
            "operator_name": self.operator_id._livechat_display_name() if self.operator_id else "",
            "state": self.state,
        }

    @api.model
    def _find_by_token(self, token):
        """The session (sudo) whose access token is ``token``, or an empty recordset."""
        if not token or not isinstance(token, str) or len(token) > 128:
            return self.sudo().browse()
        return self.sudo().search([("access_token", "=", token)], limit=1)

    @api.model
    def _gc_abandoned_sessions(self):
        """Close sessions nobody wrote in for a day (visitors who left without closing), and chats
        opened an hour ago in which the visitor never wrote."""
        now = fields.Datetime.from_string(fields.Datetime.now())
        limit = fields.Datetime.to_string(now - ABANDONED_AFTER)
        self.env.cr.execute("""
            SELECT s.id FROM livechat_session s
             WHERE s.state = 'open'
               AND ((s.mail_channel_id IS NULL AND s.start_date < %s)
                    OR (s.start_date < %s
                        AND NOT EXISTS (SELECT 1 FROM mail_message m
                                         WHERE m.model = 'mail.channel' AND m.res_id = s.mail_channel_id
                                           AND m.date >= %s)))
        """, (fields.Datetime.to_string(now - SILENT_CLOSED_AFTER), limit, limit))
        sessions = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        sessions.write({"state": "closed", "end_date": fields.Datetime.now()})
        return True
