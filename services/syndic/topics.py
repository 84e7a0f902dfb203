"""The one registry of syndic's topics, their partitions and configs, and their JSON Schemas."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def schema_problem(kind: str) -> Callable[[dict[str, Any]], str | None]:
    """A check returning the first schema error as one readable line, or None when valid."""
    check = validator(kind)

    def first_problem(document: dict[str, Any]) -> str | None:
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
    deleted = {"cleanup.policy": "delete", "retention.ms": retention}
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
