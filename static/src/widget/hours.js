/**
 * Business hours: "We're back Monday at 9:00", written in the visitor's language and timezone from the
 * next opening the server sends in ``init`` (``hours``: an ISO UTC instant, the sentence with {day} and
 * {time}, the words "today" and "tomorrow", and a sentence written on the server as a fallback).
 * Pure code, unit-tested with node.
 */

/** "ro_RO" (Odoo) -> "ro-RO" (BCP 47). */
export function bcp47(lang) {
    return String(lang || "").replace("_", "-") || undefined;
}

/** The channel is closed now (it has business hours and they say so). */
export function closedNow(config) {
    return Boolean(config && config.hours && config.hours.open === false);
}

/** The calendar date of ``date`` in ``timeZone`` (the visitor's when undefined), as "YYYY-MM-DD". */
function localDay(date, timeZone) {
    return new Intl.DateTimeFormat("en-CA", {timeZone, year: "numeric", month: "2-digit", day: "2-digit"}).format(date);
}

/** "We're back Monday at 9:00." for the channel's next opening, in ``lang`` and ``timeZone`` (default: the
 * visitor's); the server's own sentence when the browser cannot write it; "" when the channel is open. */
export function backAtText(hours, lang, {now = new Date(), timeZone} = {}) {
    if (!hours || hours.open !== false) {
        return "";
    }
    const opening = hours.next_opening ? new Date(hours.next_opening) : null;
    if (!opening || Number.isNaN(opening.getTime()) || !hours.back_at) {
        return hours.text || "";
    }
    try {
        const locale = bcp47(lang);
        const days = Math.round((Date.parse(localDay(opening, timeZone)) - Date.parse(localDay(now, timeZone))) / 86400000);
        let day;
        if (days <= 0) {
            day = hours.today;
        } else if (days === 1) {
            day = hours.tomorrow;
        } else if (days < 7) {
            day = new Intl.DateTimeFormat(locale, {timeZone, weekday: "long"}).format(opening);
        } else {
            day = new Intl.DateTimeFormat(locale, {timeZone, weekday: "long", day: "numeric", month: "long"}).format(opening);
        }
        const time = new Intl.DateTimeFormat(locale, {timeZone, hour: "numeric", minute: "2-digit"}).format(opening);
        return hours.back_at.replace("{day}", day).replace("{time}", time);
    } catch (error) {
        return hours.text || "";
    }
}
