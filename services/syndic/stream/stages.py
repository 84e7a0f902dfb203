"""The three stream stages as plain objects: a Kafka record in, records to publish out.

No faust here: the agents in `app.py` only move records between topics and these stages. That
keeps the business logic testable without a broker, and the same as the batch command's.

    articles.raw --ingest--> syndic.by-source --prepare--> syndic.sequenced --decide--> outputs
     (any keys)   parse,      (key = source)    normalize,  (1 partition:       clean, unique,
                  validate                      fingerprint  the decision order) duplicates
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, MutableMapping
from datetime import UTC, datetime
from typing import Any

import orjson

from syndic.core.model import RejectedInput
from syndic.core.normalize import BoilerplateMemory
from syndic.core.pipeline import (
    Decider,
    Origin,
    Prepared,
    Preparer,
    dlq_record,
    duplicate_event,
    internal_error,
)
from syndic.core.timeutil import from_millis, parse_iso, to_iso
from syndic.core.window import MeasuredStore
from syndic.metrics import Metrics
from syndic.settings import Settings
from syndic.stream.packing import SEQUENCE_STRIDE, is_pack, unpack
from syndic.stream.records import InMessage, OutMessage

__all__ = ["DecideStage", "InMessage", "IngestStage", "OutMessage", "PrepareStage"]


Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class _Stage:
    def __init__(self, settings: Settings, metrics: Metrics, clock: Clock = _utc_now) -> None:
        self.settings = settings
        self.metrics = metrics
        self.clock = clock

    def _dead_letter(
        self, original: bytes | None, origin: Origin, error: RejectedInput, key: bytes | None
    ) -> OutMessage:
        self.metrics.dlq.labels(error.reason.value).inc()
        record = dlq_record(original, origin, error, failed_at=self.clock(), key=key)
        dlq_key = key if key else f"{origin.topic}:{origin.partition}:{origin.offset}".encode()
        return OutMessage(self.settings.topic_dlq, dlq_key, orjson.dumps(record))


class IngestStage(_Stage):
    """Parse and validate a raw record, then route it to its source's partition."""

    def __init__(self, settings: Settings, metrics: Metrics, preparer: Preparer) -> None:
        super().__init__(settings, metrics)
        self.preparer = preparer

    def process(self, message: InMessage) -> OutMessage:
        origin = Origin(message.topic, message.partition, message.offset)
        started = time.perf_counter()
        try:
            raw = self.preparer.parse(message.value)
        except RejectedInput as error:
            self.metrics.articles_in.labels("invalid").inc()
            return self._dead_letter(message.value, origin, error, message.key)
        finally:
            self.metrics.stage_seconds.labels("parse").observe(time.perf_counter() - started)
        source = str(raw["source"])
        self.metrics.articles_in.labels(self.metrics.source_label(source)).inc()
        ingested = from_millis(message.timestamp_ms) if message.timestamp_ms else self.clock()
        envelope = {
            "id": str(raw["id"]),
            "value": (message.value or b"").decode("utf-8"),
            "key_b64": base64.b64encode(message.key).decode() if message.key else None,
            "origin": {
                "topic": origin.topic,
                "partition": origin.partition,
                "offset": origin.offset,
            },
            "ingested_at": to_iso(ingested),
        }
        return OutMessage(
            self.settings.internal("by-source"), source.encode(), orjson.dumps(envelope)
        )


class PrepareStage(_Stage):
    """Normalize and fingerprint: the CPU-heavy part, parallel across source partitions."""

    def __init__(self, settings: Settings, metrics: Metrics, preparer: Preparer) -> None:
        super().__init__(settings, metrics)
        self.preparer = preparer

    def process(
        self, message: InMessage, memory_store: MutableMapping[str, Any]
    ) -> list[OutMessage]:
        """One sequenced record or dead letter per article of the by-source record."""
        try:
            envelopes = unpack(message.value)
        except Exception as exc:
            origin = Origin(message.topic, message.partition, message.offset)
            return [self._dead_letter(message.value, origin, internal_error(exc), message.key)]
        return [self._prepare(envelope, memory_store, message) for envelope in envelopes]

    def _prepare(
        self, envelope: Any, memory_store: MutableMapping[str, Any], message: InMessage
    ) -> OutMessage:
        try:
            original: bytes = envelope["value"].encode("utf-8")
            origin = Origin(**envelope["origin"])
            key = base64.b64decode(envelope["key_b64"]) if envelope.get("key_b64") else None
        except Exception as exc:  # not an envelope the ingest stage wrote
            here = Origin(message.topic, message.partition, message.offset)
            return self._dead_letter(orjson.dumps(envelope), here, internal_error(exc), None)
        started = time.perf_counter()
        try:
            raw = orjson.loads(original)
            raw["id"] = envelope["id"]
            ingested_at = parse_iso(envelope["ingested_at"]) or self.clock()
            prepared = self.preparer.prepare(
                raw, ingested_at=ingested_at, memory=BoilerplateMemory(memory_store)
            )
        except RejectedInput as error:
            return self._dead_letter(original, origin, error, key)
        except Exception as exc:
            return self._dead_letter(original, origin, internal_error(exc), key)
        finally:
            self.metrics.stage_seconds.labels("normalize").observe(time.perf_counter() - started)
        return OutMessage(
            self.settings.internal("sequenced"),
            prepared.article.id.encode(),
            orjson.dumps(prepared.to_dict()),
        )


class DecideStage(_Stage):
    """The duplicate/story decision in the sequencing topic's order, one partition, one core."""

    def __init__(
        self,
        settings: Settings,
        metrics: Metrics,
        decider: Decider,
        clock: Clock = _utc_now,
        window: MeasuredStore | None = None,
    ) -> None:
        super().__init__(settings, metrics, clock)
        self.decider = decider
        self.window = window
        self._decide_seconds = metrics.stage_seconds.labels("decide")
        self.report_window()

    def report_window(self) -> None:
        """Window gauges from the measured store (kept up to date as it is written)."""
        if self.window is not None:
            self.metrics.window_entries.set(self.window.articles)
            self.metrics.window_bytes.set(self.window.bytes)
            self.metrics.active_stories.set(self.window.stories)

    def process(self, message: InMessage) -> list[OutMessage]:
        """The verdicts' events of the record's articles, in their order. An article whose
        decision fails goes to the dead-letter topic instead, and the others are decided.

        An exception must not escape: it would crash the agent, and faust's restarted agent
        goes on with the next records while the failed batch stays unacknowledged, so the
        partition's commits stop there and its articles come out only after a rebalance."""
        origin = Origin(message.topic, message.partition, message.offset)
        try:
            items = unpack(message.value)
        except Exception as exc:
            return [self._dead_letter(message.value, origin, internal_error(exc), message.key)]
        outputs: list[OutMessage] = []
        packed = is_pack(message.value)
        for index, item in enumerate(items):
            sequence = message.offset * SEQUENCE_STRIDE + index
            try:
                outputs.extend(self._decide(item, sequence))
            except Exception as exc:
                # a dead letter holds the article's own bytes, the whole record when it is alone
                original = orjson.dumps(item) if packed else message.value
                error = internal_error(exc)
                outputs.append(self._dead_letter(original, origin, error, message.key))
        self.report_window()
        return outputs

    def _decide(self, item: Any, sequence: int) -> list[OutMessage]:
        started = time.perf_counter()
        try:
            clean = self.decider.decide(Prepared.from_dict(item), sequence=sequence)
        finally:
            self._decide_seconds.observe(time.perf_counter() - started)
        self._observe(clean)
        key = clean["id"].encode()
        body = orjson.dumps(clean)
        outputs = [OutMessage(self.settings.topic_clean, key, body)]
        duplicate = duplicate_event(clean)
        if duplicate is None:
            outputs.append(OutMessage(self.settings.topic_unique, key, body))
        else:
            outputs.append(OutMessage(self.settings.topic_duplicates, key, orjson.dumps(duplicate)))
        return outputs

    def _observe(self, clean: dict[str, Any]) -> None:
        source = self.metrics.source_label(clean["source"])
        self.metrics.verdicts.labels(clean["dedup"]["status"], source).inc()
        now = self.clock()
        for basis, value in (
            ("event_time", clean["event_time"]),
            ("ingestion_time", clean["ingested_at"]),
        ):
            moment = parse_iso(value)
            if moment is not None:
                self.metrics.end_to_end_seconds.labels(basis).observe(
                    max(0.0, (now - moment).total_seconds())
                )
