"""Instructions per article of the prepare stage, counted by valgrind's callgrind.

Seconds on a shared machine vary by up to a third between runs minutes apart; instruction
counts do not vary with the machine's load, so they settle a change to the per-article code
that timings cannot. The count is the difference between a run that prepares the articles
three more times and one that prepares them once more, after a first warm-up pass: start-up,
imports and generation cancel out.

    python -m syndic.benchmarks.instructions                  # Preparer.prepare, warm
    python -m syndic.benchmarks.instructions --what fingerprint
    python -m syndic.benchmarks.instructions --what decide --articles 1000
    python -m syndic.benchmarks.instructions --what prepare-fresh

`prepare-fresh` prepares articles never seen before in every pass, as a live worker does: the
chunk table and the word memos meet new chunks and words (each pass is the next `--articles`
of one generated stream, generated before the count starts). Plain `prepare` repeats the same
articles, so after the warm-up every chunk is found: the cost of the hits alone.

`decide` runs the sequential stage: each pass decodes the prepared articles' records, as the
decide agent gets them from the sequencing topic, and decides them in order with a new
decider, so its window grows from empty to `--articles`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import orjson

_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


_MAX_PASSES = 3


def run_passes(what: str, articles: int, passes: int) -> None:
    """The measured work: one warm-up pass, then `passes` more over the same articles (new
    ones for `prepare-fresh`)."""
    from syndic.batch import build_decider, build_preparer
    from syndic.benchmarks.articles import generate_articles
    from syndic.core.pipeline import Prepared
    from syndic.settings import Settings

    preparer = build_preparer(Settings())
    at = datetime(2026, 1, 1, tzinfo=UTC)
    if what == "prepare-fresh":
        # as many generated in every run, so that only the passes differ between two counts
        stream = generate_articles(articles * (1 + _MAX_PASSES))
        fresh = [preparer.parse(article.value()) for article in stream]
        for done in range(1 + min(passes, _MAX_PASSES)):
            for raw in fresh[done * articles : (done + 1) * articles]:
                preparer.prepare(raw, ingested_at=at)
        return
    raws = [preparer.parse(article.value()) for article in generate_articles(articles)]
    normalized = [preparer.normalizer.normalize(raw, None) for raw in raws]
    records = [
        orjson.dumps(preparer.prepare(raw, ingested_at=at).to_dict())
        for raw in (raws if what == "decide" else [])
    ]
    for _ in range(1 + passes):
        if what == "decide":
            decider = build_decider(Settings())
            for sequence, record in enumerate(records):
                decider.decide(Prepared.from_dict(orjson.loads(record)), sequence=sequence)
        elif what == "prepare":
            for raw in raws:
                preparer.prepare(raw, ingested_at=at)
        else:
            for article in normalized:
                preparer.fingerprinter.compute(article)


def count(what: str, articles: int, passes: int) -> int:
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    command = [
        valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, "-m", "syndic.benchmarks.instructions", "--inner",
        "--what", what, "--articles", str(articles), "--passes", str(passes),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": hash_seed()}
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    found = _COLLECTED.search(done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def hash_seed() -> str:
    """The string-hash seed of both counted runs: the one given in PYTHONHASHSEED, else 0.

    The count is the difference of two runs. With a random seed in each, their dicts and sets
    probe and order differently: a change that added ~2,000 instructions per prepared article
    (both sides counted with seed 0) read as +77,000 (1.7%) when both sides were counted with
    random seeds. Compare only counts taken with the same seed (printed with them)."""
    given = os.environ.get("PYTHONHASHSEED", "")
    return given if given and given != "random" else "0"


def measure(what: str, articles: int) -> dict[str, Any]:
    once, thrice = count(what, articles, 1), count(what, articles, _MAX_PASSES)
    return {
        "what": what,
        "articles": articles,
        "instructions_per_article": (thrice - once) // ((_MAX_PASSES - 1) * articles),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--what", choices=("prepare", "prepare-fresh", "fingerprint", "decide"), default="prepare"
    )
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--passes", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner:
        run_passes(args.what, args.articles, args.passes)
        return
    result = measure(args.what, args.articles)
    how = {"decide": "window growing from empty", "prepare-fresh": "articles not seen before"}.get(
        args.what, "warm"
    )
    print(
        f"{result['what']}: {result['instructions_per_article']:,} instructions per article "
        f"({how}, {result['articles']:,} generated articles, callgrind, hash seed "
        f"{hash_seed()})"
    )


if __name__ == "__main__":
    main()
