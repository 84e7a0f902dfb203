"""The five seeds (one event, five outlets) in several orders: one story, no exact/near flags."""

from __future__ import annotations

import itertools
from pathlib import Path

import orjson
import pytest

from syndic.evaluation.runner import run
from syndic.settings import Settings

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def seed_records() -> list[dict[str, str]]:
    files = sorted(SEEDS.glob("*.txt"))
    if len(files) < 5:
        pytest.skip("seeds not available")
    return [
        {"id": f.stem[:3], "source": f"outlet{f.stem[:3]}", "text": f.read_text()} for f in files
    ]


@pytest.mark.parametrize("order", list(itertools.permutations(range(5)))[::17])
def test_seeds_are_never_duplicates(order: tuple[int, ...]) -> None:
    records = seed_records()
    outputs = run([records[i] for i in order], Settings())
    assert len(outputs) == 5
    assert {o["dedup"]["status"] for o in outputs} == {"unique"}
    orjson.dumps(outputs)


def test_seeds_make_one_story_in_every_order() -> None:
    records = seed_records()
    for order in itertools.permutations(range(5)):
        outputs = run([records[i] for i in order], Settings())
        assert len({o["story_id"] for o in outputs}) == 1, order
        assert {o["dedup"]["status"] for o in outputs} == {"unique"}, order
