"""``livechat.session``: one conversation between a website visitor and an operator (or a chatbot).

This file is the session's orchestrator: every step of a conversation is written here once
(what the widget shows on a page, opening, the first message, posting, ending, what the widget
learns). The features (chatbot, offline form, rating, transcript, membership of operators, page
visits, data protection, the operator's side) live in ``livechat_session_<feature>.py`` and
``livechat_channel_<feature>.py`` and only *add* the methods called here by name; the visitor's
input is cleaned and capped by ``livechat_input``; the events the widget receives are described in
``livechat_events``.

A message takes one path: ``_post(text, author, kind)`` stores it (its escaped HTML, once), builds
the payload the widget shows from the plain text, and sends that payload on the visitor's bus
channel; the HTTP answer of the visitor's own post is that same payload. A conversation ends one
way: ``_end(by)``.
"""
import random
import re
import secrets
from datetime import timedelta

from lxml import html as lxml_html

from odoo import _, api, fields, models
from odoo.addons.bus.models.bus import json_dump
from odoo.exceptions import UserError, ValidationError
from odoo.tools import plaintext2html

from .livechat_events import CLOSED, bus_event
from .livechat_input import WIDGET_LIMITS, clean_text, clean_visitor, is_client_id, is_web_url

HISTORY_LIMIT = 200
ABANDONED_AFTER = timedelta(hours=24)
# an opened chat in which the visitor has not written yet: counts in its operator's load this long,
# and is closed after SILENT_CLOSED_AFTER
UNANSWERED_OPENING_COUNTS = timedelta(minutes=10)
SILENT_CLOSED_AFTER = timedelta(hours=1)
BLOCK_TAGS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre")
# who writes a message (``_post``): the notices of the conversation ("X left") are notifications
POST_KINDS = ("visitor", "operator", "bot", "system")
# who ends a conversation (``_end``)
END_BY = ("visitor", "operator", "inactivity")
# line breaks as plaintext2html reads them: two or more (with blanks between) make a paragraph
LINE_BREAKS = re.compile(r"[\r\n](?:[^\S\r\n]*[\r\n])+[^\S\r\n]*|[\r\n]")


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


def stored_text(text):
    """``text`` as ``html_to_text(plaintext2html(text))`` gives it back, without the round trip:
    a new message's payload then equals the one its history gives."""
    text = LINE_BREAKS.sub("\n", text)
    return "\n".join(line.strip() for line in text.splitlines()).strip()


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

    def _send_event(self, kind, payload=None):
        """Send the event ``kind`` (livechat_events) to the visitor's widget."""
        self.ensure_one()
        self.env["bus.bus"].sendone(self._bus_channel(), bus_event(kind, payload))

    @api.constrains("page_url")
    def _check_page_url(self):
        # operators may write sessions, and the backend shows the page as a link: never a script URL
        if any(session.page_url and not is_web_url(session.page_url) for session in self):
            raise ValidationError(_("The page a chat started on must be an http(s) address."))

    # ------------------------------------------------------------------
    # What the widget shows on a page
    # ------------------------------------------------------------------
    @api.model
    def _widget_init(self, channel, url_path, country_code=None):
        """Everything the visitor's widget needs on a page, in the language of this environment.

        The rule is the channel's rule for the page and the visitor's country; a channel
        without rules shows its button everywhere, a channel whose rules all miss shows none.
        No button either when the rule hides it, or when nobody is available, no chatbot
        applies and the channel has no offline form.
        """
        rule = self.env["livechat.channel.rule"].match_rule(channel, url_path, country_code)
        if rule:
            action = rule.action
        else:
            action = "hide_button" if channel.sudo().rule_ids else "display_button"
        available = bool(channel._get_available_operators())
        chatbot = self._chatbot_for_rule(channel, rule, available=available)
        channel = channel.sudo()
        offline_form = channel._offline_form_info()
        return {
            "channel_id": channel.id,
            "channel_name": channel.name,
            "rule_id": rule.id or None,
            "country_code": country_code or None,
            "available": available,
            "action": action,
            "show_button": action != "hide_button" and (available or bool(chatbot) or bool(offline_form)),
            "auto_popup_timer": rule.auto_popup_timer if action == "auto_popup" else 0,
            "chatbot": chatbot._visitor_card() if chatbot else None,
            "offline_form": offline_form,
            "limits": dict(WIDGET_LIMITS),
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
        texts = {
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
        texts.update(self._chatbot_widget_texts())
        texts.update(self._rating_widget_texts())
        texts.update(self._transcript_widget_texts())
        return texts

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
                          country=None, user_agent=None, rule=None, identity=None):
        """Open a chat on ``channel``; returns the new session (sudo), or an empty recordset when
        nobody can answer.

        What the visitor sent (name, browser id, page, user agent) is cleaned first. With a chatbot
        on the rule (or a signed Test link), the bot opens the conversation and talks first.
        Otherwise an available operator is reserved for the visitor, and the conversation itself
        starts with the visitor's first message (``_start_conversation``): a chat window that
        opened by itself, or that the visitor closes without writing, never disturbs an operator.
        ``identity``: what the page said of the visitor (``_visitor_identity``), signed or not.
        """
        visitor = clean_visitor({"page_url": page_url, "visitor_name": visitor_name,
                                 "visitor_uid": visitor_uid, "user_agent": user_agent})
        visitor.update({key: value for key, value in self._visitor_identity(channel, identity).items() if value})
        script = self._chatbot_from_test_url(visitor["page_url"]) or self._chatbot_for_rule(channel, rule)
        if script:
            session = self._create_chatbot_session(channel, script, dict(visitor, country=country, rule=rule))
            session._chatbot_run(script._next_step())
            return session
        operator = self._select_operator(channel, visitor["visitor_uid"])
        if not operator:
            return self.sudo().browse()
        name = visitor["visitor_name"] or self.with_context(lang=operator.lang)._next_visitor_name()
        values = self._visitor_session_values(channel, dict(visitor, visitor_name=name, country=country, rule=rule))
        return self.sudo().create(dict(values, operator_id=operator.id))

    @api.model
    def _visitor_session_values(self, channel, visitor):
        """What a new session records of its channel, rule and visitor (``visitor``: cleaned values
        of ``_open_for_visitor``, with ``country`` and ``rule``)."""
        return {
            "channel_id": channel.id,
            "rule_id": visitor["rule"].id if visitor.get("rule") else False,
            "visitor_name": visitor["visitor_name"],
            "visitor_uid": visitor.get("visitor_uid") or False,
            "country_id": visitor["country"].id if visitor.get("country") else False,
            "page_url": visitor.get("page_url") or False,
            "user_agent": visitor.get("user_agent") or False,
            "visitor_email": visitor.get("visitor_email") or False,
            "visitor_external_id": visitor.get("visitor_external_id") or False,
            "visitor_verified": bool(visitor.get("visitor_verified")),
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
        starting = self.sudo().filtered(lambda s: not s.mail_channel_id and s.operator_id)
        if not starting:
            return True
        # before the conversation is announced (its notification holds the bus' order lock until commit)
        self._leave_ended_conversations(starting.mapped("operator_id.partner_id").ids)
        for session in starting:
            # two first messages at once (a double click): the second waits, then is replayed by Odoo.
            # What the lock reads, not the cache: the rate check committed since the session was read,
            # and a first message that committed in between created the conversation already.
            self.env.cr.execute("SELECT mail_channel_id FROM livechat_session WHERE id = %s FOR UPDATE",
                                (session.id,))
            if self.env.cr.fetchone()[0]:
                session.invalidate_cache(["mail_channel_id"], session.ids)
                continue
            session.mail_channel_id = self._create_conversation(
                self._conversation_title(session.visitor_name, session.visitor_verified),
                members=[self._operator_membership(session.operator_id)])
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
    def _payload(self, message_id, date, text, author, email_from, message_type):
        """The compact, plain-text form of a message that the visitor's widget shows (livechat_events)."""
        if author:
            user = author.user_ids[:1]
            author_name = user._livechat_display_name() if user else author.name
        else:
            author_name = email_from or ""
        payload = {
            "id": message_id,
            "author_name": author_name,
            "body": text,
            "date": utc_iso(date),
            "is_visitor": not author,
            "kind": "notification" if message_type == "notification" else "comment",
        }
        payload.update(self._chatbot_author_card(author))
        return payload

    @api.model
    def _message_payload(self, message):
        """The payload of a stored mail.message (history, and posts from Odoo's web client)."""
        return self._payload(message.id, message.date, html_to_text(message.body), message.author_id,
                             message.email_from, message.message_type)

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

    def _post(self, text, author=None, kind="visitor", client_id=None):
        """Post ``text`` (plain text) in the conversation; returns the payload the widget shows.

        The one way to write in a conversation from the server. ``kind``: 'visitor' (no author:
        the message is signed with the visitor's name), 'operator' (``author`` defaults to the
        session's operator), 'bot' (defaults to the chatbot's contact), 'system' (a notice of the
        conversation, e.g. "X left", by ``author`` or else the visitor). The message is stored once
        (escaped HTML); the payload is built from ``text`` and sent, as is, to the visitor's widget.
        ``client_id``: the id the visitor's widget gave the message (``_post_visitor_message``),
        stored with it, unique in the conversation.
        """
        self.ensure_one()
        if kind not in POST_KINDS:
            raise ValueError("unknown kind of message %r" % (kind,))
        if client_id is not None and (kind != "visitor" or not is_client_id(client_id)):
            raise ValueError("a client id is a visitor's message's short token, not %r" % (client_id,))
        session = self.sudo()
        Partner = self.env["res.partner"].sudo()
        if kind == "visitor":
            author = Partner
        elif kind == "operator":
            author = author or session.operator_id.partner_id
        elif kind == "bot":
            author = author or session.chatbot_script_id.operator_partner_id
        author = author or Partner
        text = stored_text(text)
        email_from = None if author else session.visitor_name
        message_type = "notification" if kind == "system" else "comment"
        date = fields.Datetime.now()
        conversation = session.mail_channel_id
        values = conversation._livechat_message_values(
            plaintext2html(text), message_type, author_id=author.id or False, email_from=email_from, date=date)
        if client_id:
            values["livechat_client_id"] = client_id
        message = conversation._livechat_create_message(values)
        payload = self._payload(message.id, date, text, author, email_from, message_type)
        conversation._livechat_notify(message, payload=payload, sessions=session, values=values)
        return payload

    def _post_visitor_message(self, text, client_id=None):
        """The visitor writes ``text`` (plain text): cleaned, it starts the conversation if needed,
        is posted, and answers the chatbot when the bot waits for a typed answer. Returns the payload.

        ``client_id`` (``livechat_input.is_client_id``, optional): the id the widget gave the message.
        A resend of a message already stored with that id (its first answer was lost) posts nothing
        and answers what the first post answered (``_visitor_message_replay``).
        """
        self.ensure_one()
        text = clean_text(text)
        if not text.strip():
            raise UserError(_("Write a message before sending it."))
        replay = self._visitor_message_replay(client_id)
        if replay:
            return replay
        self._start_conversation()
        payload = self._post(text, kind="visitor", client_id=client_id)
        if self.chatbot_state == "running" and self.chatbot_step_id:
            self._chatbot_receive_text(text)
        return payload

    def _visitor_message_replay(self, client_id):
        """The payload of the visitor's message stored with ``client_id`` in this conversation (the
        answer its first post gave: same id, text, author and date), or None.

        One probe of the partial unique index of ``mail_message``, and none before the conversation
        exists (its first message cannot have been stored). The text of the resend is not compared:
        the message is the one the visitor sent first.
        """
        self.ensure_one()
        conversation = self.sudo().mail_channel_id
        if not client_id or not conversation:
            return None
        self.env.cr.execute("SELECT id FROM mail_message WHERE res_id = %s AND livechat_client_id = %s",
                            (conversation.id, client_id))
        row = self.env.cr.fetchone()
        return self._message_payload(self.env["mail.message"].sudo().browse(row[0])) if row else None

    # ------------------------------------------------------------------
    # The end of a conversation
    # ------------------------------------------------------------------
    def _end(self, by):
        """End these sessions (the open ones): ``by`` the 'visitor', the 'operator' or 'inactivity'.

        The one way a conversation ends: the other side reads who left in the conversation, the
        visitor's widget gets ``closed``, and the operator's web client the session's new state
        (the operator who left unpins the conversation himself).
        """
        if by not in END_BY:
            raise ValueError("unknown end of a conversation %r" % (by,))
        sessions = self.sudo().filtered(lambda session: session.state == "open")
        for session in sessions:
            if session.mail_channel_id and by != "inactivity":
                if by == "visitor":
                    text = session.with_context(lang=session.operator_id.lang)._left_text()
                    session._post(text, kind="system")
                else:
                    session._post(session._operator_left_text(), session.operator_id.partner_id, kind="system")
            session.write({"state": "closed", "end_date": fields.Datetime.now()})
            session._send_event(CLOSED)
        if by != "operator":
            sessions._notify_operator_update()
        return True

    def _left_text(self):
        return _("%s left the conversation.") % self.visitor_name

    @api.model
    def _gc_abandoned_sessions(self):
        """Close sessions nobody wrote in for a day (visitors who left without closing), and chats
        opened an hour ago in which the visitor never wrote; operators then leave the conversations
        ended over an hour ago."""
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
        self.sudo().browse([row[0] for row in self.env.cr.fetchall()])._end("inactivity")
        self._leave_ended_conversations()
        return True

    # ------------------------------------------------------------------
    # What the visitor's widget learns
    # ------------------------------------------------------------------
    def _bus_cursor(self, just_opened=False):
        """Where the visitor's long-poll starts: after the newest notification of his channel.

        Notifications of a visitor's channel commit in the order of their ids (models/bus_bus.py):
        any not yet visible to this transaction, hence not in the history it reads, comes after.
        1 (not 0) when there is none: Odoo's bus reads 0 as "the last 50 seconds".
        ``just_opened``: the session was created by this transaction; without a chatbot nothing was
        sent on its channel (its token is new), so the bus is not read (a scan of the bus table:
        about a third of the database time of an opening).
        """
        self.ensure_one()
        if just_opened and not self.chatbot_script_id:
            return 1
        self.env.cr.execute("SELECT max(id) FROM bus_bus WHERE channel = %s",
                            (json_dump(self._bus_channel()),))
        return self.env.cr.fetchone()[0] or 1

    def _visitor_info(self):
        """What the visitor's widget needs to know about its session."""
        self.ensure_one()
        info = {
            "token": self.sudo().access_token,
            "visitor_name": self.visitor_name,
            "operator_name": self.operator_id._livechat_display_name() if self.operator_id else "",
            "state": self.state,
        }
        if self.chatbot_script_id:
            info["chatbot"] = self._chatbot_info()
            if not self.operator_id:
                info["operator_name"] = self.chatbot_script_id.bot_name
        return info

    @api.model
    def _find_by_token(self, token):
        """The session (sudo) whose access token is ``token``, or an empty recordset."""
        if not token or not isinstance(token, str) or len(token) > 128:
            return self.sudo().browse()
        return self.sudo().search([("access_token", "=", token)], limit=1)
