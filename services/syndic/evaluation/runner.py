"""Runs labelled articles through `syndic.batch.dedup_lines`: literally the stream's code path."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import orjson

from syndic.batch import build_decider, build_preparer, dedup_lines
from syndic.core.model import RejectedInput
from syndic.core.normalize import BoilerplateMemory
from syndic.evaluation.copies import KINDS, make_copy
from syndic.evaluation.metrics import Scores, bcubed, pairwise
from syndic.settings import Settings


def load_labelled(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def raw_line(record: dict[str, Any]) -> bytes:
    """The raw-article form: gold labels dropped, absent optional fields omitted."""
    keep = ("id", "source", "text", "url", "title", "published_at", "fetched_at", "lang")
    raw = {k: record[k] for k in keep if record.get(k) is not None}
    raw.setdefault("source", "unknown")
    return orjson.dumps(raw)


def fixed_clock(start: datetime | None = None) -> Iterator[datetime]:
    """One second per article: deterministic ingestion times (ECB+ has no dates)."""
    moment = start or datetime(2026, 1, 1, tzinfo=UTC)
    while True:
        yield moment
        moment += timedelta(seconds=1)


def run(
    records: list[dict[str, Any]], settings: Settings, *, undated: bool = True
) -> list[dict[str, Any]]:
    """The batch core over the records. With `undated` (ECB+ has no dates), dates the normalizer
    may read from the text are dropped so event time is ingestion time, as in the issue."""
    clock = fixed_clock()
    lines = [raw_line(r) for r in records]
    if not undated:
        return list(dedup_lines(lines, settings, clock=lambda: next(clock)))
    preparer, decider = build_preparer(settings), build_decider(settings)
    memory = BoilerplateMemory({})
    outputs: list[dict[str, Any]] = []
    for line in lines:
        try:
            prepared = preparer.prepare(
                preparer.parse(line), ingested_at=next(clock), memory=memory
            )
        except RejectedInput:
            continue
        article = replace(prepared.article, published_at=None, fetched_at=None, updated_at=None)
        outputs.append(decider.decide(replace(prepared, article=article), sequence=len(outputs)))
    return outputs


@dataclass(frozen=True, slots=True)
class StoryReport:
    articles: int
    pairwise: Scores
    bcubed: Scores
    flagged_duplicates: int
    shuffled_bcubed_f1: list[float] = field(default_factory=list)


def evaluate_stories(
    path: Path, settings: Settings, *, shuffles: int = 0, seed: int = 0
) -> StoryReport:
    records = load_labelled(path)
    gold = {r["id"]: str(r["cluster"]) for r in records}
    outputs = run(records, settings)
    predicted = {o["id"]: o["story_id"] for o in outputs if "dedup" in o}
    flagged = sum(1 for o in outputs if "dedup" in o and o["dedup"]["status"] != "unique")
    rng = random.Random(seed)
    shuffled: list[float] = []
    for _ in range(shuffles):
        order = records[:]
        rng.shuffle(order)
        result = {o["id"]: o["story_id"] for o in run(order, settings) if "dedup" in o}
        shuffled.append(bcubed(result, gold).f1)
    return StoryReport(
        articles=len(predicted),
        pairwise=pairwise(predicted, gold),
        bcubed=bcubed(predicted, gold),
        flagged_duplicates=flagged,
        shuffled_bcubed_f1=shuffled,
    )


@dataclass(frozen=True, slots=True)
class NearDupReport:
    copies: int
    recall_by_kind: dict[str, float]
    recall: float
    precision: float
    false_positives: int


def evaluate_near_duplicates(path: Path, settings: Settings, seed: int = 0) -> NearDupReport:
    """Originals first, then one labelled copy of each per kind (shuffled); a copy counts as
    found when flagged exact/near of its own original; any other flag is a false positive."""
    records = load_labelled(path)
    gold = {r["id"]: str(r.get("cluster")) for r in records}
    rng = random.Random(seed)
    copies: list[dict[str, Any]] = []
    origin: dict[str, tuple[str, str]] = {}
    for index, record in enumerate(records):
        for kind in KINDS:
            copy = make_copy(
                record, kind, random.Random(seed * 1_000_003 + index * 31 + len(copies))
            )
            copy["id"] = f"{record['id']}~{kind}"
            origin[copy["id"]] = (record["id"], kind)
            copies.append(copy)
    rng.shuffle(copies)
    outputs = run(records + copies, settings)
    root = _roots(outputs, origin)
    found: dict[str, int] = dict.fromkeys(KINDS, 0)
    flagged = correct = 0
    for out in outputs:
        status, target = out["dedup"]["status"], out["dedup"]["duplicate_of"]
        if status == "unique":
            continue
        source = origin.get(out["id"])
        if source is None and gold.get(out["id"]) == gold.get(target or ""):
            continue  # a real wire copy inside the dev set, of the same gold story: not an error
        flagged += 1
        if source is not None and target is not None and root.get(target) == root[source[0]]:
            correct += 1
            found[source[1]] += 1
    per_kind = len(records)
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


def eval_command(path: Path, settings: Settings, *, seed: int = 0, out: TextIO = sys.stdout) -> int:
    """Prints the story and near-duplicate figures; exit code 0 when the file could be read."""
    if not path.exists():
        print(f"no such file: {path}", file=out)
        return 2
    stories = evaluate_stories(path, settings, shuffles=3, seed=seed)
    near = evaluate_near_duplicates(path, settings, seed)
    lines = [
        f"stories over {stories.articles} articles",
        f"  pairwise  P={stories.pairwise.precision:.3f} R={stories.pairwise.recall:.3f} "
        f"F1={stories.pairwise.f1:.3f}",
        f"  BCubed    P={stories.bcubed.precision:.3f} R={stories.bcubed.recall:.3f} "
        f"F1={stories.bcubed.f1:.3f}",
        f"  flagged exact/near among real articles: {stories.flagged_duplicates}",
        "  BCubed F1 on shuffled orders: "
        + ", ".join(f"{f:.3f}" for f in stories.shuffled_bcubed_f1),
        f"near-duplicates over {near.copies} generated copies (seed {seed})",
        f"  precision={near.precision:.4f} recall={near.recall:.4f} "
        f"false positives={near.false_positives}",
    ]
    lines += [f"  recall {kind:<12} {value:.4f}" for kind, value in near.recall_by_kind.items()]
    print("\n".join(lines), file=out)
    return 0
