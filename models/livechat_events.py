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
    The conversation ended (the visitor left, the operator left, nobody wrote for long). No payload.
``chatbot``
    What the bot now waits for (``livechat.session._chatbot_info``): the input to show, its answers.

Room is left, with the same shape, for ``typing`` (someone is writing), ``seen`` (the last message
read) and ``attachment``; files travel with their message (``attachments``). The widget ignores
kinds it does not know.

The operator's side is Odoo's web client, on his partner's bus channel: Odoo's own message
notifications, plus ``livechat_session_update``, ``livechat_unpinned`` and
``livechat_operator_removed`` (static/src/backend), and a conversation's channel info to open
its chat window.
"""

MESSAGE = "message"
CLOSED = "closed"
CHATBOT = "chatbot"
KINDS = (MESSAGE, CLOSED, CHATBOT)


def bus_event(kind, payload=None):
    """The event of ``kind`` (one of KINDS) with ``payload``, as the visitor's widget reads it."""
    if kind not in KINDS:
        raise ValueError("unknown live chat event %r" % (kind,))
    event = {"type": kind}
    if payload is not None:
        event[kind] = payload
    return event
