"""Minimal exact-duplicate decision over an event-time window (foundation slice).

Intention-named steps, like Kafka Streams' DeduplicationTransformer: `_recall_decision` makes a
redelivered article get its first verdict again; `_find_exact` looks the content hash up;
`_remember` and `_evict_expired` keep the window bounded.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from syndic.core.dedup.fingerprint import Fingerprint
from syndic.core.model import NormalizedArticle
from syndic.core.timeutil import parse_iso, to_iso


@dataclass(frozen=True, slots=True)
class DedupSettings:
    window: timedelta = timedelta(hours=72)
    allowed_lateness: timedelta = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Decision:
    article_id: str
    status: str  # unique | exact | near
    duplicate_of: str | None
    similarity: dict[str, float] | None
    method: str
    story_id: str
    story_score: float | None
    event_time: str
    late: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Decision:
        return cls(**data)

    def dedup_field(self) -> dict[str, Any]:
        """The `dedup` object of a clean event."""
        return {
            "status": self.status,
            "duplicate_of": self.duplicate_of,
            "similarity": self.similarity,
            "method": self.method,
            "story_score": self.story_score,
            "late": self.late,
        }


class Deduplicator:
    """Decides unique/exact for each article in the order given; state lives in `store`."""

    def __init__(self, settings: DedupSettings, store: MutableMapping[str, Any]) -> None:
        self.settings = settings
        self.store = store

    def decide(
        self, article: NormalizedArticle, fingerprint: Fingerprint, *, ingested_at: datetime
    ) -> Decision:
        previous = self._recall_decision(article.id)
        if previous is not None:
            return previous
        event_time = self._event_time(article, ingested_at)
        watermark = self._advance_watermark(event_time)
        late = event_time < watermark - self.settings.window
        match = None if late else self._find_exact(fingerprint)
        decision = Decision(
            article_id=article.id,
            status="exact" if match else "unique",
            duplicate_of=match,
            similarity={"resemblance": 1.0, "containment": 1.0} if match else None,
            method="content_hash" if match else "none",
            story_id=self._story_of(match) if match else article.id,
            story_score=None,
            event_time=to_iso(event_time),
            late=late,
        )
        if not late and match is None:
            self._remember(fingerprint, decision)
        self.store[f"d:{article.id}"] = decision.to_dict()
        return decision

    def _recall_decision(self, article_id: str) -> Decision | None:
        stored = self.store.get(f"d:{article_id}")
        return Decision.from_dict(stored) if stored is not None else None

    @staticmethod
    def _event_time(article: NormalizedArticle, ingested_at: datetime) -> datetime:
        for value in (article.published_at, article.fetched_at):
            parsed = parse_iso(value)
            if parsed is not None:
                return parsed
        return ingested_at

    def _advance_watermark(self, event_time: datetime) -> datetime:
        current = parse_iso(self.store.get("watermark"))
        if current is None or event_time > current:
            self.store["watermark"] = to_iso(event_time)
            self._evict_expired(event_time)
            return event_time
        return current

    def _find_exact(self, fingerprint: Fingerprint) -> str | None:
        entry = self.store.get(f"h:{fingerprint.content_hash}")
        return entry["id"] if entry else None

    def _story_of(self, article_id: str) -> str:
        stored = self.store.get(f"d:{article_id}")
        return stored["story_id"] if stored else article_id

    def _remember(self, fingerprint: Fingerprint, decision: Decision) -> None:
        self.store[f"h:{fingerprint.content_hash}"] = {
            "id": decision.article_id,
            "t": decision.event_time,
        }

    def _evict_expired(self, watermark: datetime) -> None:
        horizon = watermark - self.settings.window
        for key in [k for k in list(self.store.keys()) if k.startswith("h:")]:
            entry = self.store[key]
            if parse_iso(entry["t"]) < horizon:  # type: ignore[operator]
                del self.store[key]
