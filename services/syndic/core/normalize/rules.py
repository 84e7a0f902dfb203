"""Plain-text boilerplate: line-level rules that hold across outlets (never outlet names).

Every pattern is anchored and made of bounded pieces on lines capped in length, so no input can
make them backtrack catastrophically.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE
MAX_RULE_LINE = 300
MAX_CAPTION_LINE = 1_000

# A whole line that is a prompt, label or widget, wherever it sits.
_WIDGET = re.compile(
    r"^\W{0,3}(?:share(?: this(?: article| story| page)?| on \w+)?|subscribe\b.{0,80}|"
    r"sign up\b.{0,80}|log ?in|sign in|print|e-?mail|comments?|\d{1,5} comments?|"
    r"leave a (?:reply|comment)|add a comment|post a comment|to write comments\b.{0,80}|"
    r"back to top(?: button)?|follow us\b.{0,80}|click here\b.{0,80}|advertisement\b.{0,40}|"
    r"(?:read (?:also|more|next)|also read|related|see also)\s?:.{1,150}|loading\.{0,3}|"
    r"please enable javascript\b.{0,60}|\d{1,3} min(?:ute)?s? read|listen to this article|"
    r"(?:updated|published|posted)\b.{0,30}\bago|"
    r"contact(?: us)?|newsroom|terms of (?:use|service)\b.{0,60}|privacy policy\b.{0,60}|"
    r"disclaimer|cookie policy|all rights reserved\b.{0,60}|skip to (?:main )?content|"
    r"(?:news|article|story) id\s?:?\s?\S{1,20}|tags?\s?:.{0,200}|keywords?\s?:.{0,200}|"
    r"your email address will not be published\b.{0,120}|required fields are marked\b.{0,40}"
    r")\W{0,3}$",
    _I,
)
# Lines that open a trailing footer: they and everything after them go.
_FOOTER_START = re.compile(
    r"^\W{0,3}(?:related(?: articles| stories| news| posts| content| topics)?|"
    r"read (?:also|more|next)|also read|see also|more (?:from|on|stories|news)\b.{0,40}|"
    r"you (?:may|might) also like|recommended(?: for you| stories)?|trending(?: now)?|"
    r"most (?:read|popular)|share this(?: article| story)?|leave a (?:reply|comment)|"
    r"comments?|to write comments\b.{0,80})\W{0,3}$",
    _I,
)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)|all rights reserved", _I)
_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,5}|\[email\s?protected\]", _I)
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S{1,300}$", _I)
_MASTHEAD = re.compile(
    r"^(?:editor(?:-in-chief)?|publisher|published by|printed by|managing editor|"
    r"(?:\w+ ){0,3}registration (?:no|number)|reg\. no|phone|tel|fax|address)\b.{0,120}$",
    _I,
)
# A caption line: a label at its start, or a credit in parentheses or after "photo:" at its end.
# Only the end forms need an unanchored search, and each needs a ")" among the last four
# characters or a ":" among the last 63 (what follows the colon is at most 61, and `$` may
# stand before a final newline): a prose line that names a photo is spared a search tried at
# each of its hundreds of positions (~24 µs).
_CAPTION_START = re.compile(
    r"(?:file\s?[-–—]|\(?(?:photo|image|picture|illustration)s?(?: credit)?\s?[:/])|"
    r"(?:image|photo|picture) (?:source|caption|credit)s?\s?[,:]",
    _I,
)
_CAPTION_END = re.compile(
    r"\([^()]{0,40}\b(?:photo|image|picture)s?\b[^()]{0,80}\)\W{0,2}$|"
    r"(?:photo|image)(?: credit)?\s?:\s?[^.]{1,60}$",
    _I,
)
_COUNTER = re.compile(r"\(\d{1,5}/\d{1,5}\S{0,4}\)$")
_CRUMB_SEP = re.compile(r"\s(?:/|>|»|›|\|)\s")
_HAS_WORD = re.compile(r"\w")
_SENTENCE_END = re.compile(r"[.!?…:;\"”’)\]]$")
_BYLINE = re.compile(
    r"^(?:by|written by|reporting by)\s+"
    r"(?P<name>[^\W\d][\w.'’-]{0,30}(?:\s+[^\W\d][\w.'’-]{0,30}){0,3})"
    r"(?:\s*[\[(,;|].{0,120})?$",
    _I,
)


def _may_be_caption(line: str) -> bool:
    """Every caption form names one of these words: a substring test spares most lines the
    caption patterns. Five substring scans in C (`in`) take half the time of one regex
    alternation over the lower-cased line."""
    lowered = line.lower()
    return (
        "photo" in lowered
        or "image" in lowered
        or "picture" in lowered
        or "illustration" in lowered
        or "file" in lowered
    )


def _is_caption(line: str) -> bool:
    return _CAPTION_START.match(line) is not None or (
        (")" in line[-4:] or ":" in line[-63:]) and _CAPTION_END.search(line) is not None
    )


def is_boilerplate_line(line: str) -> bool:
    """True for a line no story needs: widgets, masthead, copyright, contacts, captions."""
    if not _HAS_WORD.search(line):
        return True
    if len(line) > MAX_CAPTION_LINE:
        return False
    if _may_be_caption(line) and _is_caption(line):
        return True
    if len(line) > MAX_RULE_LINE:
        return False
    words = line.count(" ") + 1
    return (
        _WIDGET.match(line) is not None
        or _URL_LINE.match(line) is not None
        or (words <= 20 and _COPYRIGHT.search(line) is not None)
        or (words <= 15 and ("@" in line or "[" in line) and _EMAIL.search(line) is not None)
        or (words <= 20 and _MASTHEAD.match(line) is not None)
        or (words <= 8 and _COUNTER.search(line) is not None)
    )


def starts_footer(line: str) -> bool:
    return len(line) <= 120 and _FOOTER_START.match(line) is not None


def is_crumb(line: str) -> bool:
    """A short label ("world news") or a trail ("News / Koreas") above the headline."""
    if len(line) > 120:
        return False
    parts = _CRUMB_SEP.split(line)
    if len(parts) > 1:
        return all(len(part.split()) <= 3 for part in parts)
    return len(line.split()) <= 3 and _SENTENCE_END.search(line) is None


def byline(line: str) -> str | None:
    """The name in a "By Jane Doe" line, title-cased when the line shouts."""
    if len(line) > 160:
        return None
    match = _BYLINE.match(line)
    if match is None:
        return None
    name = match["name"].strip(" .,")
    return name.title() if name.isupper() else name


def is_paragraph(line: str) -> bool:
    """Story prose: long, or ending like a sentence (headlines and labels do neither)."""
    words = len(line.split())
    return words >= 30 or (words >= 4 and line[-1:] in '.!?"”)')


def ends_like_lead_in(line: str) -> bool:
    """A trailing "... at the following addresses:" introduces something already removed."""
    return line.endswith(":")
