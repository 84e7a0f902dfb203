"""The records a stage takes and returns: what a Kafka record carries, and nothing of faust."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class InMessage:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp_ms: int | None


@dataclass(frozen=True, slots=True)
class OutMessage:
    """A record to publish; `partition` None lets the key choose it, a value None deletes."""

    topic: str
    key: bytes
    value: bytes | None
    partition: int | None = None
