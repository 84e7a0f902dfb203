"""A language's word frequencies from wordfreq's own data, in 8 bytes a word.

wordfreq keeps a language it is asked about as a dict of every word of its list, with the
list of frequency buckets the dict was made from cached beside it: 35 MB of a process's
memory for English's 321,180 words, 65 MB for German's 634,502 and 120 MB for Russian's
713,447 (RSS, one-off measurement). A worker loads the list of every language it meets, so
the first article in a new language, or one the detector misreads, made its memory jump by
that much for good. Here each word is one integer of a sorted array, its 53-bit hash and
then its bucket (2.6 MB for English), and `WordTable.zipf` does what `wordfreq.zipf_frequency`
does on top of it (tokenize, fold digits, combine the tokens, round), so that it gives the
same float: tests/unit/test_word_table.py compares the two.
"""

from __future__ import annotations

import gzip
import math
import unicodedata
from collections.abc import Callable, Iterator
from itertools import chain, islice

import langcodes
import msgpack
import numpy as np
import numpy.typing as npt
import regex
import xxhash
from wordfreq import INFERRED_SPACE_FACTOR, available_languages, cB_to_freq
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


_BUCKET_BITS = 10  # wordfreq's buckets are centibels from 0 down to the list's floor (-800)
_BUCKET_MASK = (1 << _BUCKET_BITS) - 1
_HASH_BITS = 63 - _BUCKET_BITS
_FREQUENCY_OF_BUCKET = tuple(cB_to_freq(-bucket) for bucket in range(_BUCKET_MASK + 1))


def _hash(word: str) -> int:
    """53 bits of xxh3, so that a word's key (its hash, then its bucket) stays below 2**63: a
    Python int at or above it makes numpy's `searchsorted` convert through objects, ~50 µs a
    lookup against ~0.6. A word not listed matches a listed one's hash with a chance of
    ~1e-10 (a million words); two listed words that share one are kept apart (`_indexed`)."""
    return xxhash.xxh3_64_intdigest(word.encode()) >> (64 - _HASH_BITS)


class WordTable:
    """One language's list: `frequency` is `get_frequency_dict(language)[word]` (0.0 when the
    word is not in it), and `zipf` is `zipf_frequency(word, language)`."""

    def __init__(self, language: str, short_way: bool = True) -> None:
        self.language = language
        self._jieba = get_language_info(language)["tokenizer"] == "jieba"
        if self._jieba:  # its tokenizer segments with jieba, which would write a cache file
            install_cacheless_jieba()
        path = _list_path(language)
        self._keys, self._shared = _indexed(lambda: _buckets_of(path))
        # the letters of the list's most frequent words: a word of them alone is in the form
        # the tokenizer would leave it in (`zipf`); none when the language's words need a
        # segmenter to be found at all
        self.letters = _letters_of(_buckets_of(path)) if short_way else frozenset()

    @property
    def nbytes(self) -> int:
        return self._keys.nbytes

    def frequency(self, word: str) -> float:
        shared = self._shared.get(word)
        if shared is not None:
            return shared
        hashed = _hash(word) << _BUCKET_BITS
        place = int(self._keys.searchsorted(hashed))
        if place < self._keys.size:
            key = int(self._keys[place])
            if key >> _BUCKET_BITS == hashed >> _BUCKET_BITS:
                return _FREQUENCY_OF_BUCKET[key & _BUCKET_MASK]
        return 0.0

    def zipf(self, word: str) -> float:
        """A word of letters that all occur in the list's own words is read from the list
        directly: wordfreq's tokenizer, which costs ~12 µs a call, leaves such a word as it
        is, and each article brings a few words no memo has met (names above all; in Russian
        or Arabic, in French or Polish with accents, most of them). What the tokenizer would
        change is not in its own output: letters it maps to others (a Romanian cedilla,
        Arabic's tatweel, Serbian Cyrillic under `sh`, whose list is Latin), capitals.

        The scripts of India write vowels as combining marks after a letter, so most of their
        words are not `isalpha()`: such a word takes the short way too when it starts with a
        letter and Unicode normalization leaves it as it is (it would compose an `e` and a
        combining acute). Any other word is tokenized as `wordfreq._word_frequency` does it."""
        if self.letters.issuperset(word) and (
            word.isalpha() or (word[:1].isalpha() and unicodedata.is_normalized("NFKC", word))
        ):
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


def words_by_frequency(language: str) -> Iterator[str]:
    """`wordfreq.iter_wordlist(language)`, the list's words in its order (by frequency, then
    alphabetically), read as it goes instead of kept by wordfreq for the rest of the process."""
    return chain.from_iterable(_buckets_of(_list_path(language)))


def _buckets_of(path: str) -> Iterator[list[str]]:
    """The words of a wordfreq list, one bucket (a centibel of frequency) at a time, as
    `wordfreq.read_cBpack` reads them. Read whole, a list's words are all in memory at once,
    and the arenas they leave behind kept ~17 MB of a worker's memory after English's table
    was built from them (RSS, one-off measurement)."""
    with gzip.open(path, "rb") as packed:
        unpacker = msgpack.Unpacker(packed, raw=False)
        count = unpacker.read_array_header()
        header = unpacker.unpack()
        if (
            not isinstance(header, dict)
            or header.get("format") != "cB"
            or header.get("version") != 1
        ):
            raise ValueError(f"unexpected header in {path}: {header!r}")
        for _ in range(count - 1):
            yield unpacker.unpack()


def _indexed(
    read: Callable[[], Iterator[list[str]]],
) -> tuple[npt.NDArray[np.int64], dict[str, float]]:
    """Each word's key, its hash and then its bucket (the bucket's index in `read()`), sorted.
    A word listed in two buckets keeps the later one, as in wordfreq's dict, which assigns the
    buckets in order. Two different words with one hash (~5e-5 for a list of a million words)
    go to a small dict instead, by word, so neither answers for the other. No list has a word
    twice, so the words are read a second time only for that."""
    keys_of: list[npt.NDArray[np.int64]] = []
    for bucket, words in enumerate(read()):
        if bucket > _BUCKET_MASK:
            raise ValueError(f"a word list with more than {_BUCKET_MASK + 1} buckets")
        hashes = np.fromiter(map(_hash, words), np.int64, len(words))
        hashes <<= _BUCKET_BITS
        hashes |= bucket
        keys_of.append(hashes)
    keys = np.concatenate(keys_of) if keys_of else np.zeros(0, np.int64)
    keys.sort()  # by hash, then by bucket
    hashes = keys >> _BUCKET_BITS
    last = np.ones(keys.size, dtype=bool)  # of each run of one hash
    np.not_equal(hashes[1:], hashes[:-1], out=last[:-1])
    shared: dict[str, float] = {}
    if not last.all():
        repeated = set(hashes[~last].tolist())
        runs: dict[int, dict[str, int]] = {}  # hash -> word -> its latest bucket
        for bucket, words in enumerate(read()):
            for word in words:
                if _hash(word) in repeated:
                    runs.setdefault(_hash(word), {})[word] = bucket
        for run in runs.values():
            if len(run) > 1:  # different words: each answers by name
                shared.update((word, cB_to_freq(-bucket)) for word, bucket in run.items())
    return keys[last], shared


def _letters_of(buckets: Iterator[list[str]]) -> frozenset[str]:
    """The letters and combining marks of the list's most frequent words, but those of
    scripts written without spaces and those that Unicode normalization or case folding would
    change (half-width kana). Any subset of them would do (a word with another character
    takes the long way): the list is in order of frequency, so its first words hold a
    language's letters."""
    letters: set[str] = set()
    for word in islice(chain.from_iterable(buckets), _ALPHABET_WORDS):
        letters.update(word)
    return frozenset(c for c in letters if _kept_as_it_is(c))


_MARKS = frozenset({"Mn", "Mc"})  # combining marks: a vowel sign, a nukta, an accent


def _kept_as_it_is(character: str) -> bool:
    return (
        (character.isalpha() or unicodedata.category(character) in _MARKS)
        and _SPACELESS.match(character) is None
        and unicodedata.normalize("NFKC", character) == character == character.casefold()
    )
