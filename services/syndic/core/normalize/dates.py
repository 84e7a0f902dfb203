"""Dates: cheap regexes find candidates, a hand parser reads the common forms, dateparser the rest.

A date without a timezone is taken as UTC: producers rarely say, and a fixed rule keeps batch and
stream equal. A zone after the time counts: a numeric offset (`+0200`, `-05:00`, RSS's
`Tue, 01 Dec 2026 22:47:24 +0200`) or a zone name dateparser knows (`GMT`, `EST`, `CEST`, with
its fixed offsets: `ET` is always -5 h). Before, the hand parser dropped it, and an RSS date
two hours east of UTC came out two hours late.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from syndic.core.memo import BoundedMemo

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_MON = r"(?P<mon>[A-Za-z]{3,9})\.?"
_TIME = (
    r"(?:[\s,\-–—|@T]{1,4}(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?::(?P<s>\d{2}))?"
    r"\s?(?P<ap>[AaPp]\.?[Mm]\.?)?"
    r"(?:\s?(?P<tz>[+-]\d{2}:?\d{2}|Z|[A-Z]{2,5})(?![A-Za-z0-9]))?)?"
)
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")
_FORMS = [
    re.compile(
        r"(?P<d>\d{1,2})(?:st|nd|rd|th)?[\s\-/]{1,3}" + _MON + r",?[\s\-/]{1,3}(?P<y>\d{4})" + _TIME
    ),
    re.compile(_MON + r"\s{1,3}(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s{1,3}(?P<y>\d{4})" + _TIME),
    re.compile(r"(?P<y>\d{4})[\s\-/]{1,3}" + _MON + r"[\s\-/]{1,3}(?P<d>\d{1,2})" + _TIME),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})" + _TIME),
]
_WEEKDAY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s", re.IGNORECASE)
_LABEL = re.compile(
    r"^\W{0,3}(?P<label>publish(?:ed)?(?: date| on)?|posted(?: on)?|date|updated?(?: on)?|"
    r"last (?:updated|modified)(?: on)?|modified(?: on)?|first published(?: on)?)"
    r"\s?:?\s?(?P<rest>.{4,80})$",
    re.IGNORECASE,
)


def to_iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return f"{moment.year:04d}-" + moment.strftime("%m-%dT%H:%M:%SZ")


PLAUSIBLE_YEARS = range(1900, 2200)


def plausible(iso: str | None) -> str | None:
    """A date a news article can carry, else None: a year 1 or 9999 is a placeholder or an
    attack on the event-time window, not a publication date (a null, never a reject)."""
    if iso is None or not iso[:4].isdigit():
        return None
    return iso if int(iso[:4]) in PLAUSIBLE_YEARS else None


def find_date(text: str) -> tuple[datetime, int] | None:
    """The first date in `text` in a common news form, with where it ends; None otherwise."""
    best: tuple[int, datetime, int] | None = None
    for form in _FORMS:
        match = form.search(text)
        if match is None:
            continue
        moment = _build(match)
        if moment is not None and (best is None or match.start() < best[0]):
            best = (match.start(), moment, _end(match))
    return None if best is None else (best[1], best[2])


def _build(match: re.Match[str]) -> datetime | None:
    parts = match.groupdict()
    month = _MONTHS.get(parts["mon"].lower()) if parts.get("mon") else int(parts["m"])
    if month is None:
        return None
    hour = int(parts["h"]) if parts.get("h") else 0
    ap = (parts.get("ap") or "").lower()
    if ap.startswith("p") and hour < 12:
        hour += 12
    elif ap.startswith("a") and hour == 12:
        hour = 0
    try:
        return datetime(
            int(parts["y"]),
            month,
            int(parts["d"]),
            hour,
            int(parts["mi"]) if parts.get("mi") else 0,
            int(parts["s"]) if parts.get("s") else 0,
            tzinfo=_zone(parts.get("tz")) or UTC,
        )
    except ValueError:
        return None


def _end(match: re.Match[str]) -> int:
    """Where the date ends: before capitals after the time that name no zone (`21:32 AFP`),
    which stay in the rest of the line (a date line's place)."""
    token = match["tz"]
    if token and _zone(token) is None:
        return match.start("tz")
    return match.end()


def _zone(token: str | None) -> timezone | None:
    """The zone a token after a time names: UTC for no token, None for one that names no
    zone (`21:32 AFP`: the time is read as UTC, as before)."""
    if not token:
        return UTC
    offset = _OFFSET.fullmatch(token)
    if offset is None:
        return _named_zones[token]
    sign, hours, minutes = offset.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta >= timedelta(hours=24):
        return None
    return timezone(-delta if sign == "-" else delta)


def _named_zone(name: str) -> timezone | None:
    """dateparser's table of zone names (~110 µs a lookup, hence the memo)."""
    from dateparser.timezone_parser import pop_tz_offset_from_string

    found = pop_tz_offset_from_string(" " + name)[1]
    offset = found.utcoffset(None) if found is not None and not isinstance(found, str) else None
    return None if offset is None else timezone(offset)


_named_zones: BoundedMemo[str, timezone | None] = BoundedMemo(_named_zone, maxsize=1024)


def parse_given(value: object) -> str | None:
    """A producer-given date as ISO UTC, or None: an unparsable date is a null, never a reject."""
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        return None
    text = value.strip()
    try:
        return to_iso(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    found = find_date(text)
    if found is not None:
        return to_iso(found[0])
    return _dateparser[text] if any(c.isdigit() for c in text) else None


def _parse_broadly(text: str) -> str | None:
    """The slow, broad parser, only for strings the cheap forms could not read, and only for
    a whole date: no relative dates ("yesterday") and no parts filled in from today ("n/a"
    read as a day of this month), which would make the answer depend on when it is asked,
    so that the stream and `syndic dedup` would differ. A string with no digit holds no whole
    date and never gets here: dateparser takes ~5 ms (1 s the first time) to give up on one."""
    try:
        import dateparser

        moment = dateparser.parse(
            text,
            settings={
                "TIMEZONE": "UTC",
                "RETURN_AS_TIMEZONE_AWARE": True,
                "REQUIRE_PARTS": ["day", "month", "year"],
                "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
            },
        )
    except Exception:
        return None
    return None if moment is None else to_iso(moment)


# A feed repeats its odd date strings; dateparser costs milliseconds each.
_dateparser: BoundedMemo[str, str | None] = BoundedMemo(_parse_broadly, maxsize=4096)


def labelled_date(line: str) -> tuple[str, str] | None:
    """('published'|'updated', ISO) for a line like "Published: 11 Jul. 2021, 19:04"."""
    match = _LABEL.match(line)
    if match is None:
        return None
    found = find_date(match["rest"])
    if found is None:
        return None
    kind = "updated" if match["label"].lower().startswith(("upd", "last", "mod")) else "published"
    return kind, to_iso(found[0])


def date_line(line: str) -> tuple[datetime, str] | None:
    """A line that is mostly a date (and maybe a place after it): the date and the rest."""
    if len(line) > 80:
        return None
    found = find_date(line)
    if found is None:
        return None
    rest = line[found[1] :].strip(" ,–—-|")
    if len(rest.split()) > 5:
        return None
    return found[0], rest


def is_banner(line: str) -> bool:
    """A weekday date with no time: a page-render "today" banner, not a publication date."""
    return _WEEKDAY.match(line) is not None and ":" not in line
