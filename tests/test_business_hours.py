"""Business hours per channel: open or closed, across midnight, timezones and holidays; the next opening."""
from datetime import datetime, timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import ValidationError
from odoo.tests import common

from .visitor_common import VisitorMixin


def utc(*args):
    return datetime(*args)


class TestBusinessHours(VisitorMixin, common.TransactionCase):

    def setUp(self):
        super(TestBusinessHours, self).setUp()
        self._setup_visitor_channel()
        self._set_online(self.op_anna, self.op_bob)
        # Bucharest: UTC+2 in winter, UTC+3 in summer. Weekdays 9-12 and 13-17.
        lines = [(0, 0, {"dayofweek": str(day), "hour_from": start, "hour_to": end})
                 for day in range(5) for start, end in ((9, 12), (13, 17))]
        self.channel.write({"hours_enabled": True, "hours_tz": "Europe/Bucharest", "hours_ids": lines})

    def test_without_business_hours_always_open(self):
        self.channel.hours_enabled = False
        self.assertEqual(self.channel._hours_state(utc(2026, 12, 13, 3, 0)),
                         {"enabled": False, "open": True, "next_opening": None, "until": None})
        self.assertIsNone(self.channel._hours_widget_info())

    def test_open_and_closed_with_several_ranges_a_day(self):
        # Wednesday 9 December 2026, 10:00 local = 8:00 UTC: open until noon local (10:00 UTC)
        state = self.channel._hours_state(utc(2026, 12, 9, 8, 0))
        self.assertEqual((state["open"], state["until"]), (True, utc(2026, 12, 9, 10, 0)))
        # noon local exactly: closed for lunch, back at 13:00 local (11:00 UTC)
        state = self.channel._hours_state(utc(2026, 12, 9, 10, 0))
        self.assertEqual((state["open"], state["next_opening"]), (False, utc(2026, 12, 9, 11, 0)))
        # 8:59 local: closed, opens a minute later
        self.assertEqual(self.channel._hours_state(utc(2026, 12, 9, 6, 59))["next_opening"], utc(2026, 12, 9, 7, 0))

    def test_next_opening_after_a_weekend(self):
        # Friday 18:00 local: back Monday 9:00 local = 7:00 UTC
        now = utc(2026, 12, 11, 16, 0)
        state = self.channel._hours_state(now)
        self.assertEqual((state["open"], state["next_opening"]), (False, utc(2026, 12, 14, 7, 0)))
        info = self.channel._hours_widget_info(now)
        self.assertEqual((info["open"], info["next_opening"], info["day"]), (False, "2026-12-14T07:00:00Z", "Monday"))
        self.assertEqual(info["text"], "We're back Monday at 9:00.")
        self.assertEqual(info["back_at"], "We're back {day} at {time}.")
        # the next day: "tomorrow"; the same day: "today"
        self.assertEqual(self.channel._hours_widget_info(utc(2026, 12, 13, 12, 0))["text"],
                         "We're back tomorrow at 9:00.")
        self.assertEqual(self.channel._hours_widget_info(utc(2026, 12, 14, 5, 0))["text"], "We're back today at 9:00.")

    def test_timezone_is_the_channels(self):
        # 8:00 UTC on a Wednesday: 10:00 in Bucharest (open), 3:00 in New York (closed until 9:00 = 14:00 UTC)
        self.assertTrue(self.channel._hours_is_open(utc(2026, 12, 9, 8, 0)))
        self.channel.hours_tz = "America/New_York"
        state = self.channel._hours_state(utc(2026, 12, 9, 8, 0))
        self.assertEqual((state["open"], state["next_opening"]), (False, utc(2026, 12, 9, 14, 0)))

    def test_daylight_saving_change(self):
        # Bucharest moves to UTC+3 on Sunday 28 March 2027: Monday 9:00 local is 6:00 UTC
        state = self.channel._hours_state(utc(2027, 3, 26, 16, 0))
        self.assertEqual(state["next_opening"], utc(2027, 3, 29, 6, 0))

    def test_range_across_midnight(self):
        # Saturday 22:00 to 2:00 (the range ends the next day)
        self.channel.write({"hours_ids": [(0, 0, {"dayofweek": "5", "hour_from": 22, "hour_to": 2})]})
        saturday_23h = utc(2026, 12, 12, 21, 0)
        sunday_1h = utc(2026, 12, 12, 23, 0)
        sunday_2h = utc(2026, 12, 13, 0, 0)
        self.assertTrue(self.channel._hours_is_open(saturday_23h))
        self.assertEqual(self.channel._hours_state(saturday_23h)["until"], sunday_2h)
        self.assertTrue(self.channel._hours_is_open(sunday_1h), "still open after midnight")
        state = self.channel._hours_state(sunday_2h)
        self.assertEqual((state["open"], state["next_opening"]), (False, utc(2026, 12, 14, 7, 0)))
        # 22:00-24:00 and 0:00-2:00 the next day are one opening
        self.channel.write({"hours_ids": [(5, 0, 0),
                                          (0, 0, {"dayofweek": "5", "hour_from": 22, "hour_to": 24}),
                                          (0, 0, {"dayofweek": "6", "hour_from": 0, "hour_to": 2})]})
        self.assertEqual(self.channel._hours_state(saturday_23h)["until"], sunday_2h)

    def test_holidays(self):
        friday_evening = utc(2026, 12, 11, 16, 0)
        # Monday closed: back Tuesday 9:00
        self.channel.write({"holiday_ids": [(0, 0, {"date": "2026-12-14", "name": "Closed", "closed": True})]})
        self.assertEqual(self.channel._hours_state(friday_evening)["next_opening"], utc(2026, 12, 15, 7, 0))
        self.assertFalse(self.channel._hours_is_open(utc(2026, 12, 14, 8, 0)), "closed all Monday")
        # Tuesday: special hours 10:00-11:00 only
        self.channel.write({"holiday_ids": [
            (0, 0, {"date": "2026-12-15", "closed": False, "hour_from": 10, "hour_to": 11})]})
        self.assertEqual(self.channel._hours_state(friday_evening)["next_opening"], utc(2026, 12, 15, 8, 0))
        self.assertFalse(self.channel._hours_is_open(utc(2026, 12, 15, 10, 0)),
                         "12:00 local: the special hours end at 11")
        # a holiday on Saturday, a day without hours, opens the channel
        self.channel.write({"holiday_ids": [
            (0, 0, {"date": "2026-12-12", "closed": False, "hour_from": 10, "hour_to": 12})]})
        self.assertEqual(self.channel._hours_state(friday_evening)["next_opening"], utc(2026, 12, 12, 8, 0))

    def test_never_opening_again(self):
        self.channel.write({"hours_ids": [(5, 0, 0)]})
        state = self.channel._hours_state(utc(2026, 12, 9, 8, 0))
        self.assertEqual((state["open"], state["next_opening"], state["until"]), (False, None, None))
        self.assertEqual(self.channel._hours_widget_info(utc(2026, 12, 9, 8, 0))["text"], "We are closed for now.")

    def test_hours_are_checked(self):
        with self.assertRaises(ValidationError):
            self.channel.write({"hours_ids": [(0, 0, {"dayofweek": "0", "hour_from": 9, "hour_to": 25})]})

    def test_nobody_is_available_outside_business_hours(self):
        self._close_today()
        self.assertFalse(self.channel._get_available_operators())
        self.assertFalse(self.env["livechat.session"]._open_for_visitor(self.channel))
        self.channel.holiday_ids.unlink()
        self.channel.write({"hours_ids": [(5, 0, 0)] + [(0, 0, {"dayofweek": str(day), "hour_from": 0, "hour_to": 24})
                                                        for day in range(7)]})
        self.assertEqual(self.channel._get_available_operators(), self.op_anna | self.op_bob)

    def _close_today(self):
        today = fields.Date.context_today(self.channel.with_context(tz="UTC"))
        self.channel.write({"hours_tz": "UTC", "hours_ids": [(5, 0, 0)] + [
            (0, 0, {"dayofweek": str(day), "hour_from": 9, "hour_to": 17}) for day in range(7)],
            "holiday_ids": [(0, 0, {"date": today, "closed": True})]})


@common.at_install(False)
@common.post_install(True)
class TestBusinessHoursInit(VisitorMixin, common.HttpCase):
    """``init`` over real HTTP outside business hours (as in test_visitor_api)."""

    def setUp(self):
        super(TestBusinessHoursInit, self).setUp()
        self.env = api.Environment(self.registry.test_cr, SUPERUSER_ID, {})
        self._setup_visitor_channel()
        self._set_online(self.op_anna, self.op_bob)

    def _ok(self, path, payload):
        response = self._call(path, payload)
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()

    def _init(self):
        return self._ok("/livechat/api/init", {"channel_id": self.channel.id, "url": "https://shop.example.com/"})

    def _open(self):
        return self._ok("/livechat/api/session/open",
                        {"channel_id": self.channel.id, "url": "https://shop.example.com/"})

    def _close_today(self):
        today = fields.Date.context_today(self.channel.with_context(tz="UTC"))
        self.channel.write({"hours_enabled": True, "hours_tz": "UTC", "hours_ids": [
            (0, 0, {"dayofweek": str(day), "hour_from": 9, "hour_to": 17}) for day in range(7)],
            "holiday_ids": [(0, 0, {"date": today, "closed": True})]})
        return fields.Date.from_string(today)

    def test_init_outside_business_hours(self):
        today = self._close_today()
        self.channel.offline_form_enabled = True
        data = self._init()
        self.assertFalse(data["available"])
        self.assertTrue(data["show_button"], "the button shows, with the offline form")
        self.assertTrue(data["offline_form"])
        hours = data["hours"]
        self.assertFalse(hours["open"])
        self.assertEqual(hours["next_opening"], "%sT09:00:00Z" % (today + timedelta(days=1)).isoformat())
        self.assertEqual(hours["text"], "We're back tomorrow at 9:00.")
        self.assertEqual(hours["back_at"], "We're back {day} at {time}.")
        # the visitor cannot open a chat
        self.assertFalse(self._open()["available"])
        # the channel may hide its button instead
        self.channel.hours_closed_action = "hide_button"
        data = self._init()
        self.assertFalse(data["show_button"])
        self.assertEqual(data["action"], "hide_button")

    def test_no_automatic_popup_outside_business_hours(self):
        self._close_today()
        self.env["livechat.channel.rule"].create({"channel_id": self.channel.id, "regex_url": "/",
                                                  "action": "auto_popup", "auto_popup_timer": 3})
        data = self._init()
        self.assertEqual((data["action"], data["auto_popup_timer"], data["show_button"]), ("display_button", 0, True))

    def test_init_outside_business_hours_without_offline_form(self):
        self._close_today()
        data = self._init()
        self.assertTrue(data["show_button"], "the button shows, to say when we are back")
        self.assertIsNone(data["offline_form"])

    def test_init_within_business_hours(self):
        self.channel.write({"hours_enabled": True, "hours_tz": "UTC", "hours_ids": [
            (0, 0, {"dayofweek": str(day), "hour_from": 0, "hour_to": 24}) for day in range(7)]})
        data = self._init()
        self.assertTrue(data["available"] and data["show_button"])
        self.assertTrue(data["hours"]["open"])
        self.assertIsNone(data["hours"]["next_opening"])
