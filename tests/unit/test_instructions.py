"""The instruction-count benchmark reads callgrind's total and runs its passes in process."""

from __future__ import annotations

from syndic.benchmarks import instructions


def test_the_total_is_read_from_callgrinds_summary_line() -> None:
    stderr = "==27232== Events    : Ir\n==27232== Collected : 9390065166\n==27232==\n"
    found = instructions._COLLECTED.search(stderr)
    assert found is not None and int(found.group(1)) == 9_390_065_166


def test_the_measured_passes_run_without_valgrind() -> None:
    instructions.main(["--inner", "--what", "fingerprint", "--articles", "3"])
    instructions.main(["--inner", "--what", "prepare", "--articles", "3"])
    instructions.main(["--inner", "--what", "decide", "--articles", "3"])
