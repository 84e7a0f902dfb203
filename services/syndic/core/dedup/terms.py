"""Story features: the few most telling terms of an article, weighted with a static prior.

The prior is wordfreq's Zipf frequency, so rare words (names, places, specific nouns) weigh more
without fitting anything on the stream; capitalised words and numbers get a bonus because events
are mostly told by who, where and how many.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

import xxhash
from wordfreq import zipf_frequency

TOP_TERMS = 40
_TOKEN = re.compile(r"[A-Za-z\u00C0-\u024F][\w'\u2019-]*|\d[\d.,]*\d|\d")
_MAX_ZIPF = 7.0


@lru_cache(maxsize=200_000)
def _idf(word: str) -> float:
    return float(max(0.0, _MAX_ZIPF - zipf_frequency(word, "en")) ** 1.5)


def _bonus(token: str) -> float:
    if token[0].isdigit():
        return 1.5
    if token[0].isupper():
        return 1.5
    return 1.0


def story_terms(text: str, top: int = TOP_TERMS) -> dict[int, float]:
    """Hashed term -> L2-normalised weight; hashing keeps the stored summary small and fixed."""
    counts: Counter[str] = Counter()
    bonus: dict[str, float] = {}
    for token in _TOKEN.findall(text):
        key = token.casefold().strip("'\u2019-")
        if len(key) < 2 and not key.isdigit():
            continue
        counts[key] += 1
        bonus[key] = max(bonus.get(key, 1.0), _bonus(token))
    scored = {k: (1.0 + math.log(c)) * _idf(k) * bonus[k] for k, c in counts.items()}
    best = sorted(scored.items(), key=lambda item: (-item[1], item[0]))[:top]
    norm = math.sqrt(sum(w * w for _, w in best)) or 1.0
    result: dict[int, float] = {}
    for term, weight in best:
        if weight > 0:
            h = xxhash.xxh32_intdigest(term.encode())
            result[h] = result.get(h, 0.0) + round(weight / norm, 3)
    return result


def cosine(left: dict[int, float], right: dict[int, float]) -> float:
    if len(left) > len(right):
        left, right = right, left
    return sum(w * right.get(t, 0.0) for t, w in left.items())
