"""Clustering scores: pairwise and BCubed precision/recall/F1 of predicted vs gold clusters."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def _groups(labels: dict[str, str]) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for item, label in labels.items():
        groups[label].add(item)
    return groups


def bcubed(predicted: dict[str, str], gold: dict[str, str]) -> Scores:
    pred_groups, gold_groups = _groups(predicted), _groups(gold)
    precision = recall = 0.0
    for item in predicted:
        shared = len(pred_groups[predicted[item]] & gold_groups[gold[item]])
        precision += shared / len(pred_groups[predicted[item]])
        recall += shared / len(gold_groups[gold[item]])
    count = len(predicted) or 1
    return Scores(precision / count, recall / count)


def pairwise(predicted: dict[str, str], gold: dict[str, str]) -> Scores:
    def pairs(groups: dict[str, set[str]]) -> set[tuple[str, str]]:
        result: set[tuple[str, str]] = set()
        for members in groups.values():
            ordered = sorted(members)
            result.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :])
        return result

    pred_pairs, gold_pairs = pairs(_groups(predicted)), pairs(_groups(gold))
    both = len(pred_pairs & gold_pairs)
    return Scores(
        both / len(pred_pairs) if pred_pairs else 1.0,
        both / len(gold_pairs) if gold_pairs else 1.0,
    )
