"""The benchmark's smoke profile runs end to end: every system measured, every article out.

Not timed: the figures depend on the machine and its load. What must hold anywhere is that the
harness starts each system on its own broker, sees every article come out of syndic, and writes
a JSON report with a positive throughput for each system (BENCHMARKS.md explains the figures).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from syndic.benchmarks.pipeline import SYSTEMS

pytestmark = [pytest.mark.broker, pytest.mark.slow]


@pytest.mark.timeout(600)
def test_smoke_profile_measures_every_system(tmp_path: Path) -> None:
    report_path = tmp_path / "bench.json"
    # A subprocess, as `make bench` runs it: the harness starts and stops its own brokers.
    completed = subprocess.run(
        [sys.executable, "-m", "syndic.benchmarks.pipeline", "--smoke", "--json", str(report_path)],
        capture_output=True, text=True, timeout=560,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]

    report = json.loads(report_path.read_text())
    assert report["config"]["smoke"] is True
    articles = report["config"]["articles"]
    assert report["corpus"]["articles"] == articles
    assert set(report["systems"]) == set(SYSTEMS)
    for name, figures in report["systems"].items():
        assert figures.get("error") is None, (name, figures.get("error"))
        assert figures["throughput_per_s"] > 0, name
        assert figures["out"] == articles, name
    for name in ("syndic-1w", "syndic-2w"):
        syndic = report["systems"][name]
        assert syndic["complete"] is True
        assert syndic["missing"] == 0
        assert syndic["workers"] == (1 if name == "syndic-1w" else 2)


@pytest.mark.timeout(300)
def test_live_worker_profile_samples_the_stages(tmp_path: Path) -> None:
    report_path = tmp_path / "profile.json"
    completed = subprocess.run(
        [sys.executable, "-m", "syndic.benchmarks.pipeline", "--profile-worker",
         "--articles", "300", "--json", str(report_path)],
        capture_output=True, text=True, timeout=280,
    )  # fmt: skip
    if completed.returncode != 0 and "Permission denied" in completed.stderr:
        pytest.skip("this machine does not let py-spy attach to a process (ptrace)")
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    result = json.loads(report_path.read_text())["worker_profile"]
    assert result["out"] == result["articles"] == 300
    assert result["samples"] > 100
    shares = {row["category"]: row["pct"] for row in result["categories"]}
    assert shares.get("prepare: fingerprint (terms, shingles, MinHash)", 0) > 0
    assert shares.get("decide: the decision", 0) > 0
    assert abs(sum(shares.values()) - 100) < 1
