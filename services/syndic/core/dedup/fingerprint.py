"""Fingerprints: all the decision needs from an article, computed in the parallel stage."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import xxhash

from syndic.core.dedup.shingle import (
    CHARACTER_LANGUAGES,
    SHINGLE_WORDS,
    minhash,
    shingle_hashes,
    shingles_of_hashes,
    words,
)
from syndic.core.dedup.terms import (
    chunk_ids,
    chunk_rows_of,
    chunk_word_hashes,
    story_terms,
    story_terms_of,
)
from syndic.core.model import NormalizedArticle

# The lede: the first words of the fingerprint form, as the near tier's second way in (see
# `lede_key`). 15 words is most of a news story's first sentence, and a teaser or brief is
# rarely shorter; at 30 words, two in five of the lead-only copies `syndic eval --more-copies`
# makes were too short to have a lede (docs/quality.md, "A shorter lede"). Chinese and
# Japanese words are characters there (`shingle.words`), so they take twice as many.
LEDE_WORDS = 15
# Longer openings whose 32-bit digests the fingerprint carries beside the lede's, so that two
# texts with the same lede can tell how far their shared opening goes (`shared_opening_words`).
OPENING_WORDS = (30, 60, 120)


def encode_signature(signature: npt.NDArray[np.uint32]) -> str:
    return base64.b64encode(signature.astype("<u4").tobytes()).decode("ascii")


def decode_signature(text: str) -> npt.NDArray[np.uint32]:
    return np.frombuffer(base64.b64decode(text), dtype="<u4").astype(np.uint32)


def encode_terms(terms: dict[int, float]) -> str:
    """Term hashes and weights quantised to 1/255 as one base64 string (compact in the store)."""
    keys = sorted(terms)
    hashes = np.array(keys, dtype="<u4").tobytes()
    return base64.b64encode(hashes + _quantized(terms, keys).tobytes()).decode("ascii")


def _quantized(terms: dict[int, float], keys: list[int]) -> npt.NDArray[np.uint8]:
    """`min(255, max(1, round(w * 255)))` of each key's weight, in numpy: `np.rint` rounds
    halves to even, as `round` does, and the product is the same double."""
    weights = np.fromiter(map(terms.__getitem__, keys), np.float64, len(keys))
    scaled = np.rint(weights * 255.0)
    np.maximum(scaled, 1.0, out=scaled)  # a clip, without numpy's Python-level wrapper
    np.minimum(scaled, 255.0, out=scaled)
    quanta: npt.NDArray[np.uint8] = scaled.astype(np.uint8)
    return quanta


def decode_terms(text: str) -> dict[int, float]:
    """A record's vector as the fingerprint holds it: a weight is one of 256 quanta. The
    window keeps its vectors as arrays instead (`decode_term_arrays`)."""
    raw = base64.b64decode(text)
    count = len(raw) // 5
    hashes: list[int] = np.frombuffer(raw[: 4 * count], dtype="<u4").tolist()
    weights = map(_QUANTA.__getitem__, raw[4 * count : 5 * count])
    return dict(zip(hashes, weights, strict=True))


def decode_term_arrays(text: str) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint8]]:
    """The window's form of a stored vector (`TermIndex`): its term hashes, ascending, and
    their weights in 1/255ths (the weight `decode_terms` gives times 255)."""
    raw = base64.b64decode(text)
    count = len(raw) // 5
    hashes: npt.NDArray[np.uint32] = np.frombuffer(raw, dtype="<u4", count=count)
    return hashes, np.frombuffer(raw, np.uint8, offset=4 * count)


def as_stored(terms: dict[int, float]) -> dict[int, float]:
    """The terms as the sequenced record and the window carry them (weights in 1/255ths).
    The stream decides on what the record carries and `syndic dedup` on the fingerprint as
    computed, so the two are the same numbers only if the fingerprint is made of these:
    unquantized, an article's story score differed between them in the third decimal, and one
    near the threshold could have joined a story in one and not in the other.

    `decode_terms(encode_terms(terms))`, without the base64 round trip: the same keys in the
    same (ascending) order."""
    return stored_and_encoded(terms)[0]


def stored_and_encoded(terms: dict[int, float]) -> tuple[dict[int, float], str]:
    """`as_stored(terms)` and its `encode_terms`, from one sort and one quantization: the
    fingerprint carries both, its record the encoding."""
    keys = sorted(terms)
    quanta = _quantized(terms, keys)
    stored = dict(zip(keys, map(_QUANTA.__getitem__, quanta.tolist()), strict=True))
    hashes = np.array(keys, dtype="<u4").tobytes()
    return stored, base64.b64encode(hashes + quanta.tobytes()).decode("ascii")


_QUANTA = tuple(q / 255.0 for q in range(256))


@dataclass(frozen=True, slots=True, eq=False)
class Fingerprint:
    content_hash: str
    url: str | None
    signature: npt.NDArray[np.uint32] = field(default_factory=lambda: np.zeros(0, dtype=np.uint32))
    shingles: int = 0
    terms: dict[int, float] = field(default_factory=dict)
    # `opening_keys` of the text: the lede's digest (None when the text is shorter than a
    # lede), and one digest per length of `OPENING_WORDS` it reaches
    lede: str | None = None
    openings: npt.NDArray[np.uint32] = field(default_factory=lambda: np.zeros(0, dtype=np.uint32))
    # The encoding a record carried (`from_dict`), or the one made with the terms (`compute`):
    # the window entry stores it as it came, and the record is written without encoding the
    # terms a second time. Not an init field, so `dataclasses.replace` with other terms
    # cannot keep a stale one.
    _encoded_terms: str | None = field(default=None, init=False, repr=False)

    def encoded_terms(self) -> str:
        """`encode_terms(self.terms)`: the same string (an encoding is canonical: keys
        ascending, weights already in 1/255ths)."""
        if self._encoded_terms is not None:
            return self._encoded_terms
        return encode_terms(self.terms)

    def to_dict(self) -> dict[str, Any]:
        return {
            "content_hash": self.content_hash,
            "url": self.url,
            "signature": encode_signature(self.signature),
            "shingles": self.shingles,
            "terms": self.encoded_terms(),
            "lede": self.lede,
            "openings": encode_signature(self.openings),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fingerprint:
        encoded = data.get("terms", "")
        fingerprint = cls(
            content_hash=data["content_hash"],
            url=data.get("url"),
            signature=decode_signature(data.get("signature", "")),
            shingles=int(data.get("shingles", 0)),
            terms=decode_terms(encoded),
            lede=data.get("lede"),  # None in a record of a version before the lede
            openings=decode_signature(data.get("openings", "")),
        )
        if isinstance(encoded, str):
            object.__setattr__(fingerprint, "_encoded_terms", encoded)
        return fingerprint


class Fingerprinter:
    """Carries the expensive work (hashing, MinHash, term weights): the decide stage stays cheap."""

    def __init__(self, settings: object | None = None) -> None:
        self.settings = settings

    def compute(self, article: NormalizedArticle) -> Fingerprint:
        text = f"{article.title}\n{article.text}" if article.title else article.text
        if article.lang in CHARACTER_LANGUAGES:  # its shingle words are characters
            hashes = shingle_hashes(words(article.fingerprint_text, article.lang))
            terms = story_terms(text, article.lang)
        else:
            # The fingerprint form's words are those of the text's chunks' forms, in order
            # (hygiene.fingerprint_form), so the chunks' rows give both the shingles and the
            # terms, with one memo lookup per chunk.
            body = chunk_ids(article.text)  # the normalizer's lookup, when it made this text
            rows = np.concatenate((chunk_rows_of(article.title), body)) if article.title else body
            hashes = shingles_of_hashes(chunk_word_hashes(body))
            terms = story_terms_of(text, rows, article.lang)
        stored, encoded = stored_and_encoded(terms)
        lede, openings = opening_keys(article.fingerprint_text, article.lang)
        fingerprint = Fingerprint(
            content_hash=article.content_hash,
            url=url_key(article.url),
            signature=minhash(hashes),
            shingles=int(hashes.size),
            terms=stored,
            lede=lede,
            openings=openings,
        )
        object.__setattr__(fingerprint, "_encoded_terms", encoded)
        return fingerprint


def opening_keys(
    fingerprint_text: str, language: str | None = None
) -> tuple[str | None, npt.NDArray[np.uint32]]:
    """The 64-bit digest of the text's first `LEDE_WORDS` fingerprint words (None for a
    shorter text), and 32-bit digests of its first 30, 60 and 120 words (`OPENING_WORDS`), as
    far as the text reaches.

    MinHash finds a copy whose shingles are mostly the original's; a lead-only or heavily cut
    copy (a teaser, a brief, the first paragraphs of a wire story) holds a tenth to a third of
    them, which its bands rarely bring up as a candidate, and where the containment derived
    from so low a resemblance is mostly noise (`near_containment_min_resemblance`). Such a
    copy starts with the original's words, so articles with the same lede are each other's
    candidates too; the containment must still be plausible (`near_lede_containment`), so
    that two articles that merely open with the same long line are not copies. The longer
    openings tell how much more than the lede two such texts share (`shared_opening_words`).
    They are only compared between texts whose ledes are already equal, so 32 bits are
    plenty, and three of them cost 16 characters of state. (A fourth, of 240 words, found no
    more copies in `syndic eval --more-copies`.)"""
    joiner, scale = _opening_form(language)
    first = _first_words(fingerprint_text, language, scale * OPENING_WORDS[-1])
    lede = None
    if len(first) >= scale * LEDE_WORDS:
        lede = xxhash.xxh3_64_hexdigest(joiner.join(first[: scale * LEDE_WORDS]).encode())
    digests = [
        xxhash.xxh32_intdigest(joiner.join(first[: scale * count]).encode())
        for count in OPENING_WORDS
        if len(first) >= scale * count
    ]
    return lede, np.array(digests, dtype=np.uint32)


def shared_opening_words(
    openings: npt.NDArray[np.uint32], other_openings: npt.NDArray[np.uint32]
) -> int:
    """How many opening words two texts with the same lede are known to share: the longest
    length of `OPENING_WORDS` up to which every digest agrees, else the lede's."""
    shared = LEDE_WORDS
    for count, mine, theirs in zip(OPENING_WORDS, openings, other_openings, strict=False):
        if mine != theirs:
            break
        shared = count
    return shared


def lede_share(shingles: int, other_shingles: int, shared_words: int = LEDE_WORDS) -> float:
    """How much of the shorter of two texts that open with the same `shared_words` words is
    known to be in the other: the opening's shingles are in both. A floor under the
    containment the MinHash estimate gives, which is mostly noise when one text is a tenth of
    the other or less: a teaser of 20 words that opens its 800-word original can read 0.2-0.4
    there, though three quarters of it (its lede) are known to be the original's. (An opening
    that repeats a three-word phrase holds fewer distinct shingles; the floor ignores that
    rare case. In Chinese and Japanese an opening holds twice as many shingles as this
    counts.)"""
    smaller = min(shingles, other_shingles)
    if smaller <= 0:
        return 0.0
    return min(1.0, (shared_words - SHINGLE_WORDS + 1) / smaller)


def _opening_form(language: str | None) -> tuple[str, int]:
    """How an opening's words are joined for its digest, and how many count as one word:
    Chinese and Japanese words are characters there (`shingle.words`), so twice as many."""
    if language in CHARACTER_LANGUAGES:
        return "", 2
    return " ", 1


def _first_words(fingerprint_text: str, language: str | None, count: int) -> list[str]:
    """The text's first `count` fingerprint words (all of them when it has fewer)."""
    if language in CHARACTER_LANGUAGES:
        # the head of the text first: past it the words are not needed (a word cut by the
        # slice is the head's last, so more than `count` words make the first ones whole)
        found = words(fingerprint_text[: 8 * count], language)
        if len(found) <= count:
            found = words(fingerprint_text, language)
        return found[:count]
    first = fingerprint_text.split(" ", count)[:count]
    return first if first[-1] else []  # an empty text splits into one empty word


def url_key(url: str | None) -> str | None:
    """The page a URL names, for the exact tier's re-post check: the scheme, `www.`, a
    fragment and a trailing slash do not make another page, the query does. Many sites name
    the article in it (`story?id=2066717`, `?p=123`, `article.php?id=`), so without it every
    article of such a site was an "exact" copy of the first (two ESPN stories of the
    development set were). The article's URL is already canonical (`normalize.urls`: tracking
    parameters removed, the rest sorted), so equal pages give equal queries. A site's root
    with no query names no article (feeds that lack a link to the item give the home page),
    so it has no key.

    The mobile and AMP editions of a page are that page: an `m.`, `mobile.` or `amp.` host,
    a last path segment `amp`, and an `amp` or `outputType=amp` parameter are dropped."""
    if not url:
        return None
    bare = url.strip().split("#", 1)[0]
    bare = bare.split("://", 1)[1] if "://" in bare else bare
    page, _, query = bare.partition("?")
    page = _EDITION_HOST.sub("", page.rstrip("/").lower(), count=1)
    page = page.removesuffix("/amp") if page.count("/") > 1 else page
    if query:
        query = "&".join(p for p in query.split("&") if not _EDITION_PARAMETER.fullmatch(p))
    if not query and "/" not in page:
        return None
    return f"{page}?{query}" if query else page


# "www.", and the mobile or AMP edition of a site, when more of the host name follows
_EDITION_HOST = re.compile(r"^(?:www\.)?(?:(?:m|mobile|amp)\.(?=[^/]+\.[^/]+))?")
_EDITION_PARAMETER = re.compile(r"amp(?:=[^&]*)?|outputtype=amp", re.IGNORECASE)
