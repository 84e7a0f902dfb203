"""Word shingles and MinHash: the near-duplicate sketch, computed once in the parallel stage.

Both run in numpy once each word is an integer: a word's hash is cached (news reuses its
words), a shingle is three word hashes mixed with odd multipliers, and each of the 64 hash
functions is a multiply-shift (a*x + b, top 32 bits of 64): universal hashing without a
modulo, the costly part of the textbook (a*x + b) mod p.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt
import xxhash

from syndic.core.memo import BoundedMemo

SHINGLE_WORDS = 3
NUM_PERM = 64
_EMPTY = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
_SHIFT = np.uint64(32)
_rng = np.random.default_rng(20240917)  # fixed seed: signatures must be equal across workers
_A = _rng.integers(1, 1 << 63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 1 << 63, size=NUM_PERM, dtype=np.uint64)
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)


# Chinese and Japanese write no spaces between words: each ideograph or kana is a word here,
# so shingles are character 3-grams, the usual unit for near-duplicates in these scripts.
CHARACTER_LANGUAGES = frozenset({"zh", "ja"})
_IDEOGRAPHS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CHARACTER_WORDS = re.compile(f"[{_IDEOGRAPHS}]|[^\\s{_IDEOGRAPHS}]+")


def words(text: str, language: str | None = None) -> list[str]:
    """`text` is a fingerprint form (case-folded, word characters and single spaces)."""
    if language in CHARACTER_LANGUAGES:
        return _CHARACTER_WORDS.findall(text)
    return text.split()


def hash_word(word: str) -> int:
    return xxhash.xxh64_intdigest(word.encode())


_word_hash: BoundedMemo[str, int] = BoundedMemo(hash_word, maxsize=262_144)


def shingle_hashes(tokens: list[str], size: int = SHINGLE_WORDS) -> npt.NDArray[np.uint64]:
    """Distinct 64-bit shingle hashes, sorted; a text shorter than a shingle is one shingle."""
    hashed = np.fromiter(map(_word_hash.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
    return shingles_of_hashes(hashed, size)


def shingles_of_hashes(
    hashed: npt.NDArray[np.uint64], size: int = SHINGLE_WORDS
) -> npt.NDArray[np.uint64]:
    """`shingle_hashes` from the words' hashes (`hash_word`), in text order."""
    if hashed.size == 0:
        return np.zeros(0, dtype=np.uint64)
    if hashed.size < size:
        return np.array([np.bitwise_xor.reduce(hashed * _MIX[: hashed.size])], dtype=np.uint64)
    count = hashed.size - size + 1
    mixed = hashed[:count] * _MIX[0]
    for offset in range(1, size):
        mixed ^= hashed[offset : offset + count] * _MIX[offset]
        mixed = (mixed << np.uint64(7)) | (mixed >> np.uint64(57))
    return _sorted_distinct(mixed)


def _sorted_distinct(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """`np.unique(values)`: a sort and a mask of the first of each run of equal values.

    numpy 2's `unique` goes through a hash table before it sorts, ~6x slower on an article's
    few hundred shingles than the sort alone."""
    ordered = values.copy()
    ordered.sort()
    if ordered.size < 2:
        return ordered
    first = np.empty(ordered.size, dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def minhash(hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
    """The minimum of each hash function over the shingles, 32 bits kept per value.

    The shift to the top 32 bits is monotonic, so it is taken after the minimum (on 64 values,
    not on 64 per shingle), and the sum is formed in place: one 64 x shingles array, not three."""
    if hashes.size == 0:
        return _EMPTY.copy()
    mixed = np.multiply.outer(_A, hashes)
    mixed += _B[:, None]
    result: npt.NDArray[np.uint32] = (np.minimum.reduce(mixed, axis=1) >> _SHIFT).astype(np.uint32)
    return result


def resemblance(left: npt.NDArray[np.uint32], right: npt.NDArray[np.uint32]) -> float:
    return float(np.count_nonzero(left == right)) / float(left.size)


def containment(jaccard: float, size_a: int, size_b: int) -> float:
    """Share of the smaller set inside the larger, derived from Jaccard and the two set sizes."""
    smaller = min(size_a, size_b)
    if smaller == 0:
        return 0.0
    intersection = jaccard * (size_a + size_b) / (1.0 + jaccard)
    return min(1.0, intersection / smaller)
