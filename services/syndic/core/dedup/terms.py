"""Story features: the few most telling terms of an article, weighted with a static prior.

The prior is wordfreq's Zipf frequency, so rare words (names, places, specific nouns) weigh more
without fitting anything on the stream. Events are mostly told apart by who, where and how many
(two rehab stories, two title fights, two patches of one browser), so names and numbers count
double: a capitalised word that is not merely the first word of a sentence (or that is rare
anyway), and a number. Possessives and curly apostrophes fold onto the bare word, so "Korea's"
and "Korea" are one term.

The prior is the article's own language's (the normalizer detects it), for the languages
wordfreq covers; others, and articles of unknown language, use English's. Chinese, Japanese and
Korean are split into words by wordfreq's own segmenters (`segment.py`).

Under English's prior every word of a German article reads as rare, so the words any German
article uses ("sagte", "wurde", "nach") weigh like names and unrelated articles share
their heaviest terms. In German every noun is capitalised, so there a capital marks a name only
for a rare word, as at a sentence start.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt
import xxhash

from syndic.core.dedup.segment import SEGMENTED_LANGUAGES, segmented_words
from syndic.core.dedup.shingle import hash_word
from syndic.core.dedup.wordtable import WordTable
from syndic.core.memo import BoundedMemo, track
from syndic.core.normalize.hygiene import form_of_chunk

TOP_TERMS = 40
NAME_WEIGHT = 2.0
NUMBER_WEIGHT = 2.0
# A word starts with a letter of any script (not a digit or "_"); a number is digits.
_TOKEN = re.compile(r"[^\W\d_][\w']*|\d[\d.,]*\d|\d")
# A sentence's first token: at a line's start or after closing punctuation and a space, past
# anything that cannot start a token; that is, in "\n" + text, after a newline or after closing
# punctuation and a space. Written to start with one character class, so that re's search
# skips to the candidates in C instead of trying the pattern at every character (the same
# matches as `(?:^|[.!?"\u201d]\s)[\W_]*?(TOKEN)` with re.MULTILINE on the text: 2-3x faster).
_FIRST_TOKEN = re.compile(r"[.!?\"\u201d\n](?:(?<=\n)|\s)[\W_]*?(" + _TOKEN.pattern + ")")
_MAX_ZIPF = 7.0
_COMMON_ZIPF = 3.5  # a sentence-initial capital counts as a name only when the word is rare
# wordfreq's languages; Chinese, Japanese and Korean are split into words by its segmenters
_PRIOR_LANGUAGES = (
    frozenset(
        "ar bg bn ca cs da de el en es fa fi fil fr he hi hu id is it lt lv mk ms nb nl pl pt ro "  # noqa: SIM905
        "ru sh sk sl sv ta tr uk ur vi".split()
    )
    | SEGMENTED_LANGUAGES
)
_NOUNS_CAPITALISED = frozenset({"de"})
# The memos' bounds. A worker meets new names all the time, so its memos fill up to their
# bounds and stay there, and the bounds are what memory they may take. At 200,000 and
# 100,000 keys these memos took ~78 MB full (one-off, made-up words), and a live worker's were
# still filling after 200,000 articles (BENCHMARKS.md, memory). A miss costs 0.3 µs
# (`_key`, `_term_hash`) to 2 µs (a Zipf value from the table), and the prepare stage took
# the same time over 30,000 articles with these bounds (one-off, 0.765-0.779 ms per article
# both ways): the chunk table and the vocabulary's weight array answer most lookups first.
_WORD_MEMO = 50_000
_CHEAP_MEMO = 20_000


class _Prior:
    """One language's word frequencies and the weights drawn from them, cached."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.segmented = language in SEGMENTED_LANGUAGES
        self.zipf: BoundedMemo[str, float] = BoundedMemo(self._zipf_of, maxsize=_WORD_MEMO)
        self.weight: BoundedMemo[str, float] = BoundedMemo(self._weight_of, maxsize=_WORD_MEMO)
        self.bonus: BoundedMemo[str, tuple[str, float, float]] = BoundedMemo(
            self._bonus_of, maxsize=_WORD_MEMO
        )
        self.capital_is_name = language not in _NOUNS_CAPITALISED
        self._table: WordTable | None = None  # loaded on the first key not yet weighed
        self._by_number = np.zeros(0, dtype=np.float64)  # NaN: not computed yet
        self._generation = -1

    def weights_of(self, numbers: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """The weights of the keys of these vocabulary numbers (ascending), from an array:
        one gather per article, and a Python call only for keys this prior has not met."""
        if self._generation != _vocabulary.generation:
            self._by_number = np.full(1024, np.nan)
            self._generation = _vocabulary.generation
        if numbers[-1] >= self._by_number.size:
            grown = np.full(max(2 * self._by_number.size, int(numbers[-1]) + 1), np.nan)
            grown[: self._by_number.size] = self._by_number
            self._by_number = grown
        found = self._by_number[numbers]
        for index in np.isnan(found).nonzero()[0].tolist():
            number = int(numbers[index])
            found[index] = self._by_number[number] = self._weight_of(_vocabulary.keys[number])
        return found

    def _zipf_of(self, word: str) -> float:
        """`zipf_frequency(word, language)`, from the language's compact table
        (`wordtable`), not from the dict wordfreq would keep for it."""
        return self.table().zipf(word)

    def table(self) -> WordTable:
        if self._table is None:
            self._table = WordTable(self.language, short_way=not self.segmented)
        return self._table

    def _weight_of(self, key: str) -> float:
        """The IDF-like weight of a term, or 0 for a key that is no term (a one-letter word;
        in Chinese, Japanese and Korean, punctuation): a weight of 0 never reaches the result,
        so no key needs filtering out before the weights are computed."""
        kept = key[0].isalnum() if self.segmented else len(key) >= 2 or key.isdigit()
        return float(max(0.0, _MAX_ZIPF - self.zipf[key]) ** 1.5) if kept else 0.0

    def _bonus_of(self, token: str) -> tuple[str, float, float]:
        """A capitalised or numeric token's key, and its bonus elsewhere and as the first
        token of every sentence it is in: both depend on the token and the prior alone."""
        key = _key[token]
        return key, _kind_weight(token, key, False, self), _kind_weight(token, key, True, self)


_PRIORS: dict[str, _Prior] = {}


def loaded_priors() -> list[str]:
    """The languages whose frequency table this process has loaded (a few MB each, once)."""
    return sorted(code for code, prior in _PRIORS.items() if prior._table is not None)


def warm_up(language: str = "en") -> None:
    """Load a language's frequency table now (English's: the prior of every article whose
    language is unknown too). Loaded on the first article instead, it held that article's
    batch ~0.16 s here, inside the first batch's latency and the benchmark's window."""
    _prior(language).table()


def _prior(language: str | None) -> _Prior:
    code = language if language in _PRIOR_LANGUAGES else "en"
    prior = _PRIORS.get(code)
    if prior is None:
        prior = _PRIORS[code] = _Prior(code)
    return prior


def _key_of(token: str) -> str:
    key = token.casefold()
    if key.endswith("'s"):
        key = key[:-2]
    return key.strip("'")


_key: BoundedMemo[str, str] = BoundedMemo(_key_of, maxsize=_CHEAP_MEMO)


_GENERATIONS = itertools.count()


class _Vocabulary:
    """Every key met, numbered: an article's keys are then counted by sorting small ints in
    numpy rather than by a Counter of strings, and weighed by a gather from each prior's array
    (`_Prior.weights_of`). Bounded like the memos: once full, it starts again before the next
    article, with the chunk memo, whose entries hold its numbers. No result depends on the
    numbers themselves: ties between terms are broken by the terms."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.numbers: dict[str, int] = {}
        self.keys: list[str] = []
        self.generation = next(_GENERATIONS)  # unique to every start, of any vocabulary
        self.turnovers = 0
        track(self)

    def __len__(self) -> int:
        return len(self.keys)

    def number(self, key: str) -> int:
        number = self.numbers.get(key)
        if number is None:
            number = self.numbers[key] = len(self.keys)
            self.keys.append(key)
        return number

    def make_room(self) -> None:
        if len(self.keys) >= self.maxsize:
            self.turnovers += 1
            self.numbers.clear()
            self.keys.clear()
            _chunks.restart()
            self.generation = next(_GENERATIONS)


_vocabulary = _Vocabulary(maxsize=200_000)


def _kind_weight(token: str, key: str, first: bool, prior: _Prior) -> float:
    if token[0].isdigit():
        return NUMBER_WEIGHT
    if token[0].isupper() and (
        (not first and prior.capital_is_name) or prior.zipf[key] < _COMMON_ZIPF
    ):
        return NAME_WEIGHT
    return 1.0


def story_terms(text: str, language: str | None = "en", top: int = TOP_TERMS) -> dict[int, float]:
    """The story terms of a text (`story_terms_of`, its chunks looked up here)."""
    return story_terms_of(text, None, language, top)


def story_terms_of(
    text: str,
    rows: npt.NDArray[np.intp] | None,
    language: str | None = "en",
    top: int = TOP_TERMS,
) -> dict[int, float]:
    """Hashed term -> L2-normalised weight; hashing keeps the stored summary small and fixed.

    `rows` are the text's `chunk_ids`, when the caller has them already (the fingerprint
    does: they give its shingles too); Chinese, Japanese and Korean ignore them.

    Written for speed, since it runs on every article: tokens come folded from memoised chunks
    as vocabulary numbers, which numpy counts and weighs, and Python loops only over the
    distinct capitalised or numeric tokens (for the name/number bonus) and the `top` terms
    kept. A token seen anywhere but at a sentence start gets the more generous weight, as the
    rule for names wants.

    Every counted key gets a weight; keys that are no terms weigh 0 (`_Prior._weight_of`), and
    a term of weight 0 is never kept, so the result is that of weighting the terms alone."""
    prior = _prior(language)
    if prior.segmented:
        weighed = _segmented_weights(text, prior)
    else:
        weighed = _spaced_weights(text, chunk_ids(text) if rows is None else rows, prior)
    if weighed is None:
        return {}
    best = _top(*weighed, top)
    norm = math.sqrt(sum(w * w for _, w in best)) or 1.0
    result: dict[int, float] = {}
    for term, weight in best:
        if weight > 0:
            h = _term_hash[term]
            result[h] = result.get(h, 0.0) + round(weight / norm, 3)
    return result


def _hash_term(term: str) -> int:
    return xxhash.xxh32_intdigest(term.encode())


_term_hash: BoundedMemo[str, int] = BoundedMemo(_hash_term, maxsize=_CHEAP_MEMO)


# the keys (by index) and their weights
_Weighed = tuple[Callable[[int], str], npt.NDArray[np.float64]]


def _spaced_weights(text: str, rows: npt.NDArray[np.intp], prior: _Prior) -> _Weighed | None:
    """The weights of the keys, for scripts that put spaces between words: keys counted as
    vocabulary numbers, then weighed by the count, the prior and the name or number bonus."""
    numbers = _chunks.terms.gather(rows)
    if numbers.size == 0:
        return None
    distinct, counts = _distinct_counts(numbers)
    weights = _tf_weights(counts)
    weights *= prior.weights_of(distinct)
    marked = _chunks.marked_tokens(rows)
    bonus = _name_and_number_bonus(text, marked, prior) if marked else {}
    if bonus:
        factors = np.empty(distinct.size)
        factors.fill(1.0)
        bonused = np.fromiter(map(_vocabulary.numbers.__getitem__, bonus), np.int64, len(bonus))
        factors[distinct.searchsorted(bonused)] = list(bonus.values())
        weights *= factors
    numbers_of: list[int] = distinct.tolist()
    keys = _vocabulary.keys

    def key_at(index: int) -> str:  # only the few terms `_top` looks at are named
        return keys[numbers_of[index]]

    return key_at, weights


def _distinct_counts(
    numbers: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The distinct numbers, ascending, and how often each occurs: a sort and the starts of
    its runs (numpy 2's `unique` goes through a hash table first, several times slower here)."""
    numbers.sort()
    starts = np.concatenate(([True], numbers[1:] != numbers[:-1])).nonzero()[0]
    bounds = np.concatenate((starts, [numbers.size]))
    counts = bounds[1:] - bounds[:-1]
    return numbers[starts], counts


def chunk_ids(text: str) -> npt.NDArray[np.intp]:
    """The rows of the text's whitespace-separated chunks in the chunk table, one memo lookup
    each (`_ChunkTable`). Rows stay valid until the next call for another text: both tables
    make room here.

    The last text's rows are kept: the normalizer looks up the clean text's chunks for its
    fingerprint form (`chunk_form`), and the fingerprint then asks for the same text object's
    rows, so each article's chunks are looked up once, not once per stage."""
    last = _chunks.last
    if last is not None and last[0] is text:
        return last[1]
    _vocabulary.make_room()
    _chunks.make_room()
    rows = _chunks.rows_of(text)
    _chunks.last = (text, rows)
    return rows


def chunk_form(rows: npt.NDArray[np.intp]) -> str:
    """`hygiene.fingerprint_form` of the text of these rows: its chunks' forms, joined."""
    return " ".join(_chunks.forms.nonempty(rows))


def chunk_rows_of(text: str) -> npt.NDArray[np.intp]:
    """The rows of more text of the article `chunk_ids` was last asked for (its title): no
    room is made, so that the rows already given stay valid."""
    return _chunks.rows_of(text)


def chunk_word_hashes(rows: npt.NDArray[np.intp]) -> npt.NDArray[np.uint64]:
    """The hashes of these chunks' fingerprint form words (`shingle.hash_word`), in order."""
    hashes: npt.NDArray[np.uint64] = _chunks.word_hashes.gather(rows)
    return hashes


class _Ragged:
    """Rows of numbers of any length in one flat array, so that the rows of a whole article
    come out with a few numpy calls (`gather`) instead of one Python step per number. Rows
    added since the last `gather` wait in Python lists and go into the arrays together: one
    slice assignment for all of an article's new chunks, not one each (~0.7 µs)."""

    def __init__(self, dtype: type[np.integer[Any]]) -> None:
        self.flat = np.zeros(4096, dtype=dtype)
        self.used = 0
        self.start = np.zeros(1024, dtype=np.intp)
        self.length = np.zeros(1024, dtype=np.intp)
        self.rows = 0
        self._values: list[int] = []
        self._lengths: list[int] = []

    def append(self, values: Sequence[int]) -> None:
        self._values.extend(values)
        self._lengths.append(len(values))

    def _flush(self) -> None:
        count, added = len(self._values), len(self._lengths)
        if self.used + count > self.flat.size:
            self.flat = _grown(self.flat, self.used + count)
        if self.rows + added > self.start.size:
            self.start = _grown(self.start, self.rows + added)
            self.length = _grown(self.length, self.rows + added)
        self.flat[self.used : self.used + count] = self._values
        lengths = np.array(self._lengths, dtype=np.intp)
        ends = lengths.cumsum()
        self.start[self.rows : self.rows + added] = ends - lengths + self.used
        self.length[self.rows : self.rows + added] = lengths
        self.used += count
        self.rows += added
        self._values.clear()
        self._lengths.clear()

    def gather(self, rows: npt.NDArray[np.intp]) -> Any:
        """The rows' numbers one after the other: each row's start, repeated once per number
        and shifted by the numbers' places in the result."""
        if self._lengths:
            self._flush()
        lengths = self.length[rows]
        ends = lengths.cumsum()
        total = int(ends[-1]) if ends.size else 0
        places = (self.start[rows] - ends + lengths).repeat(lengths)
        places += np.arange(total, dtype=np.intp)
        return self.flat[places]


def _grown(array: Any, needed: int) -> Any:
    grown = np.zeros(max(2 * array.size, needed), dtype=array.dtype)
    grown[: array.size] = array
    return grown


class _Objects:
    """One object per row (a form, a tuple of tokens) in an object array, with whether it is
    empty: most chunks have no marked token and a few no form, so an article's non-empty
    ones come out in one gather, in C."""

    def __init__(self) -> None:
        self.objects = np.zeros(1024, dtype=object)
        self.present = np.zeros(1024, dtype=bool)

    def append(self, row: int, value: Any) -> None:
        if row == self.objects.size:
            self.objects = _grown(self.objects, row + 1)
            self.present = _grown(self.present, row + 1)
        self.objects[row] = value
        self.present[row] = bool(value)

    def nonempty(self, rows: npt.NDArray[np.intp]) -> list[Any]:
        """The rows' non-empty objects, in order."""
        kept: list[Any] = self.objects[rows[self.present[rows]]].tolist()
        return kept


class _Rows(dict[str, int]):
    """Chunk -> its row in the table, adding the row on a miss (answered from C on a hit)."""

    def __init__(self, add: Callable[[str], int]) -> None:
        super().__init__()
        self.add = add

    def __missing__(self, chunk: str) -> int:
        row = self[chunk] = self.add(chunk)
        return row


class _ChunkTable:
    """The fingerprint's three features of every whitespace chunk met, one row per chunk:
    its term keys (vocabulary numbers), its tokens that can earn a bonus, and the hashes of its
    fingerprint form's words (`shingle.hash_word`).

    No token spans whitespace and the token pattern looks at nothing around a token, so a
    text's tokens are its chunks' tokens one after the other (the same holds for the
    fingerprint form's words, hygiene.fingerprint_form); news reuses its chunks, so each is
    tokenized once, not once per article. Each lookup in a memo the size of a worker's
    vocabulary costs a few cache misses (~0.3 µs here), so one lookup per chunk gives all
    three, and the numbers sit in flat arrays, so that an article's come out in a few numpy
    calls. Bounded: once `maxsize` chunks are in, it starts again before the next article
    (as it must when the vocabulary does: its rows hold the vocabulary's numbers). A row
    costs ~140 B besides its key, against ~250 B for a dict of tuples (tracemalloc), so the
    table holds 131,072 chunks in about a third more memory than the dict held 65,536; on
    generated news the dict, dropping its older half when full, computed ~16 chunks per
    article again at ~7 µs each, and this table 3-8 until it fills (after ~20,000 articles)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.turnovers = 0
        self.clear()
        track(self)

    def clear(self) -> None:
        self.rows = _Rows(self._add)
        self.terms = _Ragged(np.int64)
        self.word_hashes = _Ragged(np.uint64)
        self.marked = _Objects()
        self.forms = _Objects()
        self.last: tuple[str, npt.NDArray[np.intp]] | None = None

    def rows_of(self, text: str) -> npt.NDArray[np.intp]:
        chunks = text.split()
        return np.fromiter(map(self.rows.__getitem__, chunks), np.intp, len(chunks))

    def __len__(self) -> int:
        return len(self.rows)

    def make_room(self) -> None:
        if len(self) >= self.maxsize:
            self.restart()

    def restart(self) -> None:
        self.turnovers += 1
        self.clear()

    def marked_tokens(self, rows: npt.NDArray[np.intp]) -> Counter[str]:
        """How often each capitalised or numeric token occurs in these chunks (most chunks
        have none: only the rows that do are visited)."""
        return Counter(chain.from_iterable(self.marked.nonempty(rows)))

    def _add(self, chunk: str) -> int:
        tokens = _TOKEN.findall(chunk.replace("\u2019", "'"))
        marked = tuple([token for token in tokens if token[0].isupper() or token[0].isdigit()])
        row = len(self.rows)  # the chunk is added to `rows` once this returns
        self.marked.append(row, marked)
        self.terms.append([_vocabulary.number(_key[token]) for token in tokens])
        form = form_of_chunk(chunk)  # a chunk of `str.split()` holds no whitespace
        self.forms.append(row, form)
        self.word_hashes.append(list(map(hash_word, form.split())))
        return row


_chunks = _ChunkTable(maxsize=131_072)


# Word segmentation costs ~1.7 µs a character with jieba, ~0.9 with MeCab: a Chinese text at
# the normalizer's limit (500,000 characters) held its worker for ~0.95 s, ~0.12 s with this
# bound. A story is told in its first pages, and this many characters are several times a long
# news article in these scripts.
SEGMENTED_CHARS = 20_000


def _segmented_weights(text: str, prior: _Prior) -> _Weighed | None:
    """The same for Chinese, Japanese and Korean: one character can be a word, and with no
    capitals only numbers earn a bonus. Only the first `SEGMENTED_CHARS` characters count."""
    counts = Counter(segmented_words(text[:SEGMENTED_CHARS], prior.language))
    if not counts:
        return None
    keys = list(counts)
    weights = _tf_weights(np.fromiter(counts.values(), np.int64, len(keys)))
    weights *= np.fromiter(map(prior.weight.__getitem__, keys), np.float64, len(keys))
    bonus = {k: NUMBER_WEIGHT for k in counts if k[0].isdigit()}
    if bonus:
        weights *= np.fromiter(map(bonus.get, keys, repeat(1.0)), np.float64, len(keys))
    return keys.__getitem__, weights


_ONE_PLUS_LOG = np.array([0.0] + [1.0 + math.log(c) for c in range(1, 1024)])


def _tf_weights(counts: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """1 + log(tf), from a table (the same floats as math.log) for all but huge counts."""
    weights: npt.NDArray[np.float64] = _ONE_PLUS_LOG[np.minimum(counts, 1023)]
    for index in (counts >= 1024).nonzero()[0]:
        weights[index] = 1.0 + math.log(int(counts[index]))
    return weights


def _name_and_number_bonus(text: str, marked: Counter[str], prior: _Prior) -> dict[str, float]:
    """Key -> bonus for the keys of capitalised and numeric tokens (the rest weigh 1).

    `marked` counts the capitalised and numeric tokens (a token whose first character is
    neither upper case nor a digit weighs 1 anyway). Sentence starts are found only when a
    token's bonus depends on them (never under German's prior, where only rarity counts)."""
    initial: Counter[str] | None = None
    bonus: dict[str, float] = {}
    for token, count in marked.items():
        key, weight, first_weight = prior.bonus[token]
        if weight != first_weight:
            if initial is None:
                initial = Counter(_FIRST_TOKEN.findall("\n" + text.replace("\u2019", "'")))
            if count == initial.get(token, 0):
                weight = first_weight
        if weight > bonus.get(key, 1.0):
            bonus[key] = weight
    return bonus


def _top(
    key_at: Callable[[int], str], weights: npt.NDArray[np.float64], top: int
) -> list[tuple[str, float]]:
    """The `top` heaviest terms, ties broken by the term: the same as sorting them all.

    Only the chosen weights become Python floats, and the order (weight descending, then term)
    comes from two sorts with C key functions: by term, then by weight reversed, which is
    stable, so equal weights keep their terms' order."""
    if weights.size <= top:
        chosen = list(range(weights.size))
        values = weights.tolist()
    else:
        ranked = weights.copy()
        ranked.partition(weights.size - top)
        cut = ranked[weights.size - top]
        picked = (weights >= cut).nonzero()[0]
        chosen = picked.tolist()
        values = weights[picked].tolist()
    pairs = list(zip(map(key_at, chosen), values, strict=True))
    pairs.sort(key=itemgetter(0))
    pairs.sort(key=itemgetter(1), reverse=True)
    return pairs[:top]


def cosine(left: dict[int, float], right: dict[int, float]) -> float:
    """Dot product of two unit vectors; the key intersection runs in C, and articles share
    few of their terms, so the Python loop is short."""
    return sum(left[t] * right[t] for t in left.keys() & right.keys())
