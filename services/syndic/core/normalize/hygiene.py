"""Text hygiene: repair, NFC, invisible characters, whitespace; and the fingerprint form."""

from __future__ import annotations

import re
import unicodedata

import ftfy

# Control characters (except tab/newline) and bidi/zero-width marks: invisible, they only make
# equal texts hash differently or hide content.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]"
)
_SPACES = re.compile(r"[^\S\n]+")
_PUNCT = re.compile(r"[^\w\s]+|_+")
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_line_breaks=True,
    normalization="NFC",
    explain=False,
)


def repair(text: str) -> str:
    """Mojibake repair only pays off when non-ASCII is present, so pure ASCII skips ftfy."""
    if not text.isascii():
        text = ftfy.fix_text(text, _FTFY_CONFIG)
    text = unicodedata.normalize("NFC", text)
    return _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def clean_lines(text: str) -> list[str]:
    """One stripped, space-collapsed line per non-empty input line."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return [line for line in lines if line]


def fingerprint_form(text: str) -> str:
    """Case-folded, punctuation-free, one-space form: what duplicate detection compares."""
    return " ".join(_PUNCT.sub(" ", text.casefold()).split())
