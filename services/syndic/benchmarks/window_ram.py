"""What a window article costs in RAM, and which part of the deciding worker holds it.

The state figure (`syndic_window_bytes`) counts serialized bytes, what the changelog carries;
a worker holds much more as Python objects: the stored values and the indexes derived from
them. This decides generated articles in process under tracemalloc, then empties each part
in turn and reports what that freed per article.

    python -m syndic.benchmarks.window_ram --articles 5000
"""

from __future__ import annotations

import argparse
import gc
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime

import orjson

from syndic.batch import build_decider, build_preparer
from syndic.benchmarks.articles import generate_articles
from syndic.core.normalize import BoilerplateMemory
from syndic.settings import load_settings


def measure(count: int, seed: int = 8) -> dict[str, float]:
    settings = load_settings(env={})
    preparer = build_preparer(settings)
    memory = BoilerplateMemory({})
    arrival = datetime(2026, 1, 1, tzinfo=UTC)
    prepared = []
    for article in generate_articles(count, seed):
        raw = orjson.loads(article.value())
        prepared.append(preparer.prepare(raw, ingested_at=arrival, memory=memory))
    gc.collect()
    store: dict[str, object] = {}
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        decider = build_decider(settings, store)
        for sequence, item in enumerate(prepared):
            decider.decide(item, sequence=sequence)
        gc.collect()
        figures = {"total": (tracemalloc.get_traced_memory()[0] - base) / count}
        core = decider.deduplicator

        def freed(name: str, empty: Callable[[], object]) -> None:
            gc.collect()
            before = tracemalloc.get_traced_memory()[0]
            empty()
            gc.collect()
            figures[name] = (before - tracemalloc.get_traced_memory()[0]) / count

        freed("lsh buckets", core.lsh.buckets.clear)
        freed("term vectors", lambda: (core.terms.hashes.clear(), core.terms.quanta.clear()))
        freed("term postings", core.terms.postings.clear)
        freed("stored values", store.clear)
        return figures
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    figures = measure(args.articles, args.seed)
    print(f"{args.articles:,} articles in the window, bytes per article (tracemalloc):")
    for name, value in figures.items():
        print(f"  {name:<14} {value:>7,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
