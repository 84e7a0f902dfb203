"""The steps every article goes through, shared by `syndic dedup` and the stream.

`prepare` is the parallel part (parse, validate, normalize, fingerprint) and `decide` the
sequential part (the duplicate/story decision in one global order). The stream runs them in
different agents with a topic between them; the batch command runs them back to back. Both go
through these functions, which is why their verdicts are equal for the same order of input.
"""

from __future__ import annotations

import base64
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from syndic.core.dedup import Decision, Deduplicator, DedupSettings, Fingerprint, Fingerprinter
from syndic.core.model import (
    SCHEMA_VERSION,
    NormalizedArticle,
    RejectedInput,
    RejectReason,
    article_from_dict,
)
from syndic.core.normalize import BoilerplateMemory, Normalizer, NormalizeSettings
from syndic.core.raw import RawLimits, SchemaCheck, parse_raw
from syndic.core.timeutil import parse_iso, to_iso


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record came from: a topic position in the stream, a line number in batch."""

    topic: str
    partition: int | None = None
    offset: int | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Prepared:
    """An article ready for the decision: what crosses the sequencing topic."""

    article: NormalizedArticle
    fingerprint: Fingerprint
    ingested_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": _article_dict(self.article),
            "fingerprint": self.fingerprint.to_dict(),
            "ingested_at": self.ingested_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Prepared:
        return cls(
            article=article_from_dict({"fingerprint_text": "", **data["article"]}),
            fingerprint=Fingerprint.from_dict(data["fingerprint"]),
            ingested_at=data["ingested_at"],
        )


def _article_dict(article: NormalizedArticle) -> dict[str, Any]:
    """The article without its fingerprint form: the decision needs only the fingerprint made
    from it, and leaving out this second copy of the text halves the sequenced record."""
    return {
        name: getattr(article, name) for name in article.__slots__ if name != "fingerprint_text"
    }


class Preparer:
    """The parallel stage: bytes in, a Prepared article out, or RejectedInput."""

    def __init__(
        self,
        schema_check: SchemaCheck,
        raw_limits: RawLimits | None = None,
        normalize_settings: NormalizeSettings | None = None,
    ) -> None:
        self.schema_check = schema_check
        self.raw_limits = raw_limits or RawLimits()
        self.normalizer = Normalizer(normalize_settings)
        self.fingerprinter = Fingerprinter()

    def parse(self, value: bytes | None) -> dict[str, Any]:
        return parse_raw(value, self.raw_limits, self.schema_check)

    def prepare(
        self, raw: dict[str, Any], *, ingested_at: datetime, memory: BoilerplateMemory | None = None
    ) -> Prepared:
        article = self.normalizer.normalize(raw, memory)
        return Prepared(article, self.fingerprinter.compute(article), to_iso(ingested_at))


class Decider:
    """The sequential stage: one Deduplicator over one ordered sequence of prepared articles."""

    def __init__(self, settings: DedupSettings, store: MutableMapping[str, Any]) -> None:
        self.deduplicator = Deduplicator(settings, store)

    def decide(self, prepared: Prepared, *, sequence: int | None) -> dict[str, Any]:
        ingested_at = parse_iso(prepared.ingested_at)
        assert ingested_at is not None
        decision = self.deduplicator.decide(
            prepared.article, prepared.fingerprint, ingested_at=ingested_at
        )
        return clean_event(prepared, decision, sequence=sequence)


def clean_event(prepared: Prepared, decision: Decision, *, sequence: int | None) -> dict[str, Any]:
    event = prepared.article.public_fields()
    event.update(
        schema_version=SCHEMA_VERSION,
        story_id=decision.story_id,
        event_time=decision.event_time,
        ingested_at=prepared.ingested_at,
        sequence=sequence,
        dedup=decision.dedup_field(),
    )
    return event


def duplicate_event(clean: dict[str, Any]) -> dict[str, Any] | None:
    """The `articles.duplicates` record for a clean event, or None for a unique article."""
    dedup = clean["dedup"]
    if dedup["status"] == "unique":
        return None
    return {
        "schema_version": SCHEMA_VERSION,
        "id": clean["id"],
        "duplicate_of": dedup["duplicate_of"],
        "status": dedup["status"],
        "method": dedup.get("method"),
        "similarity": dedup["similarity"],
        "story_id": clean["story_id"],
        "source": clean["source"],
        "event_time": clean["event_time"],
        "sequence": clean.get("sequence"),
    }


def dlq_record(
    original: bytes | None,
    origin: Origin,
    error: RejectedInput,
    *,
    failed_at: datetime,
    key: bytes | None = None,
    max_original_bytes: int = 512_000,
) -> dict[str, Any]:
    kept = original[:max_original_bytes] if original is not None else None
    return {
        "schema_version": SCHEMA_VERSION,
        "reason": error.reason.value,
        "message": error.message[:2000],
        "original_b64": base64.b64encode(kept).decode("ascii") if kept is not None else None,
        "original_size": len(original) if original is not None else None,
        "original_truncated": original is not None and len(original) > max_original_bytes,
        "key_b64": base64.b64encode(key).decode("ascii") if key is not None else None,
        "origin": {
            "topic": origin.topic,
            "partition": origin.partition,
            "offset": origin.offset,
            "line": origin.line,
        },
        "failed_at": to_iso(failed_at),
    }


def internal_error(exc: BaseException) -> RejectedInput:
    """Wraps an unexpected exception so the record still reaches the DLQ instead of being lost."""
    return RejectedInput(RejectReason.INTERNAL_ERROR, f"{type(exc).__name__}: {exc}"[:2000])
