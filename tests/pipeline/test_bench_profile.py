"""`syndic bench --profile`: the stages in process, and the prepare stage split by step."""

from __future__ import annotations

from syndic.benchmarks.articles import generate_articles
from syndic.benchmarks.pipeline import profile


def test_the_profile_splits_prepare_into_its_steps_within_the_stage() -> None:
    result = profile(generate_articles(60, seed=3), partitions=4, top=3)
    stages = result["us_per_article"]
    steps = result["prepare_us_per_article"]
    assert set(stages) == {"ingest", "prepare", "decide"}
    assert set(steps) == {"normalize", "fingerprint", "language (in normalize)"}
    assert all(us > 0 for us in steps.values())  # half the sources name no language
    # both steps run inside the prepare stage's timed loop, detection inside normalizing
    assert steps["normalize"] + steps["fingerprint"] <= stages["prepare"]
    assert steps["language (in normalize)"] < steps["normalize"]
