"""From the bytes a producer posted to a validated raw-article dict, or a typed rejection.

Every check that can fail on hostile input happens here, in an order that bounds the work done
before the size limit is known: size, UTF-8, JSON, shape, schema.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from syndic.core.model import RejectedInput, RejectReason

SchemaCheck = Callable[[dict[str, Any]], str | None]


@dataclass(frozen=True, slots=True)
class RawLimits:
    max_record_bytes: int = 2_000_000


def record_id(value: bytes) -> str:
    """An id for a record that came without one: the same bytes redelivered get the same id."""
    return "r" + hashlib.sha256(value).hexdigest()[:20]


def parse_raw(value: bytes | None, limits: RawLimits, schema_check: SchemaCheck) -> dict[str, Any]:
    if value is None:
        raise RejectedInput(RejectReason.TOMBSTONE, "record has no value (null or tombstone)")
    if len(value) > limits.max_record_bytes:
        raise RejectedInput(
            RejectReason.TOO_LARGE,
            f"record is {len(value)} bytes, limit is {limits.max_record_bytes}",
        )
    try:
        value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RejectedInput(RejectReason.INVALID_UTF8, str(exc)) from None
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise RejectedInput(RejectReason.INVALID_JSON, str(exc)[:300]) from None
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise RejectedInput(RejectReason.NOT_AN_OBJECT, f"expected a JSON object, got {kind}")
    if not (data.get("text") or data.get("html")):
        raise RejectedInput(RejectReason.MISSING_TEXT, "no non-empty 'text' or 'html' field")
    problem = schema_check(data)
    if problem is not None:
        raise RejectedInput(RejectReason.SCHEMA_VIOLATION, problem)
    if not data.get("id"):
        data["id"] = record_id(value)
    return data
