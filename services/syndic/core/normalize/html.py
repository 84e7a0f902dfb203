"""HTML pages: main-content extraction with trafilatura, which also gives title, date, author."""

from __future__ import annotations

import re
from dataclasses import dataclass

from syndic.core.normalize.dates import parse_given

# trafilatura keeps only the day; the page's own meta tags usually carry the time too.
_META = re.compile(r"<meta\s[^<>]{0,400}>", re.IGNORECASE)
_META_KIND = re.compile(
    r"(?P<kind>published_time|datepublished|pubdate|modified_time|datemodified)", re.IGNORECASE
)
_CONTENT = re.compile(r"content\s?=\s?[\"'](?P<value>[^\"'<>]{4,60})[\"']", re.IGNORECASE)
_HEAD_CHARS = 100_000


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str
    title: str | None
    published_at: str | None
    author: str | None
    updated_at: str | None = None


def meta_dates(html: str) -> tuple[str | None, str | None]:
    """(published, modified) from <meta> tags in the page's head, ISO UTC or None."""
    published = modified = None
    for tag in _META.finditer(html, 0, min(len(html), _HEAD_CHARS)):
        kind = _META_KIND.search(tag.group())
        content = _CONTENT.search(tag.group())
        if kind is None or content is None:
            continue
        iso = parse_given(content["value"])
        if "mod" in kind["kind"].lower():
            modified = modified or iso
        else:
            published = published or iso
    return published, modified


def extract(html: str) -> Extracted:
    """Main text and metadata; empty text when the page has no recognisable article."""
    import trafilatura

    document = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        fast=True,  # no readability/justext fallback: ~20% faster in the benchmark
    )
    if document is None:
        return Extracted("", None, None, None)
    published, modified = meta_dates(html)
    return Extracted(
        text=str(getattr(document, "text", None) or ""),
        title=getattr(document, "title", None) or None,
        published_at=published or parse_given(getattr(document, "date", None)),
        author=getattr(document, "author", None) or None,
        updated_at=modified,
    )
