/**
 * How a message's text and date read in the window: web addresses as links, the time in the visitor's
 * local time, a day separator. Pure code (no DOM): the view builds elements from what these return, the
 * text always as textContent, so that nothing a person wrote becomes markup but an http(s) link.
 */

/** An http(s) address in a text: up to a space, a quote or an angle bracket. */
const LINK = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence rather than the address it follows. */
const TRAILING = /[.,;:!?'")\]}]+$/;

/** The address ``candidate`` as a link's href, or null: http(s) with a host only, as the URL parser reads it. */
export function safeHref(candidate) {
    let url;
    try {
        url = new URL(candidate);
    } catch (error) {
        return null;
    }
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname ? url.href : null;
}

/** ``text`` cut into parts to show in order: ``{text}`` (shown as text) and ``{text, href}`` (a link whose
 * text is the address as written). Only http(s) addresses become links; a closing bracket stays in the
 * address when it closes one opened in it (Wikipedia's "Foo_(bar)"). */
export function linkParts(text) {
    const parts = [];
    const source = String(text || "");
    let last = 0;
    for (const match of source.matchAll(LINK)) {
        let address = match[0];
        let trailing = (address.match(TRAILING) || [""])[0];
        while (trailing.startsWith(")") && (address.slice(0, -trailing.length).split("(").length
                > address.slice(0, -trailing.length).split(")").length)) {
            trailing = trailing.slice(1);
        }
        address = address.slice(0, address.length - trailing.length);
        const href = safeHref(address);
        if (!href) {
            continue;
        }
        if (match.index > last) {
            parts.push({text: source.slice(last, match.index)});
        }
        parts.push({text: address, href});
        last = match.index + address.length;
    }
    if (last < source.length || !parts.length) {
        parts.push({text: source.slice(last)});
    }
    return parts;
}

/** The widget's language ("ro_RO") as a browser locale ("ro-RO"); undefined: the browser's own. */
export function localeOf(lang) {
    return /^[a-z]{2,3}(?:_[A-Z]{2})?$/.test(lang || "") ? lang.replace("_", "-") : undefined;
}

/** A message's date (ISO, UTC: "2026-12-07T10:00:00Z") as a Date, or null. */
export function parseDate(iso) {
    if (typeof iso !== "string" || !iso) {
        return null;
    }
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? null : date;
}

/** "14:05" (or "2:05 PM"): the time of ``date`` in the visitor's time zone, in ``locale``. */
export function formatTime(date, locale) {
    return date.toLocaleTimeString(locale, {hour: "2-digit", minute: "2-digit"});
}

/** The visitor's local day of ``date``, as "2026-12-07": messages of the same day share it. */
export function dayKey(date) {
    const pad = (number) => String(number).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The day separator's words: "Today", "Yesterday" (``texts``), else the date in ``locale``. */
export function formatDay(date, locale, texts, now = new Date()) {
    const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
    if (dayKey(date) === dayKey(now)) {
        return texts.today || dayKey(date);
    }
    if (dayKey(date) === dayKey(yesterday)) {
        return texts.yesterday || dayKey(date);
    }
    const options = {weekday: "long", day: "numeric", month: "long"};
    if (date.getFullYear() !== now.getFullYear()) {
        options.year = "numeric";
    }
    return date.toLocaleDateString(locale, options);
}

/** Where day separators go in a list of days (one per message, in order; null: no date, e.g. the welcome):
 * the indexes of the messages that start a new day. */
export function dayStarts(days) {
    const starts = [];
    let previous = null;
    days.forEach((day, index) => {
        if (day && day !== previous) {
            starts.push(index);
            previous = day;
        }
    });
    return starts;
}
