"""The one registry of syndic's topics, their partitions and configs, and their JSON Schemas."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fastjsonschema
import orjson
from jsonschema import Draft202012Validator, FormatChecker

from syndic.settings import Settings

SCHEMA_FILES = {
    "raw": "raw-article.schema.json",
    "clean": "clean-article.schema.json",
    "duplicate": "duplicate-event.schema.json",
    "dlq": "dlq-record.schema.json",
}


def schemas_dir() -> Path:
    """schemas/ at the repository top (an installed image sets SYNDIC_SCHEMAS_DIR)."""
    configured = os.environ.get("SYNDIC_SCHEMAS_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "schemas"


@functools.cache
def load_schema(kind: str) -> dict[str, Any]:
    schema: dict[str, Any] = orjson.loads((schemas_dir() / SCHEMA_FILES[kind]).read_bytes())
    return schema


@functools.cache
def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(kind), format_checker=FormatChecker())


# Keywords that mean the same in draft 7 and 2020-12: a schema made only of these can be
# checked by fastjsonschema's compiled draft-7 code with the same answers.
_SHARED_KEYWORDS = frozenset((
    "$schema", "$id", "title", "description", "type", "required", "properties", "anyOf",
    "oneOf", "allOf", "not", "enum", "const", "minLength", "maxLength", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "additionalProperties", "items", "minItems",
    "maxItems", "pattern", "examples", "default",
))  # fmt: skip


def _keywords(schema: Any) -> set[str]:
    if not isinstance(schema, dict):
        return set()
    found = set(schema)
    for key, value in schema.items():
        if key == "properties" and isinstance(value, dict):
            for sub in value.values():
                found |= _keywords(sub)
        elif key in ("anyOf", "oneOf", "allOf") and isinstance(value, list):
            for sub in value:
                found |= _keywords(sub)
        elif key in ("not", "items", "additionalProperties"):
            found |= _keywords(value)
    return found


@functools.cache
def fast_validator(kind: str) -> Callable[[dict[str, Any]], Any] | None:
    """A compiled validity check (about 20x faster than jsonschema's) for schemas that use only
    keywords draft 7 shares with 2020-12; None for any other schema."""
    schema = load_schema(kind)
    if not _keywords(schema) <= _SHARED_KEYWORDS:
        return None
    draft7 = {**schema, "$schema": "http://json-schema.org/draft-07/schema#"}
    compiled: Callable[[dict[str, Any]], Any] = fastjsonschema.compile(draft7)
    return compiled


def schema_problem(kind: str) -> Callable[[dict[str, Any]], str | None]:
    """A check returning the first schema error as one readable line, or None when valid.

    Valid records (nearly all) pass the compiled check; jsonschema, slower but exact about
    2020-12 and clearer in its messages, has the last word on any record it rejects."""
    check = validator(kind)
    fast = fast_validator(kind)

    def first_problem(document: dict[str, Any]) -> str | None:
        if fast is not None:
            try:
                fast(document)
                return None
            except fastjsonschema.JsonSchemaException:
                pass
        error = next(iter(check.iter_errors(document)), None)
        if error is None:
            return None
        where = "/".join(str(p) for p in error.absolute_path) or "(record)"
        return f"{where}: {error.message}"[:500]

    return first_problem


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    partitions: int
    schema: str | None
    config: dict[str, str] = field(default_factory=dict)
    internal: bool = False


def topic_specs(settings: Settings) -> list[TopicSpec]:
    """Every topic syndic reads or writes, created explicitly (Tansu would make 4 partitions)."""
    retention = str(int(settings.window.total_seconds() * 1000 * 2))
    deleted = {
        "cleanup.policy": "delete",
        "retention.ms": retention,
        "max.message.bytes": str(settings.message_bytes),
    }
    return [
        TopicSpec(settings.topic_raw, settings.raw_partitions, "raw", dict(deleted)),
        TopicSpec(settings.topic_clean, settings.output_partitions, "clean", dict(deleted)),
        TopicSpec(settings.topic_unique, settings.output_partitions, "clean", dict(deleted)),
        TopicSpec(
            settings.topic_duplicates, settings.output_partitions, "duplicate", dict(deleted)
        ),
        TopicSpec(settings.topic_dlq, settings.output_partitions, "dlq", dict(deleted)),
        # One partition: the decision order is this topic's offset order (see README, "Design").
        TopicSpec(settings.internal("sequenced"), 1, None, dict(deleted), internal=True),
    ]
