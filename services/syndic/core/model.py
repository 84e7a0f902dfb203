"""Plain data shared by every stage of the core.

These types are the contract between normalization, fingerprinting and the duplicate decision,
and between the batch command and the stream: both build the same objects and call the same
functions, which is what makes their decisions equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

SCHEMA_VERSION = 1


class RejectReason(StrEnum):
    """Why an input record went to the dead-letter topic. Values are stable: dashboards use them."""

    INVALID_UTF8 = "invalid_utf8"
    INVALID_JSON = "invalid_json"
    NOT_AN_OBJECT = "not_an_object"
    SCHEMA_VIOLATION = "schema_violation"
    MISSING_TEXT = "missing_text"
    EMPTY_AFTER_CLEANING = "empty_after_cleaning"
    TOO_LARGE = "too_large"
    NOT_TEXT = "not_text"
    TOMBSTONE = "tombstone"
    TIMEOUT = "timeout"
    INTERNAL_ERROR = "internal_error"


class RejectedInput(Exception):
    """Raised by the core for input it will not accept; the caller routes it to the DLQ."""

    def __init__(self, reason: RejectReason, message: str) -> None:
        super().__init__(f"{reason.value}: {message}")
        self.reason = reason
        self.message = message


@dataclass(frozen=True, slots=True)
class NormalizedArticle:
    """An article after normalization, before any duplicate decision.

    `text` keeps typographic quotes and paragraph breaks (one paragraph per line); fingerprints
    are computed on the more aggressive `fingerprint_text` (case-folded, punctuation-normalized).
    Dates are ISO 8601 strings in UTC (or None when absent or unparsable).
    """

    id: str
    source: str
    text: str
    fingerprint_text: str
    content_hash: str
    word_count: int
    title: str | None = None
    url: str | None = None
    published_at: str | None = None
    # where `published_at` was found: "given" by the producer, read from the "page"'s markup,
    # or from a date line of the "text"; the window trusts a date read from the text less
    published_at_source: str | None = None
    updated_at: str | None = None
    fetched_at: str | None = None
    lang: str | None = None
    byline: str | None = None
    dateline: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def public_fields(self) -> dict[str, Any]:
        """The fields a clean event carries (the fingerprint form stays internal).

        A plain copy: `dataclasses.asdict` deep-copies field by field, a sixth of a decision."""
        data = {name: getattr(self, name) for name in self.__slots__ if name != "fingerprint_text"}
        data["meta"] = dict(self.meta)
        return data


_ARTICLE_FIELDS = frozenset(NormalizedArticle.__slots__)


def article_from_dict(data: dict[str, Any]) -> NormalizedArticle:
    """Rebuild an article that crossed a topic as a dict (the internal topics carry dicts).

    A field this version does not know is left out, not an error: in a rolling upgrade a
    newer worker's prepared records reach an older one's decision, and a field added for
    the newer decision must not send them to the dead-letter topic."""
    if data.keys() <= _ARTICLE_FIELDS:
        return NormalizedArticle(**data)
    return NormalizedArticle(**{k: v for k, v in data.items() if k in _ARTICLE_FIELDS})
