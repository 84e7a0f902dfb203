"""Story features: the few most telling terms of an article, weighted with a static prior.

The prior is wordfreq's Zipf frequency, so rare words (names, places, specific nouns) weigh more
without fitting anything on the stream. Events are mostly told apart by who, where and how many
(two rehab stories, two title fights, two patches of one browser), so names and numbers count
double: a capitalised word that is not merely the first word of a sentence (or that is rare
anyway), and a number. Possessives and curly apostrophes fold onto the bare word, so "Korea's"
and "Korea" are one term.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

import xxhash
from wordfreq import zipf_frequency

TOP_TERMS = 40
NAME_WEIGHT = 2.0
NUMBER_WEIGHT = 2.0
_TOKEN = re.compile(r"[A-Za-z\u00C0-\u024F][\w']*|\d[\d.,]*\d|\d")
_SENTENCE = re.compile(r"(?<=[.!?\"\u201d])\s+|\n")
_MAX_ZIPF = 7.0
_COMMON_ZIPF = 3.5  # a sentence-initial capital counts as a name only when the word is rare


@lru_cache(maxsize=200_000)
def _zipf(word: str) -> float:
    return float(zipf_frequency(word, "en"))


@lru_cache(maxsize=200_000)
def _idf(word: str) -> float:
    return float(max(0.0, _MAX_ZIPF - _zipf(word)) ** 1.5)


@lru_cache(maxsize=200_000)
def _key(token: str) -> str:
    key = token.casefold()
    if key.endswith("'s"):
        key = key[:-2]
    return key.strip("'")


def _kind_weight(token: str, key: str, first: bool) -> float:
    if token[0].isdigit():
        return NUMBER_WEIGHT
    if token[0].isupper() and (not first or _zipf(key) < _COMMON_ZIPF):
        return NAME_WEIGHT
    return 1.0


def story_terms(text: str, top: int = TOP_TERMS) -> dict[int, float]:
    """Hashed term -> L2-normalised weight; hashing keeps the stored summary small and fixed.

    Tokens are counted in C (findall, a cached key per token, Counter); the Python loop runs
    once per distinct token, for its name/number bonus. A token seen anywhere but at a
    sentence start gets the more generous weight, as the rule for names wants."""
    counts: Counter[str] = Counter()
    inner: set[str] = set()
    initial: set[str] = set()
    for sentence in _SENTENCE.split(text.replace("\u2019", "'")):
        tokens = _TOKEN.findall(sentence)
        if tokens:
            initial.add(tokens[0])
            inner.update(tokens[1:])
            counts.update(map(_key, tokens))
    bonus: dict[str, float] = {}
    for token in inner | initial:
        if token[0].islower():
            continue  # neither a name nor a number: weight 1
        key = _key(token)
        weight = _kind_weight(token, key, token not in inner)
        if weight > bonus.get(key, 1.0):
            bonus[key] = weight
    log, idf, boost = math.log, _idf, bonus.get
    scored = {
        k: (1.0 + log(c)) * idf(k) * boost(k, 1.0)
        for k, c in counts.items()
        if len(k) >= 2 or k.isdigit()
    }
    best = sorted(scored.items(), key=lambda item: (-item[1], item[0]))[:top]
    norm = math.sqrt(sum(w * w for _, w in best)) or 1.0
    result: dict[int, float] = {}
    for term, weight in best:
        if weight > 0:
            h = xxhash.xxh32_intdigest(term.encode())
            result[h] = result.get(h, 0.0) + round(weight / norm, 3)
    return result


def cosine(left: dict[int, float], right: dict[int, float]) -> float:
    """Dot product of two unit vectors; the key intersection runs in C, and articles share
    few of their terms, so the Python loop is short."""
    return sum(left[t] * right[t] for t in left.keys() & right.keys())
