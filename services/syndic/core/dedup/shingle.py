"""Word shingles and MinHash: the near-duplicate sketch, computed once in the parallel stage."""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt
import xxhash

SHINGLE_WORDS = 3
NUM_PERM = 64
_PRIME = np.uint64((1 << 61) - 1)
_MAX32 = np.uint64(0xFFFFFFFF)
_WORD = re.compile(r"\w+", re.UNICODE)

_rng = np.random.default_rng(20240917)  # fixed seed: signatures must be equal across workers
_A = _rng.integers(1, (1 << 61) - 1, size=NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, (1 << 61) - 1, size=NUM_PERM, dtype=np.uint64)


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def shingle_hashes(tokens: list[str], size: int = SHINGLE_WORDS) -> npt.NDArray[np.uint64]:
    """Distinct 32-bit shingle hashes; short texts fall back to one shingle of all their words."""
    if len(tokens) < size:
        grams = [" ".join(tokens)] if tokens else []
    else:
        grams = [" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]
    values = {xxhash.xxh32_intdigest(g.encode()) for g in grams}
    return np.array(sorted(values), dtype=np.uint64)


def minhash(hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
    """Universal hashing (a*x+b mod p) keeps 32-bit values so the stored signature stays small."""
    if hashes.size == 0:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    mixed = (hashes[None, :] * _A[:, None] + _B[:, None]) % _PRIME
    result: npt.NDArray[np.uint32] = (mixed & _MAX32).min(axis=1).astype(np.uint32)
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
