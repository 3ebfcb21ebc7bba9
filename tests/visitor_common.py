"""Channels, operators and small GeoIP databases for the visitor-side tests."""
import json
import os
import tempfile

from odoo import fields
from odoo.addons.bus.models.bus import json_dump
from odoo.tests import common


def build_geoip_database(networks, database_type="GeoLite2-Country"):
    """A tiny GeoIP2 database file: ``networks`` maps a CIDR ("81.196.0.0/16") to a country code."""
    from mmdb_writer import MMDBWriter
    from netaddr import IPSet

    writer = MMDBWriter(ip_version=4, database_type=database_type, languages=["en"],
                        description="Live Chat test database")
    for cidr, code in networks.items():
        writer.insert_network(IPSet([cidr]), {"country": {"iso_code": code, "names": {"en": code}}})
    handle, path = tempfile.mkstemp(suffix=".mmdb", prefix="livechat_geoip_")
    os.close(handle)
    writer.to_db_file(path)
    return path


class OperatorMixin(object):
    """Operators of the tests: a Live Chat user, and the bus presence that makes him online."""

    def _make_operator(self, login, name, chat_name=None):
        users = self.env["res.users"].with_context(no_reset_password=True, mail_create_nosubscribe=True)
        return users.create({
            "name": name, "login": login, "email": "%s@example.com" % login,
            "livechat_username": chat_name or False,
            "groups_id": [(6, 0, [self.env.ref("base.group_user").id,
                                  self.env.ref("livechat.group_livechat_user").id])],
        })

    def _set_online(self, *users):
        now = fields.Datetime.now()
        presences = self.env["bus.presence"].sudo()
        for user in users:
            presences.search([("user_id", "=", user.id)]).unlink()
            presences.create({"user_id": user.id, "last_poll": now, "last_presence": now, "status": "online"})

    def _start_chat(self, channel, first_message="Hello", **values):
        """A visitor opens a chat on ``channel`` and writes ``first_message``: the conversation starts."""
        session = self.env["livechat.session"]._open_for_visitor(channel, **values)
        self.assertTrue(session, "an operator is online: the chat opens")
        if first_message:
            session._post_visitor_message(first_message)
        return session

    def _conversation_messages(self, session):
        return self.env["mail.message"].sudo().search([
            ("model", "=", "mail.channel"), ("res_id", "=", session.mail_channel_id.id)], order="id")


class VisitorMixin(OperatorMixin):
    """A channel with two operators (one with an Online Chat Name), and presence helpers."""

    def _call(self, path, payload):
        """POST ``payload`` to the visitor API at ``path`` as the widget does (an HttpCase's server):
        the test's data committed first, the cache read again after."""
        self.env.cr.commit()  # pylint: disable=invalid-commit
        response = self.opener.post("http://%s:%s%s" % (common.HOST, common.PORT, path),
                                    data=json.dumps(payload).encode(), timeout=30,
                                    headers={"Content-Type": "text/plain;charset=UTF-8"})
        self.env.cache.invalidate()
        return response

    def _set_offline(self, *users):
        self.env["bus.presence"].sudo().search([("user_id", "in", [user.id for user in users])]).unlink()

    def _setup_visitor_channel(self):
        self.op_anna = self._make_operator("anna_lc_visitor", "Anna Ionescu", chat_name="Anna")
        self.op_bob = self._make_operator("bob_lc_visitor", "Bob Marin")
        self.channel = self.env["livechat.channel"].create({
            "name": "Visitor Test Channel",
            "user_ids": [(6, 0, [self.op_anna.id, self.op_bob.id])],
            "button_text": "Talk to us",
            "notification_text": "Any question?",
            "welcome_message": "Welcome! How can we help?",
            "input_placeholder": "Type here...",
            "button_background_color": "#112233",
            "button_text_color": "#FFEEDD",
            "header_color": "#445566",
        })
        self.Session = self.env["livechat.session"]

    def _chat(self, first_message="Hello", **kwargs):
        """A visitor opens a chat on the channel and writes: the conversation starts."""
        return self._start_chat(self.channel, first_message, **kwargs)

    def _bus_messages(self, session):
        """Payloads sent so far on the bus channel the visitor's widget listens on."""
        channel = json_dump(session._bus_channel())
        records = self.env["bus.bus"].sudo().search([("channel", "=", channel)], order="id")
        return [json.loads(record.message) for record in records]
