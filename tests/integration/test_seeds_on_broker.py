"""The five seed articles (one event, five outlets) and copies of them, through the stream."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from syndic.client import produce
from tests.conftest import SHARED, isolated_settings, make_topics, read_ids

pytestmark = pytest.mark.broker

WRAPPER_HEAD = "Home > World > Asia\nShare on Facebook | Share on X | Email this story"
WRAPPER_TAIL = "Subscribe to our morning briefing.\n© 2024 Example Daily. All rights reserved."


def seeds() -> dict[str, str]:
    files = sorted((SHARED / "seeds").glob("*.txt"))
    if len(files) < 5:
        pytest.skip("seeds not available")
    return {f"seed-{f.stem[:3]}": f.read_text() for f in files}


def copies_of(texts: dict[str, str]) -> dict[str, tuple[str, str]]:
    """id -> (text, id of the seed it copies): verbatim, wrapped in other boilerplate, cut."""
    ids = sorted(texts)
    words = texts[ids[4]].split(" ")
    return {
        "copy-verbatim": (texts[ids[3]], ids[3]),
        "copy-wrapped": (f"{WRAPPER_HEAD}\n\n{texts[ids[1]]}\n\n{WRAPPER_TAIL}", ids[1]),
        "copy-truncated": (" ".join(words[: int(len(words) * 0.7)]), ids[4]),
    }


def test_seeds_are_one_story_and_their_copies_are_caught(tansu, start_worker):
    settings = isolated_settings(tansu)
    make_topics(settings)
    start_worker(settings)
    texts = seeds()
    originals = [orjson.dumps({"id": i, "source": i, "text": t}) for i, t in texts.items()]
    asyncio.run(produce(settings, [(i, r) for i, r in zip(texts, originals, strict=True)]))
    read_ids(settings, settings.topic_clean, texts, timeout=90)

    copies = copies_of(texts)
    posted = [
        (i, orjson.dumps({"id": i, "source": "syndicator", "text": text}))
        for i, (text, _) in copies.items()
    ]
    asyncio.run(produce(settings, posted))
    clean = read_ids(settings, settings.topic_clean, [*texts, *copies], timeout=90)

    for seed_id in texts:
        assert clean[seed_id]["dedup"]["status"] == "unique", clean[seed_id]["dedup"]
    assert len({clean[i]["story_id"] for i in texts}) == 1
    for copy_id, (_, original) in copies.items():
        dedup = clean[copy_id]["dedup"]
        assert dedup["status"] in ("exact", "near"), (copy_id, dedup)
        assert dedup["duplicate_of"] == original, (copy_id, dedup)
        assert clean[copy_id]["story_id"] == clean[original]["story_id"]
    assert clean["copy-verbatim"]["dedup"]["status"] == "exact"
    assert clean["copy-truncated"]["dedup"]["status"] == "near"
