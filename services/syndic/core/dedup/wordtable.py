"""A language's word frequencies from wordfreq's own data, in about 10 bytes a word.

wordfreq keeps a language it is asked about as a dict of every word of its list, with the
list of frequency buckets the dict was made from cached beside it: 35 MB of a process's
memory for English's 321,180 words, 65 MB for German's 634,502 and 120 MB for Russian's
713,447 (RSS, one-off measurement). A worker loads the list of every language it meets, so
the first article in a new language, or one the detector misreads, made its memory jump by
that much for good. Here each word is a 63-bit hash in a sorted array, with its bucket
beside it (3.2 MB for English), and `WordTable.zipf` does what `wordfreq.zipf_frequency`
does on top of it (tokenize, fold digits, combine the tokens, round), so that it gives the
same float: tests/unit/test_word_table.py compares the two.
"""

from __future__ import annotations

import math
import unicodedata
from itertools import chain

import langcodes
import numpy as np
import numpy.typing as npt
import regex
import xxhash
from wordfreq import INFERRED_SPACE_FACTOR, available_languages, cB_to_freq, read_cBpack
from wordfreq.language_info import get_language_info
from wordfreq.numbers import digit_freq, smash_numbers
from wordfreq.tokens import SPACELESS_EXPR, lossy_tokenize

from syndic.core.dedup.segment import install_cacheless_jieba

# wordfreq's floor for zipf_frequency's default minimum of 0 Zipf: `zipf_to_freq(0.0)`
LEAST_FREQUENCY = 1e-9
# Letters wordfreq's tokenizer keeps together only within their own script (Han, kana, Thai...):
# a word that holds one of them may be split, so it never takes the short way (`WordTable.zipf`)
_SPACELESS = regex.compile(f"[{SPACELESS_EXPR}]")
_ALPHABET_WORDS = 50_000


def _hash(word: str) -> int:
    """63 bits of xxh3: a Python int at or above 2**63 makes numpy's `searchsorted` convert
    through objects, ~50 µs a lookup against ~0.6."""
    return xxhash.xxh3_64_intdigest(word.encode()) >> 1


class WordTable:
    """One language's list: `frequency` is `get_frequency_dict(language)[word]` (0.0 when the
    word is not in it), and `zipf` is `zipf_frequency(word, language)`."""

    def __init__(self, language: str, short_way: bool = True) -> None:
        self.language = language
        self._jieba = get_language_info(language)["tokenizer"] == "jieba"
        if self._jieba:  # its tokenizer segments with jieba, which would write a cache file
            install_cacheless_jieba()
        buckets = read_cBpack(_list_path(language))
        self._frequencies = np.array([cB_to_freq(-index) for index in range(len(buckets))])
        self._hashes, self._buckets, self._shared = _indexed(buckets)
        # the letters of the list's most frequent words: a word of them alone is in the form
        # the tokenizer would leave it in (`zipf`); none when the language's words need a
        # segmenter to be found at all
        self.letters = _letters_of(buckets) if short_way else frozenset()

    @property
    def nbytes(self) -> int:
        return self._hashes.nbytes + self._buckets.nbytes + self._frequencies.nbytes

    def frequency(self, word: str) -> float:
        shared = self._shared.get(word)
        if shared is not None:
            return shared
        key = _hash(word)
        place = int(self._hashes.searchsorted(key))
        if place < self._hashes.size and int(self._hashes[place]) == key:
            return float(self._frequencies[self._buckets[place]])
        return 0.0

    def zipf(self, word: str) -> float:
        """A word of letters that all occur in the list's own words is read from the list
        directly: wordfreq's tokenizer, which costs ~12 µs a call, leaves such a word as it
        is, and each article brings a few words no memo has met (names above all; in Russian
        or Arabic, in French or Polish with accents, most of them). What the tokenizer would
        change is not in its own output: letters it maps to others (a Romanian cedilla,
        Arabic's tatweel, Serbian Cyrillic under `sh`, whose list is Latin), capitals,
        combining marks. Any other word is tokenized as `wordfreq._word_frequency` does it."""
        if word.isalpha() and self.letters.issuperset(word):
            return _zipf_of_frequency(self.frequency(word))
        return _zipf_of_frequency(self._tokens_frequency(word))

    def _tokens_frequency(self, word: str) -> float:
        """`wordfreq._word_frequency(word, language, "best", LEAST_FREQUENCY)`, unrounded: its
        tokens' frequencies combined as 1/f = 1/f1 + 1/f2 + ..., a digit sequence weighed by
        its own distribution, and the least frequency for a word with a token not listed."""
        tokens = lossy_tokenize(word, self.language)
        if not tokens:
            return LEAST_FREQUENCY
        one_over = 0.0
        for token in tokens:
            smashed = smash_numbers(token)
            frequency = self.frequency(smashed)
            if frequency == 0.0:
                return LEAST_FREQUENCY
            if smashed != token:
                frequency *= digit_freq(token)
            one_over += 1.0 / frequency
        combined = 1.0 / one_over
        if self._jieba:  # each word break jieba inferred makes the whole less likely
            combined *= INFERRED_SPACE_FACTOR ** -(len(tokens) - 1)
        return combined


def _zipf_of_frequency(frequency: float) -> float:
    """wordfreq's own rounding (3 significant digits, then 2 decimals of Zipf), step by step,
    so the result is the float `zipf_frequency` gives."""
    kept = max(frequency, LEAST_FREQUENCY)
    rounded = round(kept, math.floor(-math.log(kept, 10)) + 3)
    return round(math.log(rounded, 10) + 9, 2)


def _list_path(language: str) -> str:
    """The file `wordfreq.get_frequency_list(language, "best")` reads: the large list where
    there is one, the nearest language's as wordfreq matches codes."""
    available = available_languages("best")
    best, _distance = langcodes.closest_match(language, list(available), max_distance=60)
    if best == "und":
        raise LookupError(f"wordfreq has no word list for language {language!r}")
    return available[best]


def _indexed(
    buckets: list[list[str]],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint16], dict[str, float]]:
    """The words' hashes, sorted, each with its bucket. A word listed in two buckets keeps the
    later one, as in wordfreq's dict, which assigns the buckets in order. Two different words
    with one hash (not seen in any list; ~5e-8 for a list of a million words) go to a small
    dict instead, by word, so neither answers for the other."""
    words = list(chain.from_iterable(buckets))
    hashes = np.fromiter(map(_hash, words), np.int64, len(words))
    bucket_of = np.repeat(np.arange(len(buckets), dtype=np.uint16), [len(b) for b in buckets])
    order = hashes.argsort(kind="stable")  # within equal hashes, the words' own order
    hashes, bucket_of = hashes[order], bucket_of[order]
    last = np.ones(hashes.size, dtype=bool)
    np.not_equal(hashes[1:], hashes[:-1], out=last[:-1])
    shared: dict[str, float] = {}
    repeated = (~last).nonzero()[0]
    if repeated.size:
        runs: dict[int, dict[str, int]] = {}  # hash -> word -> its latest bucket
        for place in np.union1d(repeated, repeated + 1).tolist():
            run = runs.setdefault(int(hashes[place]), {})
            word = words[int(order[place])]
            run[word] = max(run.get(word, 0), int(bucket_of[place]))
        for run in runs.values():
            if len(run) > 1:  # different words: each answers by name
                shared.update((word, cB_to_freq(-bucket)) for word, bucket in run.items())
    return hashes[last], bucket_of[last], shared


def _letters_of(buckets: list[list[str]]) -> frozenset[str]:
    """The letters of the list's most frequent words, but those of scripts written without
    spaces and those that Unicode normalization or case folding would change (half-width
    kana). Any subset of the letters would do (a word with another letter takes the long way):
    the list is in order of frequency, so its first words hold a language's letters."""
    seen: set[str] = set()
    for word in chain.from_iterable(buckets):
        seen.add(word)
        if len(seen) >= _ALPHABET_WORDS:
            break
    return frozenset(c for c in set("".join(seen)) if _kept_as_it_is(c))


def _kept_as_it_is(character: str) -> bool:
    return (
        character.isalpha()
        and _SPACELESS.match(character) is None
        and unicodedata.normalize("NFKC", character) == character == character.casefold()
    )
