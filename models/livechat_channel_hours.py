"""Business hours of a channel: when its operators answer, and when the widget says "We're back Monday at 9:00".

A channel with business hours is open during its weekly ranges (several a day; a range whose end is
not after its start ends the next day, e.g. 22:00-02:00), in the channel's timezone, except on its
holidays: a holiday closes the whole day, or replaces that day's ranges by its own (special hours).
Outside its hours nobody is available (``_get_available_operators``) and the widget shows the
offline form, or no button (the channel's choice), with the next opening.

Everything is computed by ``_hours_state(now)``, a plain method call: ``init`` may compute it per
request, or cache its answer until ``until`` (the next opening or closing), when it changes.
"""
from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.addons.base.res.res_partner import _tz_get
from odoo.exceptions import ValidationError

WEEKDAYS = [("0", "Monday"), ("1", "Tuesday"), ("2", "Wednesday"), ("3", "Thursday"), ("4", "Friday"),
            ("5", "Saturday"), ("6", "Sunday")]
# how far the next opening is looked for: a channel closed for over a year has none
LOOKAHEAD_DAYS = 400
HOURS_CLOSED_ACTIONS = [("offline_form", "Show the offline form"), ("hide_button", "Hide the chat button")]


def _check_hour(value):
    return 0 <= value <= 24


def _format_hour(value):
    """9.5 -> '9:30'."""
    minutes = int(round(value * 60))
    return "%d:%02d" % (minutes // 60, minutes % 60)


class LivechatChannelHours(models.Model):
    """One opening range of a channel on one day of the week."""

    _name = "livechat.channel.hours"
    _description = "Live Chat Business Hours"
    _order = "channel_id, dayofweek, hour_from"

    channel_id = fields.Many2one("livechat.channel", string="Channel", required=True, ondelete="cascade",
                                 index=True)
    dayofweek = fields.Selection(WEEKDAYS, string="Day of Week", required=True, default="0")
    hour_from = fields.Float(string="Opens at", required=True, default=9.0,
                             help="Hour of the day in the channel's timezone, e.g. 9:00.")
    hour_to = fields.Float(string="Closes at", required=True, default=17.0,
                           help="Hour of the day in the channel's timezone; at or before the opening hour, "
                                "the range ends the next day (22:00 to 2:00).")

    @api.constrains("hour_from", "hour_to")
    def _check_hours(self):
        if any(not _check_hour(line.hour_from) or not _check_hour(line.hour_to) for line in self):
            raise ValidationError(_("Opening hours are between 0:00 and 24:00."))


class LivechatChannelHoliday(models.Model):
    """A date on which a channel is closed, or open at special hours only."""

    _name = "livechat.channel.holiday"
    _description = "Live Chat Holiday"
    _order = "channel_id, date, hour_from"

    channel_id = fields.Many2one("livechat.channel", string="Channel", required=True, ondelete="cascade",
                                 index=True)
    name = fields.Char(string="Reason", help="E.g. Christmas.")
    date = fields.Date(string="Date", required=True)
    closed = fields.Boolean(string="Closed All Day", default=True,
                            help="Unchecked: the channel opens at the hours of this line only on this date "
                                 "(one line per range).")
    hour_from = fields.Float(string="Opens at", default=9.0)
    hour_to = fields.Float(string="Closes at", default=13.0)

    @api.constrains("hour_from", "hour_to")
    def _check_hours(self):
        if any(not _check_hour(line.hour_from) or not _check_hour(line.hour_to) for line in self):
            raise ValidationError(_("Opening hours are between 0:00 and 24:00."))


class LivechatChannel(models.Model):
    """Business hours per channel (see the module docstring)."""

    _inherit = "livechat.channel"

    hours_enabled = fields.Boolean(
        string="Business Hours",
        help="Operators answer during these hours only; outside them the visitors see when you are back.")
    hours_tz = fields.Selection(_tz_get, string="Timezone", default=lambda self: self.env.user.tz or "UTC",
                                help="The timezone of the business hours and holidays.")
    hours_ids = fields.One2many("livechat.channel.hours", "channel_id", string="Opening Hours", copy=True)
    holiday_ids = fields.One2many("livechat.channel.holiday", "channel_id", string="Holidays", copy=True)
    hours_closed_action = fields.Selection(
        HOURS_CLOSED_ACTIONS, string="Outside Business Hours", default="offline_form", required=True,
        help="Show the button (with the offline form when the channel has one) and when you are back, "
             "or hide the button.")

    # ------------------------------------------------------------------
    # The ranges
    # ------------------------------------------------------------------
    def _hours_ranges_of_day(self, day, weekly, holidays):
        """The open ranges [(start, end)] (naive, channel's local time) starting on the date ``day``.

        ``weekly``: {weekday: [(from, to)]}; ``holidays``: {date: [(closed, from, to)]}.
        """
        special = holidays.get(day)
        if special is not None:
            if any(closed for closed, _start, _end in special):
                return []
            hours = [(start, end) for _closed, start, end in special]
        else:
            hours = weekly.get(day.weekday(), [])
        midnight = datetime.combine(day, time())
        ranges = []
        for start, end in hours:
            begin = midnight + timedelta(hours=start)
            finish = midnight + timedelta(hours=end)
            if end <= start:
                finish += timedelta(days=1)
            ranges.append((begin, finish))
        return sorted(ranges)

    def _hours_state(self, now=None):
        """Where the channel's hours stand at ``now`` (naive UTC datetime, default: now).

        ``{"enabled", "open", "next_opening", "until"}``: ``next_opening`` (naive UTC) when closed,
        None when open or never opening again within a year; ``until``: the next instant this
        answer changes (closing time or next opening), None if it never does.
        A channel without business hours is always open.
        """
        self.ensure_one()
        channel = self.sudo()
        now = now or fields.Datetime.from_string(fields.Datetime.now())
        if not channel.hours_enabled:
            return {"enabled": False, "open": True, "next_opening": None, "until": None}
        zone = pytz.timezone(channel.hours_tz or "UTC")
        weekly = {}
        for line in channel.hours_ids:
            weekly.setdefault(int(line.dayofweek), []).append((line.hour_from, line.hour_to))
        holidays = {}
        for line in channel.holiday_ids:
            holidays.setdefault(fields.Date.from_string(line.date), []).append(
                (line.closed, line.hour_from, line.hour_to))

        def to_utc(local):
            return zone.localize(local, is_dst=False).astimezone(pytz.utc).replace(tzinfo=None)

        today = pytz.utc.localize(now).astimezone(zone).date()
        # a range of yesterday may run past midnight
        intervals = []
        day = today - timedelta(days=1)
        for offset in range(LOOKAHEAD_DAYS + 1):
            for begin, finish in self._hours_ranges_of_day(day + timedelta(days=offset), weekly, holidays):
                begin, finish = to_utc(begin), to_utc(finish)
                if finish > now:
                    intervals.append((begin, finish))
            intervals.sort()
            # merge what touches (22:00-24:00 then 0:00-2:00 is one opening)
            merged = []
            for begin, finish in intervals:
                if merged and begin <= merged[-1][1]:
                    merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
                else:
                    merged.append((begin, finish))
            intervals = merged
            # known once the first opening ends before the next day (the earliest a later range starts)
            horizon = to_utc(datetime.combine(day + timedelta(days=offset + 1), time()))
            if intervals and intervals[0][1] < horizon:
                break
        if intervals and intervals[0][0] <= now:
            return {"enabled": True, "open": True, "next_opening": None, "until": intervals[0][1]}
        opening = intervals[0][0] if intervals else None
        return {"enabled": True, "open": False, "next_opening": opening, "until": opening}

    def _hours_is_open(self, now=None):
        """Whether operators of the channel answer at ``now`` (always, without business hours)."""
        return self._hours_state(now)["open"]

    # ------------------------------------------------------------------
    # What the widget shows
    # ------------------------------------------------------------------
    def _hours_widget_info(self, now=None, state=None):
        """The business hours in ``init`` (None without business hours): whether the channel is open
        and, when closed, the next opening as an ISO UTC instant (the widget writes it in the visitor's
        language and timezone), with the texts to write it and a fallback written here in the channel's
        timezone ("We're back Monday at 9:00.") in the language of this environment. ``state``: the
        ``_hours_state(now)`` the caller computed already."""
        self.ensure_one()
        state = state or self._hours_state(now)
        if not state["enabled"]:
            return None
        info = {"open": state["open"], "next_opening": None, "text": "", "day": "",
                "back_at": _("We're back {day} at {time}."), "today": _("today"), "tomorrow": _("tomorrow")}
        opening = state["next_opening"]
        if opening:
            zone = pytz.timezone(self.sudo().hours_tz or "UTC")
            local = pytz.utc.localize(opening).astimezone(zone)
            now_local = pytz.utc.localize(now or fields.Datetime.from_string(fields.Datetime.now())).astimezone(zone)
            days = (local.date() - now_local.date()).days
            if days == 0:
                day = info["today"]
            elif days == 1:
                day = info["tomorrow"]
            elif days < 7:
                day = self._hours_day_name(local.weekday())
            else:
                day = fields.Date.to_string(local.date())
            info.update(next_opening="%sZ" % opening.isoformat(), day=day,
                        text=info["back_at"].format(day=day, time=_format_hour(local.hour + local.minute / 60.0)))
        else:
            info["text"] = "" if state["open"] else _("We are closed for now.")
        return info

    @api.model
    def _hours_day_name(self, weekday):
        """The name of a day of the week (0: Monday) in the language of this environment."""
        names = dict(self.env["livechat.channel.hours"]._fields["dayofweek"]._description_selection(self.env))
        return names[str(weekday)]
