"""The chaos harness's short profile: kills and rescaling lose nothing and change no verdict."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.broker, pytest.mark.slow]


def test_short_chaos_profile_loses_nothing(tmp_path: Path) -> None:
    # A subprocess with its own embedded broker: the harness kills workers in its finally block,
    # and the broker is stopped by `main` however the run ends.
    result_path = tmp_path / "chaos.json"
    run = subprocess.run(
        [sys.executable, "-m", "syndic.chaos", "--short", "--seed", "11",
         "--json", str(result_path), "--logs", str(tmp_path / "logs")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result_path.exists(), run.stdout[-2000:] + run.stderr[-4000:]
    result = json.loads(result_path.read_text())
    assert result["sent"] == 1500
    assert result["lost"] == 0, result["examples"]
    assert result["mismatched_verdicts"] == 0, result["examples"]
    assert result["mismatched_texts"] == 0, result["examples"]
    assert result["conflicting_verdicts"] == 0, result["examples"]
    assert result["offset_regressions"] == 0, result["examples"]
    assert len(result["kills"]) == 3
    assert run.returncode == 0, run.stdout[-2000:]
