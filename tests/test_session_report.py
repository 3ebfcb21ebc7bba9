from datetime import timedelta

from odoo import fields

from .after_chat_common import AfterChatCase


def at(start, seconds):
    return fields.Datetime.to_string(fields.Datetime.from_string(start) + timedelta(seconds=seconds))


class TestSessionReport(AfterChatCase):
    """Sessions, time to first answer, duration, messages and rating, per channel and operator."""

    def setUp(self):
        super(TestSessionReport, self).setUp()
        self.Report = self.env["livechat.session.report"]
        self.start = "2018-07-03 10:00:00"

    def _conversation(self, channel, answer_after=None, lasts=600, rating=None):
        """A conversation started at self.start: the visitor writes after 30 s, the operator answers
        ``answer_after`` seconds later, the session ends after ``lasts`` seconds."""
        session = self._open_session(channel, first_message=None)
        question = self.env["mail.message"].browse(session._post_visitor_message("Hello?")["id"])
        messages = [(question, 30)]
        if answer_after is not None:
            messages.append((self._operator_says(session, "Hello, how can I help?"), 30 + answer_after))
        for message, seconds in messages:
            message.sudo().write({"date": at(self.start, seconds)})
        session.write({"start_date": self.start, "end_date": at(self.start, lasts), "state": "closed"})
        if rating:
            session._rate(rating)
        return session

    def _row(self, session):
        self.Report.invalidate_cache()
        return self.Report.search([("session_id", "=", session.id)])

    def test_statistics_of_one_session(self):
        session = self._conversation(self.channel, answer_after=90, lasts=600, rating="happy")
        row = self._row(session)
        self.assertEqual(row.channel_id, self.channel)
        self.assertEqual(row.operator_id, self.operator)
        self.assertEqual(row.nbr_sessions, 1)
        self.assertEqual(row.message_count, 2)
        self.assertEqual(row.visitor_message_count, 1)
        self.assertAlmostEqual(row.time_to_answer, 90)
        self.assertAlmostEqual(row.duration, 10)
        self.assertEqual(row.rating, "happy")
        self.assertEqual(row.rating_satisfaction, 100)

    def test_unanswered_session_has_no_time_to_answer(self):
        row = self._row(self._conversation(self.channel, answer_after=None))
        self.assertFalse(row.time_to_answer)
        self.assertEqual(row.message_count, 1)
        self.assertFalse(row.rating)

    def test_averages_per_operator_and_channel(self):
        other = self._make_operator("omar_report", "Omar Operator")
        other_channel = self.env["livechat.channel"].create({"name": "Returns", "user_ids": [(6, 0, [other.id])]})
        self._set_online(other)
        self._conversation(self.channel, answer_after=60, lasts=300, rating="happy")
        self._conversation(self.channel, answer_after=120, lasts=900, rating="neutral")
        self._conversation(self.channel, answer_after=30, lasts=600)  # not rated: not in the satisfaction
        self._conversation(other_channel, answer_after=10, lasts=120, rating="unhappy")
        fields_ = ["nbr_sessions", "time_to_answer", "duration", "message_count", "rating_satisfaction",
                   "nbr_rated"]
        domain = [("channel_id", "in", (self.channel | other_channel).ids)]
        by_operator = {group["operator_id"][0]: group
                       for group in self.Report.read_group(domain, fields_ + ["operator_id"], ["operator_id"])}
        mine = by_operator[self.operator.id]
        self.assertEqual(mine["nbr_sessions"], 3)
        self.assertEqual(mine["nbr_rated"], 2)
        self.assertAlmostEqual(mine["time_to_answer"], 70)
        self.assertAlmostEqual(mine["duration"], 10)
        self.assertEqual(mine["message_count"], 6)
        self.assertAlmostEqual(mine["rating_satisfaction"], 75)
        theirs = by_operator[other.id]
        self.assertEqual(theirs["nbr_sessions"], 1)
        self.assertAlmostEqual(theirs["rating_satisfaction"], 0)
        by_channel = {group["channel_id"][0]: group
                      for group in self.Report.read_group(domain, fields_ + ["channel_id"], ["channel_id"])}
        self.assertEqual(by_channel[other_channel.id]["nbr_sessions"], 1)
        self.assertAlmostEqual(by_channel[self.channel.id]["rating_satisfaction"], 75)

    def test_report_views_open(self):
        for view_type in ("pivot", "graph", "search"):
            arch = self.Report.fields_view_get(view_type=view_type)["arch"]
            self.assertIn("start_date", arch)
        for view_type in ("tree", "form", "search"):
            self.assertIn("rating", self.env["livechat.session"].fields_view_get(view_type=view_type)["arch"])
