import json
from datetime import timedelta

from odoo import fields
from odoo.addons.bus.models.bus import json_dump
from odoo.exceptions import AccessError, UserError

from .after_chat_common import AfterChatCase
from .chatbot_common import ChatbotMixin
from odoo.tests import common


def at(start, seconds):
    return fields.Datetime.to_string(fields.Datetime.from_string(start) + timedelta(seconds=seconds))


class WorkspaceCase(AfterChatCase):

    def setUp(self):
        super(WorkspaceCase, self).setUp()
        self.colleague = self._make_operator("cora_workspace", "Cora Colleague", chat_name="Cora")
        self.channel.write({"user_ids": [(4, self.colleague.id)]})

    def _bus(self, channel):
        records = self.env["bus.bus"].sudo().search([("channel", "=", json_dump(channel))], order="id")
        return [json.loads(record.message) for record in records]

    def _visitor_bus(self, session):
        return self._bus(session._bus_channel())

    def _partner_bus(self, user):
        return self._bus((self.env.cr.dbname, "res.partner", user.partner_id.id))

    def _as_operator(self, session):
        return session.sudo(session.operator_id)


class TestConversationStatus(WorkspaceCase):

    def test_status_moves_and_back_to_in_progress_when_the_visitor_writes(self):
        session = self._open_session(self.channel)
        self.assertEqual(session.conversation_status, "in_progress")
        self._as_operator(session).action_set_conversation_status("waiting")
        self.assertEqual(session.conversation_status, "waiting")
        update = [n for n in self._partner_bus(self.operator) if n.get("type") == "livechat_session_update"][-1]
        self.assertEqual(update["livechat"]["workspace"]["status"], "waiting")
        self.assertEqual(update["livechat"]["workspace"]["status_label"], "Waiting for Customer")
        session._post_visitor_message("I am back")
        self.assertEqual(session.conversation_status, "in_progress")
        with self.assertRaises(UserError):
            self._as_operator(session).action_set_conversation_status("sleeping")

    def test_looking_for_help_reaches_the_channel_operators_who_can_join(self):
        session = self._open_session(self.channel)
        visitor_events_before = len(self._visitor_bus(session))
        self._as_operator(session).action_set_conversation_status("help")
        self.assertTrue(session.help_requested)
        asked = [n for n in self._partner_bus(self.colleague) if n.get("type") == "livechat_help_requested"]
        self.assertEqual(len(asked), 1)
        self.assertEqual(asked[0]["session_id"], session.id)
        self.assertIn("Olga Operator", asked[0]["message"])
        self.assertFalse([n for n in self._partner_bus(self.operator) if n.get("type") == "livechat_help_requested"],
                         "the operator asking is not asked")
        self.assertEqual(len(self._visitor_bus(session)), visitor_events_before, "the visitor learns nothing")
        # the colleague joins: member of the conversation, the visitor reads who joined
        session.sudo(self.colleague).action_join_conversation()
        self.assertIn(self.colleague.partner_id, session.mail_channel_id.channel_partner_ids)
        self.assertIn("Cora joined the conversation.", [m["body"] for m in session._history()])
        opened = [n for n in self._partner_bus(self.colleague) if n.get("channel_type") == "livechat"]
        self.assertEqual(opened[-1]["id"], session.mail_channel_id.id)
        # both operators now get the panel's updates
        session.sudo(self.colleague).action_add_note("Card refused twice")
        for user in (self.operator, self.colleague):
            updates = [n for n in self._partner_bus(user) if n.get("type") == "livechat_session_update"]
            self.assertEqual(updates[-1]["livechat"]["workspace"]["notes"][-1]["body"], "Card refused twice")

    def test_an_operator_of_another_channel_cannot_act(self):
        session = self._open_session(self.channel)
        outsider = self._make_operator("otto_workspace", "Otto Outsider")
        self.env["livechat.channel"].create({"name": "Elsewhere", "user_ids": [(6, 0, [outsider.id])]})
        with self.assertRaises(AccessError):
            session.sudo(outsider).action_set_conversation_status("help")
        with self.assertRaises(AccessError):
            session.sudo(outsider).action_add_note("peek")


class TestNotesTagsCommands(WorkspaceCase):

    def test_notes_never_reach_the_visitor(self):
        session = self._open_session(self.channel)
        conversation = session.mail_channel_id.sudo(self.operator)
        visitor_events_before = len(self._visitor_bus(session))
        messages_before = len(self._conversation_messages(session))
        self._as_operator(session).action_add_note("VIP customer, secret-note-1")
        conversation.execute_command(command="note", body="/note secret-note-2&nbsp;is here")
        self.assertEqual(session.note_ids.mapped("body"), ["VIP customer, secret-note-1", "secret-note-2 is here"])
        self.assertEqual(session.note_ids.mapped("author_id"), self.operator | self.operator)
        self.assertEqual(len(self._conversation_messages(session)), messages_before, "no message in the conversation")
        self.assertEqual(len(self._visitor_bus(session)), visitor_events_before, "nothing on the visitor's bus")
        self.assertNotIn("secret-note", json.dumps(session._history()))
        self.assertNotIn("secret-note", session.conversation_html)
        # the operator reads that it was added, as a transient message to him only
        transient = [n for n in self._partner_bus(self.operator) if n.get("info") == "transient_message"]
        self.assertIn("Note added", transient[-1]["body"])
        # an empty /note says what to do and adds nothing
        conversation.execute_command(command="note", body="/note ")
        self.assertEqual(len(session.note_ids), 2)

    def test_history_is_answered_to_the_operator_only(self):
        session = self._open_session(self.channel, page_url="https://shop.example.com/start")
        session._record_page_visit("https://shop.example.com/pricing")
        visitor_events_before = len(self._visitor_bus(session))
        messages_before = len(self._conversation_messages(session))
        session.mail_channel_id.sudo(self.operator).execute_command(command="history", body="/history")
        transient = [n for n in self._partner_bus(self.operator) if n.get("info") == "transient_message"][-1]
        self.assertIn("https://shop.example.com/start", transient["body"])
        self.assertIn("https://shop.example.com/pricing", transient["body"])
        self.assertEqual(transient["channel_ids"], [session.mail_channel_id.id])
        self.assertEqual(len(self._visitor_bus(session)), visitor_events_before)
        self.assertEqual(len(self._conversation_messages(session)), messages_before)

    def test_history_escapes_what_the_visitor_sent(self):
        session = self._open_session(self.channel, visitor_name="<b>Eve</b>")
        session.mail_channel_id.sudo(self.operator).execute_command(command="history", body="/history")
        transient = [n for n in self._partner_bus(self.operator) if n.get("info") == "transient_message"][-1]
        self.assertNotIn("<b>Eve</b>", transient["body"])
        self.assertIn("&lt;b&gt;Eve&lt;/b&gt;", transient["body"])

    def test_commands_are_for_members_and_listed_for_live_chats(self):
        session = self._open_session(self.channel)
        names = {c["name"]: c for c in self.env["mail.channel"].get_mention_commands()}
        for name in ("history", "note", "tag"):
            self.assertEqual(names[name]["channel_types"], ["livechat"])
        with self.assertRaises(AccessError):
            session.mail_channel_id.sudo(self.colleague).execute_command(command="note", body="/note hi")

    def test_tag_command_creates_or_reuses_tags(self):
        session = self._open_session(self.channel)
        conversation = session.mail_channel_id.sudo(self.operator)
        conversation.execute_command(command="tag", body="/tag Billing")
        conversation.execute_command(command="tag", body="/tag billing")
        self.assertEqual(session.tag_ids.mapped("name"), ["Billing"])
        self.assertTrue(session.tag_ids.color, "a new tag gets a colour")
        conversation.execute_command(command="tag", body="/tag " + "x" * 41)
        self.assertEqual(len(session.tag_ids), 1, "a name over the cap is refused")
        info = session._operator_info()["workspace"]
        self.assertEqual(info["tags"][0]["name"], "Billing")
        self._as_operator(session).action_remove_tag(session.tag_ids.id)
        self.assertFalse(session.tag_ids)


class TestVisitorPanel(WorkspaceCase):

    def test_panel_knows_previous_conversations_offline_messages_and_the_partner(self):
        first = self._start_chat(self.channel, "Hello", visitor_uid="browser-42")
        first._rate("happy")
        first._end("visitor")
        self.env["livechat.offline.message"]._create_from_visitor(
            self.channel, "Ana", "ana@example.com", "Call me back", visitor_uid="browser-42")
        other = self._start_chat(self.channel, "Hello", visitor_uid="browser-other")
        session = self._start_chat(self.channel, "Hello", visitor_uid="browser-42",
                                   page_url="https://shop.example.com/cart")
        info = session._operator_info()["workspace"]
        self.assertEqual([p["id"] for p in info["previous"]], [first.id])
        self.assertNotIn(other.id, [p["id"] for p in info["previous"]])
        self.assertEqual(info["previous"][0]["rating"], "happy")
        self.assertEqual(info["previous"][0]["outcome_label"], "No Answer")
        self.assertEqual(info["offline_messages"][0]["text"], "Call me back")
        self.assertFalse(info["verified"])
        self.assertEqual(info["email"], "")
        self.assertFalse(info["partner"])
        self.assertEqual(info["current_page"], "https://shop.example.com/cart")
        session._record_page_visit("https://shop.example.com/checkout")
        update = [n for n in self._partner_bus(self.operator) if n.get("type") == "livechat_session_update"][-1]
        self.assertEqual(update["livechat"]["workspace"]["current_page"], "https://shop.example.com/checkout")

    def test_language_of_the_visitor(self):
        session = self.env["livechat.session"].with_context(lang="en_US")._open_for_visitor(self.channel)
        self.assertEqual(session.visitor_lang, "en_US")
        self.assertEqual(session._operator_info()["workspace"]["lang_name"], "English")

    def test_session_form_times_in_the_users_time_zone(self):
        session = self._open_session(self.channel)
        session.write({"start_date": "2018-07-03 10:00:00"})
        self.operator.tz = "Europe/Bucharest"
        self.assertEqual(session.sudo(self.operator).start_date_local, "2018-07-03 13:00:00 EEST")
        self.operator.tz = False
        session.invalidate_cache()
        self.assertEqual(session.sudo(self.operator).start_date_local, "2018-07-03 10:00:00 UTC")


class TestOutcome(WorkspaceCase):

    def test_answered_no_answer_escalated_and_silent(self):
        answered = self._open_session(self.channel)
        self._operator_says(answered, "Hello!")
        unanswered = self._open_session(self.channel)
        escalated = self._open_session(self.channel)
        self._operator_says(escalated, "Let me ask")
        self._as_operator(escalated).action_set_conversation_status("help")
        escalated.action_set_conversation_status("in_progress")
        silent = self._open_session(self.channel, first_message=None)
        sessions = answered | unanswered | escalated | silent
        self.assertFalse(any(sessions.mapped("outcome")), "computed when the conversation ends")
        sessions._end("inactivity")
        self.assertEqual(answered.outcome, "answered")
        self.assertEqual(unanswered.outcome, "no_answer")
        self.assertEqual(escalated.outcome, "escalated")
        self.assertFalse(silent.outcome, "nobody wrote: no conversation, no outcome")
        found = self.env["livechat.session"].search([("outcome", "=", "no_answer"), ("id", "in", sessions.ids)])
        self.assertEqual(found, unanswered, "the outcome is stored and filterable")


class TestChatbotOutcome(ChatbotMixin, common.TransactionCase):

    def setUp(self):
        super(TestChatbotOutcome, self).setUp()
        self._setup_chatbot_channel("olivia_workspace_bot")
        self.Session = self.env["livechat.session"]

    def _open(self):
        return self.Session._open_for_visitor(self.channel, page_url="https://shop.example.com/", rule=self.rule)

    def test_no_one_available_when_the_bot_cannot_hand_over(self):
        session = self._open()
        session._chatbot_select_answer(self.answer_help)
        session._post_visitor_message("ana@example.com")
        session._end("visitor")
        self.assertEqual(session.outcome, "no_one_available")
        self.assertEqual(session._visitor_email(), "ana@example.com")

    def test_answered_by_the_bot(self):
        session = self._open()
        session._chatbot_select_answer(self.answer_bye)
        session._end("visitor")
        self.assertEqual(session.outcome, "bot")

    def test_panel_shows_the_chatbot_answers_and_the_partner(self):
        partner = self.env["res.partner"].create({"name": "Ana Popescu", "email": "Ana@Example.com"})
        session = self._open()
        session._chatbot_select_answer(self.answer_help)
        self._set_online(self.operator)
        session._post_visitor_message("ana@example.com")
        info = session._operator_info()["workspace"]
        self.assertEqual([a["value"] for a in info["chatbot_answers"]], ["Help", "ana@example.com"])
        self.assertEqual(info["email"], "ana@example.com")
        self.assertEqual(info["partner"], {"id": partner.id, "name": "Ana Popescu"})


class TestWorkspaceReport(WorkspaceCase):

    def setUp(self):
        super(TestWorkspaceReport, self).setUp()
        self.Report = self.env["livechat.session.report"]

    def _conversation(self, start, answer_after=None, rating=None, tags=(), lang="en_US"):
        session = self._open_session(self.channel, first_message=None)
        question = self.env["mail.message"].browse(session._post_visitor_message("Hello?")["id"])
        question.sudo().write({"date": at(start, 10)})
        if answer_after is not None:
            self._operator_says(session, "Hi").sudo().write({"date": at(start, 10 + answer_after)})
        for tag in tags:
            self._as_operator(session).action_add_tag(tag)
        session.write({"start_date": start, "visitor_lang": lang})
        session._end("inactivity")
        session.write({"end_date": at(start, 600)})
        if rating:
            session.sudo().write({"rating": rating})
        return session

    def test_measures_by_hour_weekday_language_outcome_and_tag(self):
        self.operator.tz = "Europe/Bucharest"  # UTC+3 in July
        # Tuesday 2018-07-03 10:00 UTC = 13:00 in Bucharest
        a = self._conversation("2018-07-03 10:00:00", answer_after=60, rating="happy", tags=["Billing"])
        b = self._conversation("2018-07-03 10:30:00", answer_after=120, rating="unhappy", tags=["Billing", "Bug"])
        c = self._conversation("2018-07-07 20:00:00", answer_after=None, lang="ro_RO")  # Saturday 23:00
        silent = self._open_session(self.channel, first_message=None)
        silent._end("inactivity")
        ids = (a | b | c | silent).ids
        self.Report.invalidate_cache()
        rows = self.Report.search([("session_id", "in", ids)])
        self.assertEqual(sorted(rows.mapped("session_id").ids), sorted((a | b | c).ids),
                         "a chat nobody wrote in is no conversation")
        measures = ["nbr_sessions", "time_to_answer", "rating_satisfaction"]
        domain = [("session_id", "in", ids)]
        groups = self.Report.read_group(domain, measures + ["hour_of_day"], ["hour_of_day"])
        by_hour = {g["hour_of_day"]: g for g in groups}
        self.assertEqual(set(by_hour), {13, 23})
        self.assertEqual(by_hour[13]["nbr_sessions"], 2)
        self.assertAlmostEqual(by_hour[13]["time_to_answer"], 90)
        self.assertAlmostEqual(by_hour[13]["rating_satisfaction"], 50)
        by_weekday = {g["weekday"]: g["nbr_sessions"]
                      for g in self.Report.read_group(domain, ["nbr_sessions", "weekday"], ["weekday"])}
        self.assertEqual(by_weekday, {"2": 2, "6": 1})
        by_lang = {g["visitor_lang"]: g["nbr_sessions"]
                   for g in self.Report.read_group(domain, ["nbr_sessions", "visitor_lang"], ["visitor_lang"])}
        self.assertEqual(by_lang, {"en_US": 2, "ro_RO": 1})
        by_outcome = {g["outcome"]: g["nbr_sessions"]
                      for g in self.Report.read_group(domain, ["nbr_sessions", "outcome"], ["outcome"])}
        self.assertEqual(by_outcome, {"answered": 2, "no_answer": 1})
        Tags = self.env["livechat.session.tag.report"]
        Tags.invalidate_cache()
        by_tag = {g["tag_id"][1]: g for g in Tags.read_group(domain, measures + ["tag_id"], ["tag_id"])}
        self.assertEqual(by_tag["Billing"]["nbr_sessions"], 2)
        self.assertAlmostEqual(by_tag["Billing"]["time_to_answer"], 90)
        self.assertEqual(by_tag["Bug"]["nbr_sessions"], 1)
        self.assertAlmostEqual(by_tag["Bug"]["rating_satisfaction"], 0)
        # every dimension of the conversation's report, by tag: here the hour of day, in Bucharest
        hours = Tags.read_group(domain + [("tag_id.name", "=", "Billing")], ["nbr_sessions", "hour_of_day"],
                                ["hour_of_day"])
        self.assertEqual({g["hour_of_day"]: g["nbr_sessions"] for g in hours}, {13: 2})

    def test_report_views_open(self):
        for view_type in ("pivot", "graph", "search"):
            self.env["livechat.session.tag.report"].fields_view_get(view_type=view_type)
        arch = self.env["livechat.session"].fields_view_get(
            view_id=self.env.ref("livechat.livechat_session_view_tree_ongoing").id, view_type="tree")["arch"]
        self.assertIn("livechat_ongoing_list", arch)
        self.assertIn("waiting_minutes", arch)
