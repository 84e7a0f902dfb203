"""Plain-text layout: header (crumbs, banner, headline, date lines), body, trailing footer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from syndic.core.normalize import dates, rules

_DATELINE = re.compile(
    r"^(?P<city>[A-Z][A-Z.'’ -]{1,40}?)(?:,[A-Za-z .]{1,30})?\s?(?:\([^()]{1,40}\))?\s?[–—-]\s"
)
_SITE_SUFFIX = re.compile(r"\s[|]\s[^|]{1,60}$")


@dataclass(slots=True)
class Layout:
    lines: list[str]
    title: str | None = None
    published_at: str | None = None
    updated_at: str | None = None
    byline: str | None = None
    dateline: str | None = None
    dropped: list[str] = field(default_factory=list)


def clean_title(title: str) -> str:
    """Headline without a trailing " | Site name"."""
    return _SITE_SUFFIX.sub("", title).strip()


# " - Reuters", " — The Daily Herald": a dash also joins a headline's own parts ("Storm hits
# coast - three dead", a tokenized "Court - Ordered Rehab"), so the part after it goes only
# when it names the article's own source or site.
_DASH_SUFFIX = re.compile(r"\s(?:[-–—]|::)\s(?P<name>[^-–—|:]{2,60})$")
_NOT_ALNUM = re.compile(r"[\W_]+")


def without_own_name(title: str, source: str, url: str | None) -> str:
    """The headline without a trailing dash and the name of its own outlet, which every
    headline of that outlet shares and no event does."""
    match = _DASH_SUFFIX.search(title)
    if match is None or len(title[: match.start()].split()) < 2:
        return title
    words = re.sub(r"^the\s+", "", match["name"].strip(), flags=re.IGNORECASE).split()
    name = _squashed("".join(words))
    host = _host(url).removeprefix("www.")
    known = {_squashed(source), _squashed(host), _squashed(host.rpartition(".")[0])}
    site = _site_label(host)
    if any(_names_the_same(name, own) for own in known if len(own) >= 3) or (
        len(site) >= 3 and bool(words) and _squashed(words[0]) == site
    ):
        return title[: match.start()].rstrip()
    return title


# second-level labels under which a country's sites register ("bbc.co.uk", "abc.net.au")
_REGISTRY_LABELS = frozenset({"co", "com", "net", "org", "ac", "gov", "edu", "ne", "or", "go"})


def _site_label(host: str) -> str:
    """The label a site registered, which its outlet's name usually starts with: "bbc" of
    news.bbc.co.uk ("BBC News"), "sky" of news.sky.com ("Sky News")."""
    labels = host.split(".")[:-1]  # the top-level domain names no site
    while len(labels) > 1 and labels[-1] in _REGISTRY_LABELS:
        labels.pop()
    return _squashed(labels[-1]) if labels else ""


def _names_the_same(name: str, own: str) -> bool:
    """One holds the other and is at least half of it: "Daily Herald" and dailyherald.com,
    "Reuters UK" and Reuters, not "USA" and usatoday.com."""
    shorter, longer = sorted((name, own), key=len)
    return len(shorter) >= 3 and shorter in longer and 2 * len(shorter) >= len(longer)


def _host(url: str | None) -> str:
    """The URL's host, as `urls.canonical_url` reads it; "" for none or one urlsplit refuses."""
    if not url:
        return ""
    try:
        return urlsplit(url if "://" in url else "//" + url).hostname or ""
    except ValueError:
        return ""


def _squashed(text: str) -> str:
    return _NOT_ALNUM.sub("", text.casefold())


def analyse(lines: list[str]) -> Layout:
    layout = Layout(lines=[])
    body = _cut_footer(lines, layout)
    first_paragraph = _first_paragraph(body)
    header = body[:first_paragraph]
    repeated = {line for line in header if header.count(line) > 1}
    for index, line in enumerate(body):
        in_header = index < first_paragraph
        if in_header and line in repeated and dates.date_line(line) is not None:
            continue  # a date printed twice above the headline is the page's, not the story's
        if _metadata_line(line, layout, in_header=in_header):
            continue
        if rules.is_boilerplate_line(line):
            layout.dropped.append(line)
            continue
        if index < first_paragraph:
            if rules.is_crumb(line):
                continue
            if layout.title is None:
                line = layout.title = clean_title(line)
        layout.lines.append(line)
    while layout.lines and rules.ends_like_lead_in(layout.lines[-1]) and len(layout.lines) > 1:
        layout.lines.pop()
    layout.dateline = layout.dateline or _dateline(layout.lines)
    return layout


def _first_paragraph(lines: list[str]) -> int:
    """Where the header ends: the first line of prose that the analysis keeps. A boilerplate
    or labelled date line shaped like prose is dropped below, so it cannot end the header:
    the text normalized a second time would not have it, its header would reach further, and
    a crumb kept the first time would be cut the second."""
    for index, line in enumerate(lines):
        if rules.is_paragraph(line) and not _dropped_anyway(line):
            return index
    return 0


def _dropped_anyway(line: str) -> bool:
    return rules.is_boilerplate_line(line) or (
        len(line) <= 120 and dates.labelled_date(line) is not None
    )


def _cut_footer(lines: list[str], layout: Layout) -> list[str]:
    """Drop from the first footer opener (or a closing byline) to the end, until nothing more
    is cut: a byline above the one cut may be a closing byline of the shorter text, and
    normalizing a second time must not cut again."""
    while True:
        cut = _cut_footer_once(lines, layout)
        if len(cut) == len(lines):
            return cut
        lines = cut


def _cut_footer_once(lines: list[str], layout: Layout) -> list[str]:
    for index, line in enumerate(lines):
        if index == 0:
            continue
        if rules.starts_footer(line):
            return lines[:index]
        name = rules.byline(line)
        if name is not None and index >= len(lines) - 6 and index > len(lines) // 2:
            layout.byline = name
            return lines[:index]
    return lines


def _metadata_line(line: str, layout: Layout, *, in_header: bool) -> bool:
    """Consume a date, banner or byline line into metadata; True when the line is used up."""
    if len(line) > 120:
        return False
    labelled = dates.labelled_date(line)
    if labelled is not None:
        kind, iso = labelled
        if kind == "updated":
            layout.updated_at = layout.updated_at or iso
        else:
            layout.published_at = layout.published_at or iso
        return True
    if in_header:
        if dates.is_banner(line) and dates.date_line(line) is not None:
            return True
        found = dates.date_line(line)
        if found is not None:
            layout.published_at = layout.published_at or dates.to_iso(found[0])
            if found[1] and layout.dateline is None:
                layout.dateline = found[1].split(",")[0].strip() or None
            return True
        name = rules.byline(line)
        if name is not None:
            layout.byline = layout.byline or name
            return True
    return False


def _dateline(lines: list[str]) -> str | None:
    for line in lines[:3]:
        match = _DATELINE.match(line)
        if match is not None:
            return match["city"].strip().title()
    return None
