"""The latency runs repeated: which round the benchmark reports, and what it keeps of the rest."""

from __future__ import annotations

import pytest

from syndic.benchmarks.pipeline import build_parser, median_round


def _round(p99: float, p50: float = 100.0) -> dict[str, object]:
    return {"rate_per_s": 200.0, "p50_ms": p50, "p95_ms": p99 - 10, "p99_ms": p99, "hops": {}}


def test_one_round_is_reported_as_it_is() -> None:
    only = _round(250.0)
    assert median_round([only]) == only


def test_the_round_with_the_median_p99_is_reported_whole_with_every_rounds_quantiles() -> None:
    rounds = [_round(383.0, p50=190.0), _round(204.0, p50=127.0), _round(260.0, p50=140.0)]
    chosen = median_round(rounds)
    assert chosen["p99_ms"] == 260.0
    assert chosen["p50_ms"] == 140.0  # the same run's p50, not the median of the p50s
    assert [r["p99_ms"] for r in chosen["rounds"]] == [383.0, 204.0, 260.0]  # in run order
    assert "rounds" not in rounds[2]  # the caller's figures are not changed


def test_an_even_count_reports_the_lower_middle_round() -> None:
    assert median_round([_round(300.0), _round(200.0)])["p99_ms"] == 200.0


def test_a_failed_round_is_listed_but_not_chosen() -> None:
    failed = {"rate_per_s": 200.0, "error": "stalled"}
    chosen = median_round([failed, _round(240.0)])
    assert chosen["p99_ms"] == 240.0
    assert chosen["rounds"][0] == {"error": "stalled"}
    assert median_round([failed]) == failed


def test_the_option_wants_at_least_one_round(capsys: pytest.CaptureFixture[str]) -> None:
    assert build_parser().parse_args([]).latency_rounds == 1
    assert build_parser().parse_args(["--latency-rounds", "3"]).latency_rounds == 3
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--latency-rounds", "0"])
    assert "at least 1" in capsys.readouterr().err
