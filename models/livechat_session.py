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
import copy
import random
import re
import secrets
from datetime import timedelta

from lxml import html as lxml_html

from odoo import _, api, fields, models, tools
from odoo.addons.bus.models.bus import json_dump
from odoo.exceptions import UserError, ValidationError
from odoo.tools import plaintext2html

from .livechat_events import CLOSED, bus_event
from .livechat_input import WIDGET_LIMITS, clean_text, clean_visitor, file_limits, is_client_id, is_web_url

HISTORY_LIMIT = 200
ABANDONED_AFTER = timedelta(hours=24)
# an opened chat in which the visitor has not written yet: counts in its operator's load for a while
# (livechat_channel_queue.RESERVED_COUNTS), and is closed after SILENT_CLOSED_AFTER
SILENT_CLOSED_AFTER = timedelta(hours=1)
BLOCK_TAGS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre")
# who writes a message (``_post``): the notices of the conversation ("X left") are notifications;
# 'welcome': the channel's welcome message, stored in the operator's name when the conversation starts;
# a 'note' is for operators only (a transfer's note): the visitor's history and bus never carry it
POST_KINDS = ("visitor", "operator", "bot", "system", "welcome", "note")
# who ends a conversation (``_end``): 'chatbot' when its script ended and nobody can take over
END_BY = ("visitor", "operator", "inactivity", "chatbot")
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
        ("waiting", "Waiting in Line"),
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
        applies and the channel has no offline form. Outside the channel's business hours
        (``hours``: livechat_channel_hours) nobody is available, the widget says when the channel
        opens again, and the channel may hide its button instead.

        Every page of the site calls it, so it writes nothing and reads little:

        - cached (``ormcache``, in each server process): the channel's rules
          (``livechat.channel.rule._channel_rules``), and the answer for a channel, a rule and a
          language (``_widget_init_cached``: names, colours, texts, limits, offline form, the rule's
          action and chatbot). Cleared by ``clear_caches()`` when a channel, a rule, a chatbot script
          or its steps are created, written or deleted, and when a translation of them changes
          (``ir_translation.py``); Odoo's registry signaling (the ``base_cache_signaling`` sequence,
          checked at the start of every request) clears it in every worker of every server on the
          database.
        - per call: the rule matched in memory, and whether an operator is available (one small
          query, ``livechat.channel._get_available_operators``: never cached, an operator who comes
          online or goes away shows at the next page view).

        What depends on the moment or on the visitor (availability, queue, opening hours, the
        visitor's country) is computed here, after the cached part; what depends only on the channel,
        the rule and the language belongs in ``_widget_init_cached``.
        """
        rule = self.env["livechat.channel.rule"].match_rule(channel, url_path, country_code)
        result = self._widget_init_cached(channel.id, rule.id or None, self.env.lang or "en_US")
        hours_state = channel.sudo()._hours_state()  # once, for the availability and the widget
        available = bool(channel._get_available_operators(hours_open=hours_state["open"]))
        any_time, if_nobody = result.pop("chatbot_any_time"), result.pop("chatbot_if_no_operator")
        chatbot = any_time or (None if available else if_nobody)
        # outside business hours: the offline form and when we are back, or no button (the channel's choice)
        hours = channel.sudo()._hours_widget_info(state=hours_state)
        closed = bool(hours and not hours["open"])
        if closed:
            if channel.sudo().hours_closed_action == "hide_button":
                result["action"] = "hide_button"
            elif result["action"] == "auto_popup":
                result.update(action="display_button", auto_popup_timer=0)  # no window opening by itself
        result.update({
            "country_code": country_code or None,
            "available": available,
            "hours": hours,
            "show_button": result["action"] != "hide_button" and (
                available or bool(chatbot) or bool(result["offline_form"]) or closed),
            "chatbot": chatbot,
        })
        return result

    @api.model
    def _widget_init_cached(self, channel_id, rule_id, lang):
        """The part of ``_widget_init`` that depends only on the channel, its rule and the language:
        a new copy of the cached answer (the caller may change it)."""
        return copy.deepcopy(self._widget_init_static(channel_id, rule_id, lang))

    @api.model
    @tools.ormcache("channel_id", "rule_id", "lang")
    def _widget_init_static(self, channel_id, rule_id, lang):
        """See ``_widget_init_cached``; cached (see ``_widget_init``): never change what it returns.
        The rule's chatbot is given twice: to show at any time, or only while nobody is available."""
        self = self.sudo().with_context(lang=lang)  # pylint: disable=self-cls-assignment
        channel = self.env["livechat.channel"].browse(channel_id)
        rule = self.env["livechat.channel.rule"].browse(rule_id)
        if rule:
            action = rule.action
        else:
            action = "hide_button" if channel.rule_ids else "display_button"
        chatbot = self._chatbot_for_rule(channel, rule, available=False)
        card = chatbot._visitor_card() if chatbot else None
        own = channel._visitor_texts()  # the channel's defaults in the visitor's language
        return {
            "channel_id": channel.id,
            "channel_name": channel.name,
            "rule_id": rule.id or None,
            "action": action,
            "auto_popup_timer": rule.auto_popup_timer if action == "auto_popup" else 0,
            "chatbot_any_time": None if rule.chatbot_only_if_no_operator else card,
            "chatbot_if_no_operator": card if rule.chatbot_only_if_no_operator else None,
            "offline_form": channel._offline_form_info(),
            "limits": dict(WIDGET_LIMITS, **file_limits(self.env)),
            "sound": channel.unread_sound,
            "lang": lang,
            "colors": channel._widget_colors(),
            "texts": dict(self._widget_texts(), **{
                "button": own["button_text"] or _("Chat with us"),
                "notification": own["notification_text"] or "",
                "welcome": own["welcome_message"] or "",
                "placeholder": own["input_placeholder"] or "",
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
            "confirm_close": _("End the conversation?"),
            "confirm_end": _("End"),
            "confirm_cancel": _("Cancel"),
            "leave_message": _("Leave us a message"),
            "today": _("Today"),
            "yesterday": _("Yesterday"),
        }
        texts.update(self._chatbot_widget_texts())
        texts.update(self._rating_widget_texts())
        texts.update(self._transcript_widget_texts())
        texts.update(self._typing_widget_texts())
        texts.update(self._files_widget_texts())
        texts.update(self._queue_widget_texts())
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
    def _select_operator(self, channel, visitor_uid=None, exclude=None):
        """The operator for a new conversation on ``channel``, or an empty recordset.

        Among the channel's available operators who are below its cap (livechat_channel_queue), but
        ``exclude`` (users: a transfer's operators): the visitor's previous operator if he is one of
        them, else those with the fewest conversations going, ties broken at random.
        """
        operators, load = channel._operators_with_room()
        if exclude:
            operators -= exclude
            load = {uid: count for uid, count in load.items() if uid in operators.ids}
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
        fewest = min(load.values())
        return operators.browse(random.choice([uid for uid, count in load.items() if count == fewest]))

    @api.model
    def _next_visitor_name(self):
        """"Visitor #N", in the visitor's own language (the language his widget speaks, the request's):
        one rule, whoever answers or forwards him, so that a visitor keeps one name in every language
        of his history (the name is stored once, on the session)."""
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
        On a channel that caps its operators, the visitor joins the channel's queue and is assigned
        from there, first come first served (``_queue_enter``): he may have to wait in line.
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
        if not operator and not channel._queue_accepts():
            return self.sudo().browse()
        name = visitor["visitor_name"] or self._next_visitor_name()
        values = self._visitor_session_values(channel, dict(visitor, visitor_name=name, country=country, rule=rule))
        if channel.limit_conversations:
            return self.sudo().create(dict(values, **self._queue_values()))._queue_enter()
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
        member is the operator) is created, and his chat window opens (bottom right). A visitor
        waiting in line writes in a conversation without operator, who joins it when assigned."""
        starting = self.sudo().filtered(lambda s: not s.mail_channel_id and (s.operator_id or s.state == "waiting"))
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
            members = [self._operator_membership(session.operator_id)] if session.operator_id else []
            session.mail_channel_id = self._create_conversation(
                self._conversation_title(session.visitor_name, session.visitor_verified), members=members)
            if session.operator_id:
                session._post_welcome()
                session._notify_operator_new_conversation()
        return True

    def _post_welcome(self):
        """The channel's welcome message, which the widget showed the visitor before he wrote, is
        stored first in the conversation, in the operator's name: both sides read the same."""
        self.ensure_one()
        welcome = self.channel_id.with_context(lang=self.env.lang)._visitor_texts()["welcome_message"]
        if welcome and welcome.strip():
            self._post(welcome, kind="welcome")

    def _notify_operator_new_conversation(self, operator=None):
        """Open the conversation in the operator's Odoo chat window (bottom right) (``operator``: another
        user who joins it, invited or given it).

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
        partner = (operator or self.operator_id).partner_id
        self.env["bus.bus"]._livechat_sendmany([((self.env.cr.dbname, "res.partner", partner.id), info)])
        self._notify_ongoing()

    # ------------------------------------------------------------------
    # Messages
    # ------------------------------------------------------------------
    @api.model
    def _payload(self, message_id, date, text, author, email_from, message_type, attachments=None, welcome=False):
        """The compact, plain-text form of a message that the visitor's widget shows (livechat_events),
        with its ``attachments`` (ir.attachment, ``_attachments_payload``). ``welcome``: the channel's
        welcome message (``_post_welcome``), flagged for the widget."""
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
            "attachments": self._attachments_payload(attachments),
        }
        if welcome:
            payload["welcome"] = True
        payload.update(self._chatbot_author_card(author))
        return payload

    @api.model
    def _message_payload(self, message):
        """The payload of a stored mail.message (history, and posts from Odoo's web client)."""
        return self._payload(message.id, message.date, html_to_text(message.body), message.author_id,
                             message.email_from, message.message_type, message.sudo().attachment_ids,
                             welcome=message.livechat_welcome)

    def _history(self, after_id=0, limit=HISTORY_LIMIT):
        """Messages of the conversation (oldest first), only those after ``after_id`` if given."""
        self.ensure_one()
        if not self.mail_channel_id:
            return []
        domain = [
            ("model", "=", "mail.channel"),
            ("res_id", "=", self.mail_channel_id.id),
            ("message_type", "in", ("comment", "notification")),
            # operators' notes (a transfer's) are not the visitor's to read
            ("subtype_id", "!=", self.env["mail.channel"]._livechat_note_subtype_id()),
        ]
        if after_id:
            domain.append(("id", ">", after_id))
        messages = self.env["mail.message"].sudo().search(domain, order="id desc", limit=limit)
        return [self._message_payload(message) for message in reversed(messages)]

    def _post(self, text, author=None, kind="visitor", client_id=None, attachment_ids=None):
        """Post ``text`` (plain text) in the conversation; returns the payload the widget shows.

        The one way to write in a conversation from the server. ``kind``: 'visitor' (no author:
        the message is signed with the visitor's name), 'operator' (``author`` defaults to the
        session's operator), 'bot' (defaults to the chatbot's contact), 'system' (a notice of the
        conversation, e.g. "X left", by ``author`` or else the visitor), 'welcome' (the channel's welcome
        message, by the session's operator: ``_post_welcome``), 'note' (for operators only, by
        ``author``, else the user: a message of mail's internal subtype Note, never sent to the visitor's
        widget nor in his history). The message is stored once
        (escaped HTML); the payload is built from ``text`` and sent, as is, to the visitor's widget.
        ``client_id``: the id the visitor's widget gave the message (``_post_visitor_message``),
        stored with it, unique in the conversation. ``attachment_ids``: files of the conversation
        (ir.attachment ids) the message carries (``_post_visitor_file``).
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
        elif kind in ("operator", "welcome"):
            author = author or session.operator_id.partner_id
        elif kind == "bot":
            author = author or session.chatbot_script_id.operator_partner_id
        elif kind == "note":
            author = author or self.env.user.partner_id
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
        if kind == "welcome":
            values["livechat_welcome"] = True
        if kind == "note":
            values["subtype_id"] = conversation._livechat_note_subtype_id()
            message = conversation._livechat_create_message(values)
            # operators get mail's own notification of a note; the visitor nothing
            conversation._livechat_notify(message, sessions=session.browse())
            return self._payload(message.id, date, text, author, email_from, message_type)
        attachments = self.env["ir.attachment"].sudo().browse(attachment_ids or [])
        if attachments:
            values["attachment_ids"] = [(6, 0, attachments.ids)]
        message = conversation._livechat_create_message(values)
        payload = self._payload(message.id, date, text, author, email_from, message_type, attachments,
                                welcome=kind == "welcome")
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
        self._status_on_visitor_message()
        if self.chatbot_state == "running" and self.chatbot_step_id:
            self._chatbot_receive_text(text)
        elif self.chatbot_state == "done":
            self._chatbot_after_script()
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
        """End these sessions (the open ones): ``by`` the 'visitor', the 'operator', 'inactivity' or the
        'chatbot' (its script ended with nobody to take over: the widget offers the offline form).

        The one way a conversation ends: the other side reads who left in the conversation, the
        visitor's widget gets ``closed``, and the operator's web client the session's new state
        (the operator who left unpins the conversation himself). A visitor waiting in line leaves
        it; either way the channel's queue moves on (``_queue_release``).
        """
        if by not in END_BY:
            raise ValueError("unknown end of a conversation %r" % (by,))
        sessions = self.sudo().filtered(lambda session: session.state in ("open", "waiting"))
        waiting = sessions.filtered(lambda session: session.state == "waiting")
        for session in sessions:
            if session.mail_channel_id and by in ("visitor", "operator") and session.state == "open":
                if by == "visitor":
                    text = session.with_context(lang=session.operator_id.lang)._left_text()
                    session._post(text, kind="system")
                else:
                    session._post(session._operator_left_text(), session.operator_id.partner_id, kind="system")
            session.write({"state": "closed", "end_date": fields.Datetime.now()})
            session._send_event(CLOSED, session._chatbot_closed_info() if by == "chatbot" else None)
        sessions._update_outcome()
        if sessions:
            sessions._notify_ongoing()
        if by != "operator":
            sessions._notify_operator_update()
        sessions._queue_release(waiting)
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
        if self.state == "waiting":
            info["queue"] = self._queue_info()
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
