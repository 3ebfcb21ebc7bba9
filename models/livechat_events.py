"""The events a visitor's widget receives on Odoo's bus: the one protocol, written down here.

A visitor's session has its own bus channel, ``(dbname, "livechat.session", access_token)``
(``livechat.session._bus_channel``: a tuple, which Odoo's ``/longpolling/send`` cannot reach).
The widget long-polls it (``/longpolling/livechat/poll``) and receives a list of events, in the
order they were committed (models/bus_bus.py). Each event is ``{"type": kind, kind: payload}``,
the payload left out when there is none. Build them with ``bus_event`` only:

``message``
    A message of the conversation (the visitor's, an operator's, the bot's, a notice), as
    ``livechat.session._message_payload`` builds it: ``id``, ``author_name``, ``body`` (plain
    text), ``date`` (ISO, UTC), ``is_visitor``, ``kind`` ("comment" or "notification"),
    ``attachments`` (its files: ``id``, ``name``, ``mimetype``, ``size``, ``url`` — the address the
    widget reads it from, with its access token —, ``image``: a raster image to preview; see
    ``livechat_session_files.py``), and ``is_bot`` / ``author_avatar`` for the bot. The HTTP answer
    of the visitor's own post carries the same payload: the widget shows it once, by id.
``closed``
    The conversation ended (the visitor left, the operator left, nobody wrote for long): no payload;
    or the chatbot's script ended with nobody to take over: ``{"reason": "no_operator",
    "offline_form": bool}`` (``livechat.session._chatbot_closed_info``), the widget offers the
    offline form, or to start again.
``chatbot``
    What the bot now waits for (``livechat.session._chatbot_info``): the input to show, its answers.
``operator``
    Who answers the visitor changed: his Online Chat Name was renamed (``res.users.write``) or
    another operator took the conversation over (a transfer, livechat_session_transfer):
    ``{"operator_name"}``, for the window's header at once. The notice "Marc joined the
    conversation." comes as a message.
``queue``
    The visitor waits in line (livechat_session_queue): ``{"state": "waiting", "position",
    "wait_minutes", "offline"}`` when his place changes (``offline``: the channel has an offline
    form to offer instead); ``{"state": "open", "operator_name"}`` when an operator takes him;
    ``{"state": "timeout", "offline"}`` when he waited longer than the channel allows (the
    ``closed`` event follows).
``typing``
    The operator is writing (``livechat_session_typing``): ``{"typing": bool, "name": his Online Chat
    Name}``. Sent at most every ``TYPING_INTERVAL_SECONDS`` while he types, ``typing: false`` when his
    input empties or is sent; the widget also forgets it ``TYPING_EXPIRE_SECONDS`` after the last one
    (a lost stop event never leaves it on). Never stored as a message.
``seen``
    The operator read the conversation up to a message (Odoo's ``channel_seen``):
    ``{"message_id": id}``; the widget shows "Seen" under the visitor's last message up to it.

Room is left, with the same shape, for ``attachment``; files travel with their message
(``attachments``). The widget ignores kinds it does not know.

The operator's side is Odoo's web client, on his partner's bus channel: Odoo's own message
notifications, plus ``livechat_session_update``, ``livechat_unpinned`` and
``livechat_operator_removed`` (static/src/backend), ``livechat_typing`` (``{"channel_id", "typing",
"name", "expire"}``: the visitor is writing, same throttle as above), ``livechat_seen``
(``{"channel_id", "message_id"}``: the visitor's widget showed the conversation up to that message,
kept as the session's ``visitor_seen_message_id``), ``livechat_help_requested`` (a colleague asks
for help: a Join button) and ``livechat_ongoing`` (a bare signal: Live Chat > Ongoing reloads;
models/livechat_session_workspace.py), and a conversation's channel info to open its chat window.
"""

MESSAGE = "message"
CLOSED = "closed"
CHATBOT = "chatbot"
OPERATOR = "operator"
TYPING = "typing"
SEEN = "seen"
QUEUE = "queue"
KINDS = (MESSAGE, CLOSED, CHATBOT, OPERATOR, TYPING, SEEN, QUEUE)

# "Seen" both ways (``seen`` to the widget, ``livechat_seen`` to the operators) is news that can wait
# a moment: a long-poll with nothing else to answer keeps waiting up to SEEN_DEFER_SECONDS for company
# (patches/bus_dispatch_poll.py). A reader's "Seen" then costs the other side no long-poll of its own
# when anything else comes meanwhile (a reply, "is typing"), and shows at most this late otherwise.
SEEN_DEFER_SECONDS = 2
DEFERRABLE_TYPES = frozenset((SEEN, "livechat_seen"))


def is_deferrable(message):
    """Whether the bus notification ``message`` may wait for company (see ``SEEN_DEFER_SECONDS``)."""
    return isinstance(message, dict) and message.get("type") in DEFERRABLE_TYPES


def bus_event(kind, payload=None):
    """The event of ``kind`` (one of KINDS) with ``payload``, as the visitor's widget reads it."""
    if kind not in KINDS:
        raise ValueError("unknown live chat event %r" % (kind,))
    event = {"type": kind}
    if payload is not None:
        event[kind] = payload
    return event
