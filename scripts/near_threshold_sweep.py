"""How the near tier's resemblance threshold trades recall on heavier edits against precision.

    .venv/bin/python scripts/near_threshold_sweep.py [--thresholds 0.6,0.55,0.5,0.45,0.4]
        [--seed 0] [--data ../shared/data/ecbplus-dev.jsonl]
    .venv/bin/python scripts/near_threshold_sweep.py --lede-words 30,20,15,12

`syndic eval`'s near-duplicate run (`evaluation.runner.evaluate_near_duplicates`) over the
five default kinds of copy and five heavier edits that only this probe makes: 5, 8 and 12% of
the words replaced by words drawn from wordfreq's 5,000 most frequent English words, and 6
and 10% of the words replaced, dropped or followed by an inserted word (a third each). Prints
precision, recall and recall per kind at each threshold; then how many real articles of the
set the core flags exact or near (and how many of those across gold clusters), and with
`--bench-articles N` how many originals of the benchmark's generated articles it flags and
how many of their copies it misses. Last, with `--seeds DIR`, the estimated resemblance of
every pair of the plain-text articles in DIR (different write-ups of one event: what sets
how low the threshold may go; docs/quality.md, "A copy with more of its words changed").

With `--lede-words`, the same report at the default threshold for each length of the lede
(`fingerprint.LEDE_WORDS`, patched for the run), over the five default kinds and the six of
`syndic eval --more-copies` (docs/quality.md, "A shorter lede").
"""

from __future__ import annotations

import argparse
import itertools
import random
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wordfreq import top_n_list

from syndic.batch import build_preparer, dedup_lines
from syndic.benchmarks.articles import Article, generate_articles
from syndic.core.dedup import fingerprint
from syndic.core.dedup.shingle import resemblance
from syndic.evaluation import copies, runner
from syndic.evaluation.copies import KINDS, MORE_KINDS
from syndic.settings import Settings, load_settings

Edit = Callable[[str, random.Random], str]
_VOCABULARY = top_n_list("en", 5000)[100:]  # past the function words


def replaced(rate: float) -> Edit:
    def edit(text: str, rng: random.Random) -> str:
        words = text.split(" ")
        return " ".join(rng.choice(_VOCABULARY) if rng.random() < rate else w for w in words)

    return edit


def mixed(rate: float) -> Edit:
    def edit(text: str, rng: random.Random) -> str:
        out: list[str] = []
        for word in text.split(" "):
            draw = rng.random()
            if draw < rate / 3:
                continue  # dropped
            out.append(rng.choice(_VOCABULARY) if draw < 2 * rate / 3 else word)
            if 2 * rate / 3 <= draw < rate:
                out.append(rng.choice(_VOCABULARY))  # one inserted after it
        return " ".join(out)

    return edit


HEAVIER = {
    "replaced5": replaced(0.05),
    "replaced8": replaced(0.08),
    "replaced12": replaced(0.12),
    "mixed6": mixed(0.06),
    "mixed10": mixed(0.10),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--thresholds", default="0.6,0.55,0.5,0.45,0.4")
    parser.add_argument("--lede-words", default="", help="e.g. 30,20,15,12: sweep the lede instead")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/ecbplus-dev.jsonl"))
    parser.add_argument("--bench-articles", type=int, default=0)
    parser.add_argument("--seeds", type=Path, default=None)
    args = parser.parse_args()
    records = runner.load_labelled(args.data)
    generated = generate_articles(args.bench_articles) if args.bench_articles else []
    if args.lede_words:
        for words in (int(w) for w in args.lede_words.split(",")):
            # a probe, so the constant is patched: the lede is no setting (every prepare
            # worker and the stored window must agree on it)
            fingerprint.LEDE_WORDS = words
            settings = load_settings(env={})
            report_on(
                f"lede {words} words", settings, (*KINDS, *MORE_KINDS), args, records, generated
            )
    else:
        copies._TRANSFORMS.update(HEAVIER)  # this run's extra kinds, beside the generator's own
        for threshold in (float(t) for t in args.thresholds.split(",")):
            settings = load_settings(overrides={"near_resemblance": threshold}, env={})
            label = f"near_resemblance {threshold}"
            report_on(label, settings, (*KINDS, *HEAVIER), args, records, generated)
    if args.seeds is not None:
        print_seed_resemblances(args.seeds)


def report_on(
    label: str,
    settings: Settings,
    kinds: tuple[str, ...],
    args: argparse.Namespace,
    records: list[dict[str, Any]],
    generated: list[Article],
) -> None:
    """Precision and recall per kind of copy, then what the core flags among real articles
    and among the generated originals."""
    report = runner.evaluate_near_duplicates(args.data, settings, args.seed, kinds=kinds)
    by_kind = " ".join(f"{k} {report.recall_by_kind[k]:.3f}" for k in kinds)
    print(
        f"{label}: P {report.precision:.4f} R {report.recall:.4f} "
        f"(false positives {report.false_positives}) | {by_kind}",
        flush=True,
    )
    gold = runner.gold_clusters(records)
    flagged = [
        (out["id"], out["dedup"]["duplicate_of"])
        for out in runner.run(records, settings, undated=True)
        if out["dedup"]["status"] != "unique"
    ]
    across = sum(gold.get(a) != gold.get(b) for a, b in flagged)
    line = f"  real articles flagged {len(flagged)}, across gold clusters {across}"
    if generated:
        kind = {a.id: a.kind for a in generated}
        outs = list(dedup_lines((a.value() for a in generated), settings))
        wrong = sum(kind[o["id"]] == "original" and o["dedup"]["status"] != "unique" for o in outs)
        missed = sum(kind[o["id"]] != "original" and o["dedup"]["status"] == "unique" for o in outs)
        line += f"; generated originals flagged {wrong}, copies missed {missed}"
    print(line, flush=True)


def print_seed_resemblances(folder: Path) -> None:
    preparer = build_preparer(load_settings(env={}))
    signatures = {}
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        raw = {"id": path.stem, "source": path.stem, "text": path.read_text(errors="replace")}
        prepared = preparer.prepare(raw, ingested_at=datetime.now(UTC))
        signatures[path.stem] = prepared.fingerprint.signature
    for left, right in itertools.combinations(signatures, 2):
        estimate = resemblance(signatures[left], signatures[right])
        print(f"  {left} ~ {right}: resemblance {estimate:.3f}")


if __name__ == "__main__":
    main()
