"""The instruction-count benchmark reads callgrind's total and runs its passes in process."""

from __future__ import annotations

from typing import Any

import pytest

from syndic.benchmarks import instructions
from syndic.core.pipeline import Preparer


def test_the_total_is_read_from_callgrinds_summary_line() -> None:
    stderr = "==27232== Events    : Ir\n==27232== Collected : 9390065166\n==27232==\n"
    found = instructions._COLLECTED.search(stderr)
    assert found is not None and int(found.group(1)) == 9_390_065_166


def test_the_measured_passes_run_without_valgrind() -> None:
    instructions.main(["--inner", "--what", "fingerprint", "--articles", "3"])
    instructions.main(["--inner", "--what", "prepare", "--articles", "3"])
    instructions.main(["--inner", "--what", "decide", "--articles", "3"])
    instructions.main(["--inner", "--what", "prepare-fresh", "--articles", "3"])


def test_fresh_passes_prepare_articles_not_seen_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each pass takes the next articles of one stream, generated alike for any pass count,
    so that two counts differ by the passes alone."""
    prepared: list[str] = []
    generated: list[int] = []
    original_prepare = Preparer.prepare

    def recording(self: Preparer, raw: dict[str, Any], **kwargs: Any) -> Any:
        prepared.append(raw["id"])
        return original_prepare(self, raw, **kwargs)

    from syndic.benchmarks import articles

    original_generate = articles.generate_articles

    def counting(count: int, seed: int = 8) -> Any:
        generated.append(count)
        return original_generate(count, seed)

    monkeypatch.setattr(Preparer, "prepare", recording)
    monkeypatch.setattr(articles, "generate_articles", counting)
    instructions.run_passes("prepare-fresh", 4, 3)
    assert len(prepared) == 16 and len(set(prepared)) == 16
    prepared.clear()
    instructions.run_passes("prepare-fresh", 4, 1)
    assert len(prepared) == 8
    assert generated == [16, 16]


def test_both_counted_runs_get_one_hash_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The count is a difference of two runs: with random string hashes in each it moved by
    more than the changes it is meant to measure."""
    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    assert instructions.hash_seed() == "0"
    monkeypatch.setenv("PYTHONHASHSEED", "random")
    assert instructions.hash_seed() == "0"
    monkeypatch.setenv("PYTHONHASHSEED", "7")
    assert instructions.hash_seed() == "7"
    seen: list[str] = []

    def run(command: list[str], **kwargs: Any) -> Any:
        seen.append(kwargs["env"]["PYTHONHASHSEED"])
        return type("Done", (), {"stderr": "==1== Collected : 42\n"})()

    monkeypatch.setattr(instructions.shutil, "which", lambda name: "/usr/bin/valgrind")
    monkeypatch.setattr(instructions.subprocess, "run", run)
    assert instructions.count("decide", 3, 1) == 42
    assert seen == ["7"]
