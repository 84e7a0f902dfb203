"""HTML pages: main-content extraction with trafilatura, which also gives title, date, author."""

from __future__ import annotations

from dataclasses import dataclass

from syndic.core.normalize.dates import parse_given


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str
    title: str | None
    published_at: str | None
    author: str | None


def extract(html: str) -> Extracted:
    """Main text and metadata; empty text when the page has no recognisable article."""
    import trafilatura

    document = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    if document is None:
        return Extracted("", None, None, None)
    return Extracted(
        text=str(getattr(document, "text", None) or ""),
        title=getattr(document, "title", None) or None,
        published_at=parse_given(getattr(document, "date", None)),
        author=getattr(document, "author", None) or None,
    )
