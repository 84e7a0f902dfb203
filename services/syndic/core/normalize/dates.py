"""Dates: cheap regexes find candidates, a hand parser reads the common forms, dateparser the rest.

A date without a timezone is taken as UTC: producers rarely say, and a fixed rule keeps batch and
stream equal.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

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
    r"\s?(?P<ap>[AaPp]\.?[Mm]\.?)?)?"
)
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
            best = (match.start(), moment, match.end())
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
            tzinfo=UTC,
        )
    except ValueError:
        return None


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
    return _dateparser(text)


def _dateparser(text: str) -> str | None:
    """The slow, broad parser, only for strings the cheap forms could not read."""
    try:
        import dateparser

        moment = dateparser.parse(
            text, settings={"TIMEZONE": "UTC", "RETURN_AS_TIMEZONE_AWARE": True}
        )
    except Exception:
        return None
    return None if moment is None else to_iso(moment)


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
