"""Runs labelled articles through the stream's own core: its preparer and decider, in order."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import orjson

from syndic.batch import build_decider, build_preparer
from syndic.core.model import RejectedInput
from syndic.core.normalize import BoilerplateMemory
from syndic.core.timeutil import parse_iso
from syndic.evaluation.copies import KINDS, MORE_KINDS, make_copy
from syndic.evaluation.metrics import Scores, bcubed, pairwise
from syndic.settings import Settings


class LabelledFileError(ValueError):
    """A labelled file the evaluation cannot read: which line, and why."""


def load_labelled(path: Path) -> list[dict[str, Any]]:
    """The file's records, each with a unique string `id`: a labelled set made elsewhere may
    lack ids or repeat one, and the core treats a repeated id as a redelivery of the same
    article (it recalls the first decision), which would score one article twice. A missing
    id becomes `line-N`; a repeated one gets `~2`, `~3`... A record's `cluster` may be
    missing: it is decided like the others and left out of the scores."""
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise LabelledFileError(f"{path}:{number}: not JSON ({exc})") from None
        if not isinstance(record, dict):
            raise LabelledFileError(f"{path}:{number}: not a JSON object")
        given = record.get("id")
        base = f"line-{number}" if given is None or given == "" else str(given)
        record_id, copy = base, 1
        while record_id in seen:
            copy += 1
            record_id = f"{base}~{copy}"
        seen.add(record_id)
        records.append({**record, "id": record_id})
    return records


def gold_clusters(records: list[dict[str, Any]]) -> dict[str, str]:
    """Id -> gold cluster, for the records that carry one."""
    return {r["id"]: str(r["cluster"]) for r in records if r.get("cluster") is not None}


def raw_line(record: dict[str, Any]) -> bytes:
    """The raw-article form: gold labels dropped, absent optional fields omitted."""
    keep = ("id", "source", "text", "html", "url", "title", "published_at", "fetched_at", "lang")
    raw = {k: record[k] for k in keep if record.get(k) is not None}
    raw.setdefault("source", "unknown")
    return orjson.dumps(raw)


_START = datetime(2026, 1, 1, tzinfo=UTC)


def fixed_clock(start: datetime | None = None) -> Iterator[datetime]:
    """One second per article: deterministic ingestion times (ECB+ has no dates)."""
    moment = start or _START
    while True:
        yield moment
        moment += timedelta(seconds=1)


def run(
    records: list[dict[str, Any]], settings: Settings, *, undated: bool = True
) -> list[dict[str, Any]]:
    """The batch core (the stream's preparer and decider) over the records, in their order.

    With `undated` (ECB+ has no dates), every article arrives a second after the one before
    and the dates the normalizer may read from its text are dropped, so event time is
    ingestion time. Otherwise each article arrives at its own ISO 8601 `fetched_at` or
    `published_at` (never before the article ahead of it), as a feed read live would, and its
    dates set its event time as in the stream: arriving before its own date would make the
    core disbelieve that date."""
    arrivals = fixed_clock() if undated else _arrivals(records)
    preparer, decider = build_preparer(settings), build_decider(settings)
    memory = BoilerplateMemory({})
    outputs: list[dict[str, Any]] = []
    for record in records:
        ingested_at = next(arrivals)
        try:
            raw = preparer.parse(raw_line(record))
            prepared = preparer.prepare(raw, ingested_at=ingested_at, memory=memory)
        except RejectedInput:
            continue
        if undated:
            article = replace(prepared.article, published_at=None, fetched_at=None, updated_at=None)
            prepared = replace(prepared, article=article)
        outputs.append(decider.decide(prepared, sequence=len(outputs)))
    return outputs


def _arrivals(records: list[dict[str, Any]]) -> Iterator[datetime]:
    previous: datetime | None = None
    for record in records:
        given = _given_date(record)
        if previous is None:
            arrival = given or _START
        else:
            arrival = max(given or previous, previous + timedelta(seconds=1))
        previous = arrival
        yield arrival


def _given_date(record: dict[str, Any]) -> datetime | None:
    for name in ("fetched_at", "published_at"):
        value = record.get(name)
        if isinstance(value, str) and (moment := parse_iso(value)) is not None:
            return moment
    return None


@dataclass(frozen=True, slots=True)
class StoryReport:
    articles: int
    pairwise: Scores
    bcubed: Scores
    flagged_duplicates: int
    shuffled_bcubed_f1: list[float] = field(default_factory=list)
    unlabelled: int = 0  # decided, but without a gold cluster to score against
    rejected: int = 0  # sent to the dead-letter topic by the core (no text, ...)


def evaluate_stories(
    path: Path, settings: Settings, *, shuffles: int = 0, seed: int = 0, dated: bool = False
) -> StoryReport:
    records = load_labelled(path)
    gold = gold_clusters(records)
    outputs = run(records, settings, undated=not dated)
    predicted = _scored(outputs, gold)
    flagged = sum(1 for o in outputs if "dedup" in o and o["dedup"]["status"] != "unique")
    rng = random.Random(seed)
    shuffled: list[float] = []
    for _ in range(shuffles):
        order = records[:]
        rng.shuffle(order)
        shuffled.append(bcubed(_scored(run(order, settings, undated=not dated), gold), gold).f1)
    return StoryReport(
        articles=len(predicted),
        pairwise=pairwise(predicted, gold),
        bcubed=bcubed(predicted, gold),
        flagged_duplicates=flagged,
        shuffled_bcubed_f1=shuffled,
        unlabelled=len(records) - len(gold),
        rejected=len(records) - sum(1 for o in outputs if "dedup" in o),
    )


def _scored(outputs: list[dict[str, Any]], gold: dict[str, str]) -> dict[str, str]:
    """Id -> predicted story, for the decided articles that carry a gold cluster."""
    return {o["id"]: o["story_id"] for o in outputs if "dedup" in o and o["id"] in gold}


@dataclass(frozen=True, slots=True)
class NearDupReport:
    copies: int
    recall_by_kind: dict[str, float]
    recall: float
    precision: float
    false_positives: int


def evaluate_near_duplicates(
    path: Path,
    settings: Settings,
    seed: int = 0,
    *,
    dated: bool = False,
    kinds: Sequence[str] = KINDS,
) -> NearDupReport:
    """Originals first, then one labelled copy of each per kind (shuffled); a copy counts as
    found when flagged exact/near of its own original; any other flag is a false positive."""
    records = load_labelled(path)
    gold = gold_clusters(records)
    rng = random.Random(seed)
    copies: list[dict[str, Any]] = []
    origin: dict[str, tuple[str, str]] = {}
    # copies are made of plain text; a record with only `html` (or no text) gets none
    copied = [r for r in records if isinstance(r.get("text"), str) and r["text"].strip()]
    for index, record in enumerate(copied):
        for kind in kinds:
            copy = make_copy(
                record, kind, random.Random(seed * 1_000_003 + index * 31 + len(copies))
            )
            copy["id"] = f"{record['id']}~{kind}"
            origin[copy["id"]] = (record["id"], kind)
            copies.append(copy)
    rng.shuffle(copies)
    outputs = run(records + copies, settings, undated=not dated)
    root = _roots(outputs, origin)
    found: dict[str, int] = dict.fromkeys(kinds, 0)
    flagged = correct = 0
    for out in outputs:
        status, target = out["dedup"]["status"], out["dedup"]["duplicate_of"]
        if status == "unique":
            continue
        source = origin.get(out["id"])
        if source is None and gold.get(out["id"]) == gold.get(target or ""):
            # a real wire copy inside the set, of the same gold story (or of unlabelled
            # articles, which cannot tell): not an error
            continue
        flagged += 1
        if source is not None and target is not None and root.get(target) == root[source[0]]:
            correct += 1
            found[source[1]] += 1
    per_kind = len(copied) or 1
    return NearDupReport(
        copies=len(copies),
        recall_by_kind={k: v / per_kind for k, v in found.items()},
        recall=correct / len(copies) if copies else 1.0,
        precision=correct / flagged if flagged else 1.0,
        false_positives=flagged - correct,
    )


def _roots(outputs: list[dict[str, Any]], origin: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Each article's real original: a copy maps to its source, and a real article the core
    itself flagged as a copy of another real one (the dev set has a few) to that one."""
    parent = {o["id"]: o["dedup"]["duplicate_of"] for o in outputs if o["id"] not in origin}
    roots: dict[str, str] = {}
    for article_id in parent:
        current = article_id
        while parent.get(current) is not None:
            current = parent[current]
        roots[article_id] = current
    for copy_id, (original, _) in origin.items():
        roots[copy_id] = roots.get(original, original)
    return roots


def eval_command(
    path: Path,
    settings: Settings,
    *,
    seed: int = 0,
    dated: bool = False,
    more_copies: bool = False,
    out: TextIO = sys.stdout,
) -> int:
    """Prints the story and near-duplicate figures; exit code 0 when the file could be read.
    With `more_copies`, a second near-duplicate report covers `MORE_KINDS` as well."""
    if not path.exists():
        print(f"no such file: {path}", file=out)
        return 2
    try:
        stories = evaluate_stories(path, settings, shuffles=3, seed=seed, dated=dated)
    except LabelledFileError as exc:
        print(f"cannot evaluate: {exc}", file=out)
        return 2
    near = evaluate_near_duplicates(path, settings, seed, dated=dated)
    left_out = [
        f"{count} {what}"
        for count, what in (
            (stories.unlabelled, "without a cluster"),
            (stories.rejected, "rejected by the core"),
        )
        if count
    ]
    lines = [
        f"stories over {stories.articles} articles"
        + (f" ({', '.join(left_out)}, not scored)" if left_out else ""),
        f"  pairwise  P={stories.pairwise.precision:.3f} R={stories.pairwise.recall:.3f} "
        f"F1={stories.pairwise.f1:.3f}",
        f"  BCubed    P={stories.bcubed.precision:.3f} R={stories.bcubed.recall:.3f} "
        f"F1={stories.bcubed.f1:.3f}",
        f"  flagged exact/near among real articles: {stories.flagged_duplicates}",
        "  BCubed F1 on shuffled orders: "
        + ", ".join(f"{f:.3f}" for f in stories.shuffled_bcubed_f1),
        f"near-duplicates over {near.copies} generated copies (seed {seed})",
    ]
    lines += _near_lines(near)
    if more_copies:
        more = evaluate_near_duplicates(path, settings, seed, dated=dated, kinds=KINDS + MORE_KINDS)
        lines.append(
            f"near-duplicates over {more.copies} generated copies of {len(KINDS + MORE_KINDS)} "
            f"kinds (seed {seed}; no target is set on the last {len(MORE_KINDS)})"
        )
        lines += _near_lines(more)
    print("\n".join(lines), file=out)
    return 0


def _near_lines(near: NearDupReport) -> list[str]:
    return [
        f"  precision={near.precision:.4f} recall={near.recall:.4f} "
        f"false positives={near.false_positives}",
        *(f"  recall {kind:<18} {value:.4f}" for kind, value in near.recall_by_kind.items()),
    ]
