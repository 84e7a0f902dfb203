"""The live-worker profile's bookkeeping: py-spy's raw stacks into categories and leaves."""

from __future__ import annotations

from syndic.benchmarks.worker_profile import OTHER, categorize

RAW = [
    "main (/x/syndic/cli.py:1);_find_and_load (<frozen importlib._bootstrap>:1176) 7",
    "run (/x/asyncio/events.py:80);prepare (/x/syndic/stream/app.py:196);"
    "PrepareStage.process (/x/syndic/stream/stages.py:131);"
    "Fingerprinter.compute (/x/syndic/core/dedup/fingerprint.py:82);"
    "story_terms (/x/syndic/core/dedup/terms.py:79) 30",
    "run (/x/asyncio/events.py:80);decide (/x/syndic/stream/app.py:211);"
    "DecideStage.process (/x/syndic/stream/stages.py:173);"
    "Deduplicator.decide (/x/syndic/core/dedup/decision.py:128) 10",
    "run (/x/asyncio/events.py:80);Sender._send_produce_req (/x/aiokafka/producer/sender.py:288) 5",
    "run (/x/asyncio/base_events.py:607);select (/x/selectors.py:468) 3",
    "mystery 2",
    "not a sample line",
]


def test_each_stack_goes_to_its_first_matching_category() -> None:
    categories, leaves, total = categorize(RAW)
    assert total == 57
    assert categories == {
        "start-up (imports)": 7,
        "prepare: fingerprint (terms, shingles, MinHash)": 30,
        "decide: the decision": 10,
        "produce: faust topics and aiokafka": 5,
        "event loop": 3,
        OTHER: 2,
    }
    assert leaves["story_terms (terms.py)"] == 30
    assert leaves["select (selectors.py)"] == 3
