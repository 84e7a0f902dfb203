"""Text hygiene: repair, NFC, invisible characters, whitespace; and the fingerprint form."""

from __future__ import annotations

import html
import re
import unicodedata

import ftfy

from syndic.core.memo import BoundedMemo

# Control characters (except tab/newline) and bidi/zero-width marks: invisible, they only make
# equal texts hash differently or hide content.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad\ud800-\udfff]"
)
# UTF-8 read as Latin-1/cp1252 leaves a lead byte (Â Ã â Ð ...) followed by a continuation
# character; this hint is a superset of what ftfy repairs in practice, and cheap to scan.
_MOJIBAKE_LEADS = "\u00c2\u00c3\u00c4\u00c5\u00ce\u00cf\u00d0\u00d1\u00d8\u00d9\u00e2\u00ef"
_MOJIBAKE_HINT = re.compile(
    f"[{_MOJIBAKE_LEADS}][\u0080-\u00bf\u0152\u0153\u0160"
    "\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022"
    "\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
# A run of letters and digits: `\w` without "_" (re's `\w` is `str.isalnum()` or "_").
_ALNUM_RUN = re.compile(r"[^\W_]+")
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_line_breaks=True,
    normalization="NFC",
    explain=False,
)


def repair(text: str) -> str:
    """Repeated until nothing changes (at most three passes): removing an invisible character
    can join two characters into mojibake that the pass before did not see ("Î\x1f¡" becomes
    "Î¡", which is "Ρ"), and normalizing the clean text again must not change it. Most texts
    are done after one pass and one comparison."""
    for _ in range(3):
        repaired = _repair_once(text)
        if repaired == text:
            break
        text = repaired
    return text


# A character reference with its closing semicolon: `&amp;`, `&nbsp;`, `&#8220;`, `&#x2019;`.
# Without the semicolon, `html.unescape` also reads legacy names ("&copy" in "?a=1&copy=2").
_CHARACTER_REFERENCE = re.compile(
    r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});"
)


def _unescaped(text: str) -> str:
    """Plain text with HTML's character references decoded. Feeds escape their text ("AT&amp;T",
    "&#8220;quoted&#8221;"), and left as they were the references became words of the
    fingerprint ("amp", "nbsp") and numbers of the story terms ("8220"), which weigh double:
    every escaped article shared them. ftfy's own unescaping stays off: it runs only on the
    texts the mojibake hint lets through."""
    if "&" not in text:
        return text
    return _CHARACTER_REFERENCE.sub(_decoded_reference, text)


def _decoded_reference(match: re.Match[str]) -> str:
    return html.unescape(match.group())


def _repair_once(text: str) -> str:
    """ftfy (and even its own badness check) costs ~1 ms per article, so a cheap hint gates it."""
    text = _unescaped(text)
    if _may_be_mojibake(text):
        text = ftfy.fix_text(text, _FTFY_CONFIG)
    text = unicodedata.normalize("NFC", text)
    return _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _may_be_mojibake(text: str) -> bool:
    """The hint's pattern, run only on a text that holds one of its lead characters: a text
    of news has none as a rule, and a substring test per lead character (~1 µs in all for an
    article) costs a tenth of the pattern's scan of the whole text."""
    return (
        not text.isascii()
        and any(lead in text for lead in _MOJIBAKE_LEADS)
        and _MOJIBAKE_HINT.search(text) is not None
    )


# Every character `str.split()` splits on (`str.isspace()`) but the space and the newline.
_OTHER_WHITESPACE = (
    "\t\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def clean_lines(text: str) -> list[str]:
    """One stripped, space-collapsed line per non-empty input line.

    Most texts are spaced cleanly already; their lines are then kept as they are, without
    splitting every line into words and joining them again."""
    if _single_spaced(text):
        return [line for line in text.split("\n") if line]
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return [line for line in lines if line]


def _single_spaced(text: str) -> bool:
    """No whitespace but single spaces between other characters and newlines: then every
    line already equals `" ".join(line.split())`. A handful of substring tests in C (a text
    without non-ASCII characters answers the non-ASCII ones at once)."""
    if text.startswith(" ") or text.endswith(" "):
        return False
    if "  " in text or " \n" in text or "\n " in text:
        return False
    return not any(space in text for space in _OTHER_WHITESPACE)


def fingerprint_form(text: str) -> str:
    """Case-folded, punctuation-free, one-space form: what duplicate detection compares.

    That is the runs of letters and digits of the case-folded text, one space between them
    (punctuation, "_" and whitespace all separate words). Case folding maps each character on
    its own (no context, unlike `lower`'s final sigma) and keeps whitespace whitespace, and a
    run never spans whitespace, so the form is the forms of the text's whitespace-separated
    chunks joined, leaving out the empty ones. News reuses its chunks ("said", "Korea's",
    "(AP)"), so each chunk's form comes from a memo: a dict lookup per chunk instead of a regex
    substitution, a split and a join over every character (~2x faster per article)."""
    return " ".join(filter(None, map(_chunk_form.__getitem__, text.split())))


def form_of_chunk(chunk: str) -> str:
    """`fingerprint_form` of a chunk with no whitespace in it (the empty string for one with
    no letter or digit), computed: the chunk table of `terms` keeps its own."""
    form = " ".join(_ALNUM_RUN.findall(chunk.casefold()))
    return chunk if form == chunk else form  # the memo's key and value share one string


_chunk_form: BoundedMemo[str, str] = BoundedMemo(form_of_chunk, maxsize=65_536)
