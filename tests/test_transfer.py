"""Transfer and invite: the conversation moves with its history, the note stays among operators."""
import json

from odoo.addons.bus.models.bus import json_dump
from odoo.exceptions import AccessError, UserError
from odoo.tests import common

from .visitor_common import VisitorMixin


class TestTransfer(VisitorMixin, common.TransactionCase):

    def setUp(self):
        super(TestTransfer, self).setUp()
        self._setup_visitor_channel()
        self.op_marc = self._make_operator("marc_lc_transfer", "Marc Dobre", chat_name="Marc")
        self.sales = self.env["livechat.channel"].create({"name": "Sales Desk",
                                                          "user_ids": [(6, 0, [self.op_marc.id])]})
        self._set_online(self.op_anna, self.op_bob, self.op_marc)
        self.channel.write({"user_ids": [(6, 0, [self.op_anna.id])]})
        self.session = self._chat("I need a quote")
        self.session._post("Let me check", kind="operator")

    def _partner_notifications(self, user):
        channel = json_dump((self.env.cr.dbname, "res.partner", user.partner_id.id))
        return [json.loads(record.message) for record in
                self.env["bus.bus"].sudo().search([("channel", "=", channel)], order="id")]

    def _as(self, user):
        return self.session.sudo(user)

    def test_transfer_moves_the_conversation_with_its_history(self):
        conversation = self.session.mail_channel_id
        before = [message["body"] for message in self.session._history()]
        self._as(self.op_anna)._transfer(self.op_marc, note="Wants 40 chairs, VIP customer")
        self.assertEqual(self.session.operator_id, self.op_marc)
        self.assertEqual(self.session.mail_channel_id, conversation, "the same conversation, whole")
        self.assertIn(self.op_marc.partner_id, conversation.channel_partner_ids, "Marc joined")
        self.assertNotIn(self.op_anna.partner_id, conversation.channel_partner_ids, "Anna left")
        history = [message["body"] for message in self.session._history()]
        self.assertEqual(history[:len(before)], before, "the history is there for Marc")
        self.assertEqual(history[-1], "Marc joined the conversation.", "the Online Chat Name")
        # Marc's chat window opens; Anna's closes, telling her
        self.assertTrue([info for info in self._partner_notifications(self.op_marc)
                         if info.get("id") == conversation.id and info.get("livechat_session_id")])
        unpinned = [info for info in self._partner_notifications(self.op_anna)
                    if info.get("type") == "livechat_unpinned"]
        self.assertEqual(unpinned[-1]["id"], conversation.id)
        self.assertIn("Marc Dobre", unpinned[-1]["message"])
        # kept for the reports
        transfer = self.session.transfer_ids
        self.assertEqual((transfer.kind, transfer.from_operator_id, transfer.to_operator_id, transfer.channel_id,
                          transfer.note), ("transfer", self.op_anna, self.op_marc, self.channel,
                                           "Wants 40 chairs, VIP customer"))
        self.assertTrue(transfer.date)

    def test_the_note_never_reaches_the_visitor(self):
        self._as(self.op_anna)._transfer(self.op_marc, note="Secret: grumpy customer")
        self.assertNotIn("Secret: grumpy customer", [m["body"] for m in self.session._history()])
        self.assertNotIn("grumpy", json.dumps(self._bus_messages(self.session)))
        self.assertNotIn("grumpy", self.session.conversation_html)
        # but operators read it in the conversation, as mail's internal note
        note = self._conversation_messages(self.session).filtered(lambda m: "grumpy" in (m.body or ""))
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(note.author_id, self.op_anna.partner_id)
        # a note posted through Odoo's own message_post does not reach the visitor either
        self.session.mail_channel_id.sudo(self.op_marc).message_post(
            body="Another grumpy note", message_type="comment", subtype="mail.mt_note")
        self.assertNotIn("grumpy", json.dumps(self._bus_messages(self.session)))
        self.assertNotIn("Another grumpy note", [m["body"] for m in self.session._history()])

    def test_the_visitor_sees_who_joined_and_the_new_name(self):
        self._as(self.op_anna)._transfer(self.op_marc)
        events = self._bus_messages(self.session)
        joined = [event for event in events if event["type"] == "message"][-1]["message"]
        self.assertEqual((joined["body"], joined["author_name"], joined["kind"]),
                         ("Marc joined the conversation.", "Marc", "notification"))
        self.assertEqual(events[-1], {"type": "operator", "operator": {"operator_name": "Marc"}})
        self.assertEqual(self.session._visitor_info()["operator_name"], "Marc", "after a reload too")

    def test_transfer_to_a_channel_picks_an_available_operator(self):
        self._as(self.op_anna)._transfer(to_channel=self.sales, note="for sales")
        self.assertEqual((self.session.operator_id, self.session.channel_id), (self.op_marc, self.sales))
        self.assertEqual(self.session.transfer_ids.to_channel_id, self.sales)
        self._set_offline(self.op_marc)
        other = self._chat("Hi")
        with self.assertRaises(UserError):
            other.sudo(self.op_anna)._transfer(to_channel=self.sales)
        self.assertEqual(other.operator_id, self.op_anna, "nothing moved")

    def test_invite_adds_a_member_and_the_operator_stays(self):
        conversation = self.session.mail_channel_id
        self._as(self.op_anna)._invite(self.op_marc, note="Can you help with the price?")
        self.assertEqual(self.session.operator_id, self.op_anna)
        self.assertEqual(conversation.channel_partner_ids, self.op_anna.partner_id | self.op_marc.partner_id)
        self.assertEqual(self.session._history()[-1]["body"], "Marc joined the conversation.")
        self.assertNotIn("price", json.dumps(self._bus_messages(self.session)))
        self.assertEqual(self.session.transfer_ids.kind, "invite")
        # the invited colleague's /leave: he alone leaves, the conversation goes on
        conversation.sudo(self.op_marc).execute_command(command="leave")
        self.assertEqual(self.session.state, "open")
        self.assertEqual(conversation.channel_partner_ids, self.op_anna.partner_id)
        self.assertEqual(self.session._history()[-1]["body"], "Marc left the conversation.")

    def test_only_members_transfer(self):
        with self.assertRaises(AccessError):
            self._as(self.op_bob)._transfer(self.op_marc)
        with self.assertRaises(UserError):
            self._as(self.op_anna)._transfer(self.employee_user())
        self.assertEqual(self.session.operator_id, self.op_anna)

    def employee_user(self):
        return self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Not An Operator", "login": "not_an_operator_lc",
            "groups_id": [(6, 0, [self.env.ref("base.group_user").id])]})

    def test_transfer_command(self):
        conversation = self.session.mail_channel_id.sudo(self.op_anna)
        body = '/transfer <a href="#" data-oe-id="%d" data-oe-model="res.partner">@Marc Dobre</a> the chairs' % (
            self.op_marc.partner_id.id)
        conversation.execute_command(command="transfer", body=body, partner_ids=[self.op_marc.partner_id.id])
        self.assertEqual(self.session.operator_id, self.op_marc)
        self.assertEqual(self.session.transfer_ids.note, "the chairs")
        # to a channel by its name, then Marc transfers back
        self.channel.write({"user_ids": [(6, 0, [self.op_anna.id])]})
        self.session.mail_channel_id.sudo(self.op_marc).execute_command(
            command="transfer", body="/transfer visitor test channel back to you", partner_ids=[])
        self.assertEqual(self.session.operator_id, self.op_anna)
        self.assertEqual(self.session.transfer_ids[0].note, "back to you")
        # a channel completed by the composer: "#Sales Desk" (its spaces may come as no-break spaces)
        self.session.sudo(self.op_anna)._transfer(self.op_bob)
        self.session.mail_channel_id.sudo(self.op_bob).execute_command(
            command="transfer", body="/transfer #Sales\xa0Desk for Marc", partner_ids=[])
        self.assertEqual((self.session.operator_id, self.session.channel_id), (self.op_marc, self.sales))
        self.assertEqual(self.session.transfer_ids[0].note, "for Marc")
        self.session.sudo(self.op_marc)._transfer(self.op_anna)
        # alone: the transfer form opens in the operator's web client
        self.session.mail_channel_id.sudo(self.op_anna).execute_command(command="transfer", body="/transfer")
        forms = [info for info in self._partner_notifications(self.op_anna)
                 if info.get("type") == "livechat_transfer_form"]
        self.assertEqual(forms[-1]["action"]["res_model"], "livechat.session.transfer.wizard")
        self.assertEqual(forms[-1]["action"]["context"]["default_session_id"], self.session.id)

    def test_transfer_form(self):
        wizard = self.env["livechat.session.transfer.wizard"].sudo(self.op_anna).create({
            "session_id": self.session.id, "kind": "transfer", "operator_id": self.op_marc.id, "note": "see above"})
        wizard.action_confirm()
        self.assertEqual(self.session.operator_id, self.op_marc)

    def test_transfer_report_per_operator_and_hour(self):
        self._as(self.op_anna)._transfer(self.op_marc)
        self.session.sudo(self.op_marc)._transfer(self.op_anna)
        rows = self.env["livechat.session.transfer"].read_group(
            [("session_id", "=", self.session.id)], ["nbr", "from_operator_id", "hour"], ["from_operator_id", "hour"],
            lazy=False)
        self.assertEqual(sorted((row["from_operator_id"][0], row["nbr"]) for row in rows),
                         sorted([(self.op_anna.id, 1), (self.op_marc.id, 1)]))
        self.assertTrue(all(0 <= row["hour"] <= 23 for row in rows))

    def test_completion_after_transfer(self):
        Channel = self.env["mail.channel"].sudo(self.op_anna)
        names = [suggestion["name"] for suggestion in Channel.livechat_transfer_operator_suggestions("mar")]
        self.assertTrue({"Marc Dobre", "Bob Marin"} <= set(names), names)
        names = [suggestion["name"] for suggestion in Channel.livechat_transfer_operator_suggestions("dobre")]
        self.assertEqual(names, ["Marc Dobre"])
        self.assertEqual(Channel.livechat_transfer_operator_suggestions("Dobre")[0]["id"], self.op_marc.partner_id.id)
        self.assertFalse(Channel.livechat_transfer_operator_suggestions("Emma"), "employees are no operators")
        self.assertFalse(Channel.livechat_transfer_operator_suggestions("Anna"), "not oneself")
        self.assertEqual([s["name"] for s in Channel.livechat_transfer_channel_suggestions("sales d")], ["Sales Desk"])
        # employees who are not operators get nothing
        outsider = self.env["mail.channel"].sudo(self.employee_user())
        self.assertEqual(outsider.livechat_transfer_operator_suggestions("Marc"), [])
        self.assertEqual(outsider.livechat_transfer_channel_suggestions("sales"), [])

    def test_invited_then_given_the_conversation_joins_once(self):
        self._as(self.op_anna)._invite(self.op_marc)
        self._as(self.op_anna)._transfer(self.op_marc)
        bodies = [message["body"] for message in self.session._history()]
        self.assertEqual(bodies.count("Marc joined the conversation."), 1)
        self.assertEqual(self.session.mail_channel_id.channel_partner_ids, self.op_marc.partner_id)
