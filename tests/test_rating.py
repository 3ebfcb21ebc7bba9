from odoo.exceptions import UserError
from odoo.tests import common

from .after_chat_common import AfterChatCase, AfterChatHttpCase


class TestRating(AfterChatCase):
    """The visitor rates the conversation; the operator reads the rating in it."""

    def test_rating_is_recorded_and_shown_to_the_operator(self):
        session = self._open_session(self.channel, visitor_name="Ana")
        session._rate("happy", "  Quick and clear, thanks!  ")
        self.assertEqual(session.rating, "happy")
        self.assertEqual(session.rating_comment, "Quick and clear, thanks!")
        self.assertTrue(session.rating_date)
        # the operator reads it in the conversation (he is a member of it)
        notices = self.env["mail.message"].sudo(self.operator).search([
            ("model", "=", "mail.channel"), ("res_id", "=", session.mail_channel_id.id),
            ("body", "ilike", "rated the conversation")])
        self.assertEqual(len(notices), 1)
        self.assertIn("Ana rated the conversation", notices.body)
        self.assertIn("Happy", notices.body)
        self.assertIn("Quick and clear, thanks!", notices.body)
        self.assertFalse(notices.author_id, "the notice comes from the visitor, not from a user")

    def test_comment_is_optional(self):
        session = self._open_session(self.channel)
        session._rate("unhappy")
        self.assertEqual(session.rating, "unhappy")
        self.assertFalse(session.rating_comment)
        notice = self._conversation_messages(session)[-1]
        self.assertIn("Unhappy", notice.body)
        self.assertNotIn("Comment", notice.body)

    def test_visitor_comment_is_text_not_html(self):
        session = self._open_session(self.channel)
        session._rate("neutral", "<b>bold</b><script>alert(1)</script>")
        self.assertEqual(session.rating_comment, "<b>bold</b><script>alert(1)</script>")
        notice = self._conversation_messages(session)[-1]
        self.assertNotIn("<script", notice.body)
        self.assertNotIn("<b>", notice.body)
        self.assertIn("&lt;b&gt;bold&lt;/b&gt;", notice.body)

    def test_unknown_rating_is_refused_and_nothing_changes(self):
        session = self._open_session(self.channel)
        before = len(self._conversation_messages(session))
        with self.assertRaisesRegex(UserError, "happy, neutral or unhappy"):
            session._rate("excellent", "great")
        self.assertFalse(session.rating)
        self.assertEqual(len(self._conversation_messages(session)), before)

    def test_the_visitor_can_change_his_mind(self):
        session = self._open_session(self.channel)
        session._rate("unhappy", "slow")
        session._rate("happy")
        self.assertEqual(session.rating, "happy")
        self.assertFalse(session.rating_comment)


@common.at_install(False)
@common.post_install(True)
class TestRatingApi(AfterChatHttpCase):
    """POST /livechat/api/session/rate, as the widget calls it."""

    def test_rate_through_the_api(self):
        session = self._open_session(self.channel)
        token = session.sudo().access_token
        status, body = self.api("/livechat/api/session/rate",
                                {"token": token, "rating": "happy", "comment": "Great help"})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["rating"], "happy")
        self.assertTrue(body["message"])
        session.invalidate_cache()
        self.assertEqual(session.rating, "happy")
        self.assertEqual(session.rating_comment, "Great help")

    def test_closed_conversation_can_still_be_rated(self):
        session = self._open_session(self.channel)
        session._end("visitor")
        status, body = self.api("/livechat/api/session/rate",
                                {"token": session.sudo().access_token, "rating": "neutral"})
        self.assertEqual(status, 200, body)
        session.invalidate_cache()
        self.assertEqual(session.rating, "neutral")

    def test_bad_input_gets_a_readable_error(self):
        session = self._open_session(self.channel)
        status, body = self.api("/livechat/api/session/rate",
                                {"token": session.sudo().access_token, "rating": "5 stars"})
        self.assertEqual(status, 400)
        self.assertIn("happy, neutral or unhappy", body["error"]["message"])
        status, body = self.api("/livechat/api/session/rate", {"token": "not-a-token", "rating": "happy"})
        self.assertEqual(status, 403)
        self.assertEqual(body["error"]["code"], "invalid_token")
        status, body = self.api("/livechat/api/session/rate", {"token": session.sudo().access_token})
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["code"], "missing_rating")
        session.invalidate_cache()
        self.assertFalse(session.rating)
