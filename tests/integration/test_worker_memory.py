"""The live-worker memory benchmark runs end to end on its own broker.

Not a memory assertion (RSS depends on the machine): what must hold is that every article sent
comes out of the real worker before each reading, that the readings are real (a resident set,
the window's articles from the worker's own metrics), that a restarted worker gets the window
back, and that nothing is left running.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from syndic.benchmarks.worker_memory import main

pytestmark = [pytest.mark.broker, pytest.mark.slow]


@pytest.mark.timeout(240)
def test_worker_memory_reads_a_live_worker_after_each_chunk(tmp_path: Path) -> None:
    report = tmp_path / "memory.json"
    assert main(["--articles", "600", "--every", "200", "--json", str(report),
                 "--chunk-timeout", "180", "--restart"]) == 0  # fmt: skip
    result = json.loads(report.read_text())
    samples = result["samples"]
    assert [s["articles"] for s in samples] == [200, 400, 600]
    assert [s["window_articles"] for s in samples] == [200, 400, 600]
    assert all(s["rss_mb"] > 20 and s["broker_rss_mb"] > 0 for s in samples)
    assert 0 < samples[-1]["state_b_per_article"] <= 1024
    assert samples[1]["worker_cpu_s"] > samples[0]["worker_cpu_s"] > 0
    assert result["verdict"]["peak_rss_mb"] == max(s["rss_mb"] for s in samples)
    # the restarted worker rebuilt the 600 articles' window from the changelog, then decided 100
    restart = result["restart"]
    assert restart["window_articles"] == 700
    assert restart["seconds_to_decide"] > 0
