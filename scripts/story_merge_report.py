"""Where the story decision merges two events, and what telling them apart would be worth.

    .venv/bin/python scripts/story_merge_report.py [--data ../shared/data/ecbplus-dev.jsonl]
        [--shuffle SEED]

Runs the batch core over a labelled file (`syndic eval`'s run, file order or one shuffled
order) and prints, per topic, its stories and every story that holds articles of more than
one gold cluster. Then the BCubed scores if the mixed stories of one topic were split by their
gold clusters, the rest unchanged: an upper bound for any signal that separates that topic's
two events and nothing else; and the lowest such score for two topics cut together. Last,
for each mixed topic, the rare capitalised words (names: Zipf frequency under 4 in wordfreq's
English list) found in at least 80% of one cluster's articles, with the share of each
cluster's articles that hold them. A name that tells the events apart is in one cluster and
not the other; docs/quality.md ("Where the merges are") reads this output.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from wordfreq import zipf_frequency

from syndic.evaluation.metrics import bcubed
from syndic.evaluation.runner import gold_clusters, load_labelled, run
from syndic.settings import load_settings

_CAPITALISED = re.compile(r"\b[A-Z][a-z]{2,}\b")


def predicted_stories(records: list[dict[str, Any]]) -> dict[str, str]:
    gold = gold_clusters(records)
    outputs = run(records, load_settings(env={}))
    return {o["id"]: o["story_id"] for o in outputs if "dedup" in o and o["id"] in gold}


def split_by_gold(
    predicted: dict[str, str], gold: dict[str, str], topic_of: dict[str, str], topics: set[str]
) -> dict[str, str]:
    """The prediction with the stories of these topics cut along the gold clusters."""
    return {
        article: f"{story}|{gold[article]}" if topic_of[article] in topics else story
        for article, story in predicted.items()
    }


def mixed_topics(
    predicted: dict[str, str], gold: dict[str, str], topic_of: dict[str, str]
) -> dict[str, list[dict[str, int]]]:
    """Each topic's stories, as the count of each gold cluster's articles in each. A story
    belongs to the topic of its first article (the story id is that article's)."""
    composition: dict[str, Counter[str]] = defaultdict(Counter)
    story_topic: dict[str, str] = {}
    for article, story in predicted.items():
        composition[story][gold[article]] += 1
        story_topic.setdefault(story, topic_of[article])
    by_topic: dict[str, list[dict[str, int]]] = defaultdict(list)
    for story, clusters in composition.items():
        by_topic[story_topic[story]].append(dict(clusters))
    return by_topic


def shared_names(records: list[dict[str, Any]], clusters: list[str]) -> list[str]:
    """Names in >= 80% of one cluster's articles, with each cluster's share holding them."""
    names_of: dict[str, list[set[str]]] = defaultdict(list)
    for record in records:
        if record["cluster"] in clusters:
            text = f"{record.get('title') or ''}\n{record['text']}"
            names = {w for w in _CAPITALISED.findall(text) if zipf_frequency(w, "en") < 4.0}
            names_of[record["cluster"]].append(names)
    lines = []
    candidates = set().union(*(n for sets in names_of.values() for n in sets))
    for name in sorted(candidates):
        shares = {c: sum(name in s for s in names_of[c]) / len(names_of[c]) for c in clusters}
        if max(shares.values()) >= 0.8:
            held = ", ".join(
                f"{c} {sum(name in s for s in names_of[c])}/{len(names_of[c])}" for c in clusters
            )
            lines.append(f"    {name}: {held}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/ecbplus-dev.jsonl"))
    parser.add_argument("--shuffle", type=int, default=None, help="seed of one shuffled order")
    args = parser.parse_args()
    records = load_labelled(args.data)
    if args.shuffle is not None:
        random.Random(args.shuffle).shuffle(records)
    gold = gold_clusters(records)
    topic_of = {r["id"]: str(r.get("topic", r["cluster"])) for r in records if r["id"] in gold}
    predicted = predicted_stories(records)
    base = bcubed(predicted, gold)
    print(f"BCubed P {base.precision:.3f} R {base.recall:.3f} F1 {base.f1:.3f}")
    by_topic = mixed_topics(predicted, gold, topic_of)
    mixed = {t: [s for s in stories if len(s) > 1] for t, stories in by_topic.items()}
    mixed = {t: stories for t, stories in mixed.items() if stories}
    for topic in sorted(by_topic, key=lambda t: (len(t), t)):
        print(f"topic {topic}: {len(by_topic[topic])} stories; mixed: {mixed.get(topic, [])}")
    print("if one topic's mixed stories were split by gold cluster:")
    for topic in sorted(mixed, key=lambda t: (len(t), t)):
        score = bcubed(split_by_gold(predicted, gold, topic_of, {topic}), gold)
        print(f"  topic {topic}: P {score.precision:.3f} F1 {score.f1:.3f}")
    pairs = [
        (bcubed(split_by_gold(predicted, gold, topic_of, set(pair)), gold).f1, pair)
        for pair in itertools.combinations(sorted(mixed, key=lambda t: (len(t), t)), 2)
    ]
    if pairs:
        weakest, pair = min(pairs)
        print(f"  the weakest two together: topics {' and '.join(pair)}, F1 {weakest:.3f}")
    every = bcubed(split_by_gold(predicted, gold, topic_of, set(mixed)), gold)
    print(f"  all of them: P {every.precision:.3f} F1 {every.f1:.3f}")
    print("names in >= 80% of one cluster's articles, per mixed topic:")
    for topic in sorted(mixed, key=lambda t: (len(t), t)):
        clusters = sorted({c for stories in mixed[topic] for c in stories})
        print(f"  topic {topic}:")
        print("\n".join(shared_names(records, clusters)))


if __name__ == "__main__":
    main()
