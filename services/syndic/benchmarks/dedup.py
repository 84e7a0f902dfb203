"""Decision cost with a full window: `python -m syndic.benchmarks.dedup [--articles N]`.

Fingerprints are computed up front (that is the parallel stage's work); the figures are the
sequential decide() cost per article, with and without story matching, the store size, and
what the full window costs the cyclic garbage collector: the objects it tracks and the length
of a full collection, a pause of the deciding worker's event loop whenever Python runs one.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import random
import statistics
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import orjson

from syndic.core.dedup import Deduplicator, DedupSettings, Fingerprinter
from syndic.core.dedup.fingerprint import Fingerprint
from syndic.core.model import NormalizedArticle

VOCABULARY = [f"w{i}" for i in range(20_000)]


def synthetic(count: int, seed: int) -> list[NormalizedArticle]:
    rng = random.Random(seed)
    articles = []
    for index in range(count):
        words = rng.choices(VOCABULARY, k=rng.randint(150, 400))
        names = [f"Name{rng.randrange(5000)}" for _ in range(6)]
        text = " ".join(words[:50] + names + words[50:])
        articles.append(
            NormalizedArticle(
                id=f"a{index}",
                source="bench",
                text=text,
                fingerprint_text=text.casefold(),
                content_hash=hashlib.sha256(text.encode()).hexdigest()[:32],
                word_count=len(words) + 6,
            )
        )
    return articles


Corpus = list[tuple[NormalizedArticle, Fingerprint]]


def synthetic_corpus(count: int) -> Corpus:
    fingerprinter = Fingerprinter()
    return [(a, fingerprinter.compute(a)) for a in synthetic(count, seed=7)]


def news_corpus(count: int) -> Corpus:
    from syndic.batch import build_preparer
    from syndic.benchmarks.articles import generate_articles
    from syndic.core.normalize import BoilerplateMemory
    from syndic.settings import load_settings

    preparer = build_preparer(load_settings(env={}))
    memory = BoilerplateMemory({})
    arrival = datetime(2026, 1, 1, tzinfo=UTC)
    corpus = []
    for article in generate_articles(count):
        prepared = preparer.prepare(
            orjson.loads(article.value()), ingested_at=arrival, memory=memory
        )
        corpus.append((prepared.article, prepared.fingerprint))
    return corpus


def measure(
    corpus: Corpus, count: int, story: bool, *, release: bool = False
) -> tuple[list[float], dict[str, object], tuple[int, float]]:
    """With `release`, the corpus is emptied here, so that the collection measured at the
    end sees the window alone, not the articles it was built from."""
    settings = DedupSettings(story_threshold=2.0) if not story else DedupSettings()
    articles = [article for article, _ in corpus]
    prints = [fingerprint for _, fingerprint in corpus]
    if release:
        corpus.clear()
    if not story:
        prints = [replace(p, terms={}) for p in prints]
    store: dict[str, object] = {}
    dedup = Deduplicator(settings, store)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    costs = []
    for index, (article, fingerprint) in enumerate(zip(articles, prints, strict=True)):
        began = time.perf_counter()
        dedup.decide(article, fingerprint, ingested_at=start + timedelta(seconds=index))
        if index >= count:
            costs.append((time.perf_counter() - began) * 1000)
    del articles, prints
    return costs, store, full_collection()


def _bytes_by_verdict(store: dict[str, object]) -> list[tuple[str, tuple[float, int]]]:
    """Mean bytes of an article's two stored entries (keys and JSON values) by its verdict:
    the mean over the window depends on how many copies a feed has, a unique article's own
    share does not."""
    sizes: dict[str, list[int]] = {}
    for key, entry in store.items():
        if not key.startswith("d:"):
            continue
        article_id = key[2:]
        window_entry = store.get(f"a:{article_id}")
        size = len(orjson.dumps({key: entry, f"a:{article_id}": window_entry})) - 2
        status = str(entry["status"]) if isinstance(entry, dict) else "?"
        sizes.setdefault(status, []).append(size)
    return [(v, (sum(b) / len(b), len(b))) for v, b in sorted(sizes.items())]


def full_collection() -> tuple[int, float]:
    """Objects the cyclic collector tracks, and the shortest of three full collections (ms)."""
    gc.collect()
    pauses = []
    for _ in range(3):
        began = time.perf_counter()
        gc.collect()
        pauses.append((time.perf_counter() - began) * 1000)
    return len(gc.get_objects()), min(pauses)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--probes", type=int, default=2_000)
    parser.add_argument("--corpus", choices=("synthetic", "news"), default="synthetic")
    args = parser.parse_args(argv)
    make = news_corpus if args.corpus == "news" else synthetic_corpus
    corpus = make(args.articles + args.probes)
    print(f"corpus: {args.corpus}")
    for story in (False, True):
        costs, store, (tracked, pause) = measure(corpus, args.articles, story, release=story)
        ordered = sorted(costs)
        label = "exact+near+story" if story else "exact+near      "
        print(
            f"{label} window={args.articles:,} median={statistics.median(costs):.4f} ms "
            f"p99={ordered[int(len(ordered) * 0.99)]:.4f} ms"
        )
        if story:
            size = len(orjson.dumps(store))
            entries = sum(1 for k in store if k.startswith("a:"))
            print(
                f"store bytes/article={size / entries:.0f} ({size:,} bytes, {entries:,} articles)"
            )
            print(
                "by verdict: "
                + ", ".join(f"{v} {b:.0f} B ({n:,})" for v, (b, n) in _bytes_by_verdict(store))
            )
            print(f"gc: {tracked:,} tracked objects, a full collection takes {pause:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
