// Business hours: "We're back Monday at 9:00" in the visitor's language and timezone.
import {test} from "node:test";
import assert from "node:assert/strict";

import {backAtText, bcp47, closedNow} from "../../src/widget/hours.js";

const HOURS = {
    open: false, next_opening: "2026-12-14T07:00:00Z", text: "We're back Monday at 9:00.",
    back_at: "We're back {day} at {time}.", today: "today", tomorrow: "tomorrow",
};
const FRIDAY_EVENING = new Date("2026-12-11T16:00:00Z");

test("the next opening in the visitor's timezone and language", () => {
    // the channel opens Monday 9:00 in Bucharest (7:00 UTC)
    assert.equal(backAtText(HOURS, "en_US", {now: FRIDAY_EVENING, timeZone: "Europe/Bucharest"}),
        "We're back Monday at 9:00 AM.");
    // a visitor in London reads 7:00, one in Tokyo Monday 16:00
    assert.equal(backAtText(HOURS, "en_GB", {now: FRIDAY_EVENING, timeZone: "Europe/London"}),
        "We're back Monday at 7:00.");
    assert.equal(backAtText(HOURS, "en_GB", {now: FRIDAY_EVENING, timeZone: "Asia/Tokyo"}),
        "We're back Monday at 16:00.");
    // in Romanian (the sentence comes translated from the server)
    const ro = {...HOURS, back_at: "Revenim {day} la {time}.", today: "astăzi", tomorrow: "mâine"};
    assert.equal(backAtText(ro, "ro_RO", {now: FRIDAY_EVENING, timeZone: "Europe/Bucharest"}), "Revenim luni la 9:00.");
});

test("today and tomorrow, in the visitor's calendar", () => {
    assert.equal(backAtText(HOURS, "en_GB", {now: new Date("2026-12-14T05:00:00Z"), timeZone: "Europe/Bucharest"}),
        "We're back today at 9:00.");
    assert.equal(backAtText(HOURS, "en_GB", {now: new Date("2026-12-13T12:00:00Z"), timeZone: "Europe/Bucharest"}),
        "We're back tomorrow at 9:00.");
    // late Sunday in Los Angeles, Monday 7:00 UTC is still Sunday 23:00 there: today
    assert.equal(backAtText(HOURS, "en_GB", {now: new Date("2026-12-14T01:00:00Z"), timeZone: "America/Los_Angeles"}),
        "We're back today at 23:00.");
});

test("a week or more away: the date too", () => {
    const later = {...HOURS, next_opening: "2027-01-04T07:00:00Z"};
    assert.equal(backAtText(later, "en_GB", {now: FRIDAY_EVENING, timeZone: "Europe/Bucharest"}),
        "We're back Monday 4 January at 9:00.");
});

test("open, or nothing to write with: the server's sentence or nothing", () => {
    assert.equal(backAtText({...HOURS, open: true}, "en_US"), "");
    assert.equal(backAtText(null, "en_US"), "");
    assert.equal(backAtText({...HOURS, next_opening: null, text: "We are closed for now."}, "en_US"), "We are closed for now.");
    assert.equal(backAtText({...HOURS, next_opening: "not a date"}, "en_US"), HOURS.text);
    assert.equal(backAtText(HOURS, "xx_!!", {now: FRIDAY_EVENING}), HOURS.text, "a language Intl refuses");
    assert.equal(closedNow({hours: HOURS}), true);
    assert.equal(closedNow({hours: null}), false);
    assert.equal(bcp47("ro_RO"), "ro-RO");
});
