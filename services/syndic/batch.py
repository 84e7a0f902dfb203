"""`syndic dedup` and `syndic normalize`: the stream's core, run over a file in input order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, MutableMapping
from datetime import UTC, datetime, timedelta
from typing import Any

from syndic.core.dedup import DedupSettings
from syndic.core.model import RejectedInput
from syndic.core.normalize import BoilerplateMemory, NormalizeSettings
from syndic.core.pipeline import Decider, Origin, Prepared, Preparer, dlq_record, internal_error
from syndic.core.raw import RawLimits
from syndic.settings import Settings
from syndic.topics import schema_problem

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def build_preparer(settings: Settings) -> Preparer:
    return Preparer(
        schema_problem("raw"),
        RawLimits(max_record_bytes=settings.max_record_bytes),
        NormalizeSettings(max_text_chars=settings.max_text_chars),
    )


def build_decider(settings: Settings, store: MutableMapping[str, Any] | None = None) -> Decider:
    dedup_settings = DedupSettings(
        window=settings.window,
        allowed_lateness=settings.allowed_lateness,
        near_resemblance=settings.near_resemblance,
        near_containment=settings.near_containment,
        near_containment_min_resemblance=settings.near_containment_min_resemblance,
        near_lede_containment=settings.near_lede_containment,
        min_near_shingles=settings.min_near_shingles,
        story_threshold=settings.story_threshold,
        story_half_life=timedelta(hours=settings.story_half_life_hours),
    )
    return Decider(dedup_settings, {} if store is None else store)


def _rejected(line: bytes, number: int, error: RejectedInput, clock: Clock) -> dict[str, Any]:
    return dlq_record(line, Origin(topic="-", line=number), error, failed_at=clock())


def dedup_lines(
    lines: Iterable[bytes], settings: Settings, clock: Clock = utc_now
) -> Iterator[dict[str, Any]]:
    """One output per input line, in input order: a clean article or a DLQ record."""
    preparer = build_preparer(settings)
    decider = build_decider(settings)
    memory = BoilerplateMemory({})
    accepted = 0
    for number, line in enumerate(lines, start=1):
        prepared = _prepared_or_rejected(preparer, memory, line, number, clock)
        if isinstance(prepared, dict):
            yield prepared
            continue
        try:
            decided = decider.decide(prepared, sequence=accepted)
        except Exception as exc:  # as in the stream: the DLQ, never a crash
            yield _rejected(line, number, internal_error(exc), clock)
            continue
        yield decided
        accepted += 1


def normalize_lines(
    lines: Iterable[bytes], settings: Settings, clock: Clock = utc_now
) -> Iterator[dict[str, Any]]:
    """One normalized article (no dedup fields) or DLQ record per input line."""
    preparer = build_preparer(settings)
    memory = BoilerplateMemory({})
    for number, line in enumerate(lines, start=1):
        prepared = _prepared_or_rejected(preparer, memory, line, number, clock)
        yield prepared if isinstance(prepared, dict) else prepared.article.public_fields()


def _prepared_or_rejected(
    preparer: Preparer, memory: BoilerplateMemory, line: bytes, number: int, clock: Clock
) -> Prepared | dict[str, Any]:
    """The line's prepared article, or the DLQ record of why it has none: bad input and a bug
    alike end there, as in the stream, and the next line goes on."""
    try:
        return preparer.prepare(preparer.parse(line), ingested_at=clock(), memory=memory)
    except RejectedInput as error:
        return _rejected(line, number, error, clock)
    except Exception as exc:
        return _rejected(line, number, internal_error(exc), clock)


def read_lines(stream: Iterable[bytes]) -> Iterator[bytes]:
    """Lines of a JSON Lines input without their line ends; blank lines are skipped."""
    for raw in stream:
        line = raw.rstrip(b"\r\n")
        if line.strip():
            yield line
