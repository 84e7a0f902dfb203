"""The window RAM benchmark runs and its parts add up to no more than the whole."""

from __future__ import annotations

from syndic.benchmarks.window_ram import measure


def test_window_ram_parts_fit_in_the_total() -> None:
    figures = measure(300)
    parts = {name: value for name, value in figures.items() if name != "total"}
    assert set(parts) == {"lsh buckets", "term vectors", "term postings", "stored values"}
    assert all(value > 0 for value in parts.values())
    assert sum(parts.values()) <= figures["total"]
