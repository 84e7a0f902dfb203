"""The prepare stage's fast paths give what their plain definitions give, on any text.

Each is written for speed (memoised chunks, C-level scans); these properties pin them to the
straightforward code they replace, so that no output bit depends on the shortcut.
"""

from __future__ import annotations

import base64
import math
import random
import re
import sys
from collections import Counter

import numpy as np
import pytest
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st
from wordfreq import get_frequency_dict, zipf_frequency

from syndic.core.dedup import fingerprint, shingle, terms
from syndic.core.model import NormalizedArticle
from syndic.core.normalize import hygiene, rules

# Characters where the shortcuts could slip: spaces of every kind, apostrophes, sentence ends,
# "_", digits, letters whose case folding or lower-casing changes their length.
TRICKY = st.text(
    alphabet=st.sampled_from(
        list("aZ09 ..,!?'\"_-()\n\t\r")
        + list("\u2019\u201d\u00a0\u2003\u3000\u2028\u0085\u00dfẞ\u0130\u03a3\u00b2\u0661東한")
    ),
    max_size=80,
)
WORDS = st.lists(
    st.sampled_from(["The", "said", "Korea's", "O'Brien", "3.5", "1,000", "U.S.", "He", "it"]),
    max_size=30,
).map(" ".join)
TEXT = st.one_of(TRICKY, WORDS, st.text(max_size=60))


def _plain_form(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]+|_+", " ", text.casefold()).split())


def _plain_lines(text: str) -> list[str]:
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return [line for line in lines if line]


_PLAIN_FIRST = re.compile(r"(?:^|[.!?\"\u201d]\s)[\W_]*?(" + terms._TOKEN.pattern + ")", re.M)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_the_fingerprint_form_is_the_substitution_it_replaces(text: str) -> None:
    assert hygiene.fingerprint_form(text) == _plain_form(text)


@settings(max_examples=400, deadline=None)
@given(st.one_of(TEXT, WORDS.map(lambda words: words.replace(" it ", "\n"))))
def test_clean_lines_keeps_single_spaced_lines_as_splitting_would(text: str) -> None:
    assert hygiene.clean_lines(text) == _plain_lines(text)


def test_the_other_whitespace_is_all_whitespace_but_space_and_newline() -> None:
    every = (chr(code) for code in range(sys.maxunicode + 1))
    expected = "".join(c for c in every if c.isspace() and c not in " \n")
    assert expected == hygiene._OTHER_WHITESPACE


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_sentence_starts_and_chunked_tokens_match_the_whole_text_patterns(text: str) -> None:
    text = text.replace("\u2019", "'")
    found = terms._FIRST_TOKEN.findall("\n" + text)
    assert found == _PLAIN_FIRST.findall(text)
    rows = terms.chunk_ids(text)
    chunked = [terms._vocabulary.keys[number] for number in terms._chunks.terms.gather(rows)]
    assert chunked == [terms._key[token] for token in terms._TOKEN.findall(text)]
    marked = terms._chunks.marked_tokens(rows)
    assert marked == Counter(
        t for t in terms._TOKEN.findall(text) if t[0].isupper() or t[0].isdigit()
    )


# every caption form names one of these
_CAPTION_WORDS = ("photo", "image", "picture", "illustration", "file")


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_the_caption_hint_is_a_substring_test(line: str) -> None:
    lowered = line.lower()
    assert rules._may_be_caption(line) == any(w in lowered for w in _CAPTION_WORDS)


# The caption pattern as one unanchored search, before it was split into its start and end forms.
_PLAIN_CAPTION = re.compile(
    r"^(?:file\s?[-–—]|\(?(?:photo|image|picture|illustration)s?(?: credit)?\s?[:/])|"
    r"\([^()]{0,40}\b(?:photo|image|picture)s?\b[^()]{0,80}\)\W{0,2}$|"
    r"^(?:image|photo|picture) (?:source|caption|credit)s?\s?[,:]|"
    r"(?:photo|image)(?: credit)?\s?:\s?[^.]{1,60}$",
    re.IGNORECASE,
)
CAPTIONISH = st.lists(
    st.sampled_from(
        ["Photo", "IMAGE", "pictures", "file", "credit", ":", "/", "-", "(", ")", ").", "x" * 30,
         "the", "source", ",", " ", ".", "\n", "Reuters"]
    ),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.one_of(CAPTIONISH, TEXT))
def test_the_caption_test_is_the_whole_pattern_search(line: str) -> None:
    assert rules._is_caption(line) == (_PLAIN_CAPTION.search(line) is not None)


def test_the_caption_test_finds_each_form() -> None:
    for line in (
        "FILE - A man walks past the court.",
        "Photo: Jane Doe",
        "(Photo by J. Doe / Reuters)",
        "Image caption, The bridge at night",
        "A view of the bridge at dusk. (Photo: J. Doe)",
        "The harbour at dawn. Photo credit: Port Authority",
        "The bridge at dusk. (Photo by J. Doe)..\n",  # `$` before a final newline
        "The harbour at dawn, photo: " + "x" * 60 + "\n",  # the colon 63 from the end
    ):
        assert rules._is_caption(line), line
    assert not rules._is_caption("He filed the photos with the court on Monday, his lawyer said.")


@settings(max_examples=300, deadline=None)
@given(st.one_of(TEXT, st.sampled_from(["a@b.co", "[email protected]", "mail me at x@y.org"])))
def test_the_email_gate_spares_only_lines_the_pattern_cannot_match(line: str) -> None:
    if "@" not in line and "[" not in line:
        assert rules._EMAIL.search(line) is None


def _plain_story_terms(text: str, language: str) -> dict[int, float]:
    """`terms.story_terms` as its docstrings define it, one token at a time, in Python floats."""
    prior = terms._prior(language)
    text = text.replace("\u2019", "'")
    tokens = terms._TOKEN.findall(text)
    counts = Counter(terms._key_of(token) for token in tokens)
    initial = Counter(_PLAIN_FIRST.findall(text))
    marked = Counter(token for token in tokens if token[0].isupper() or token[0].isdigit())
    bonus: dict[str, float] = {}
    for token, count in marked.items():
        key = terms._key_of(token)
        weight = terms._kind_weight(token, key, count == initial[token], prior)
        bonus[key] = max(weight, bonus.get(key, 1.0))
    weighed = [
        (key, (1.0 + math.log(count)) * prior._weight_of(key) * bonus.get(key, 1.0))
        for key, count in counts.items()
    ]
    best = sorted(weighed, key=lambda pair: (-pair[1], pair[0]))[: terms.TOP_TERMS]
    norm = math.sqrt(sum(w * w for _, w in best)) or 1.0
    result: dict[int, float] = {}
    for key, weight in best:
        if weight > 0:
            h = xxhash.xxh32_intdigest(key.encode())
            result[h] = result.get(h, 0.0) + round(weight / norm, 3)
    return result


PROSE = st.lists(
    st.sampled_from(
        ["The", "mayor", "said", "Korea's", "O'Brien", "3.5", "1,000", "U.S.", "He", "it",
         "in", "Berlin.", "Müller", "sagte", "earthquake", "hit", "Lohan,", "rehab", "\n"]
    ),
    max_size=120,
).map(" ".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.one_of(TEXT, PROSE), st.sampled_from(["en", "de", "fr", None]))
def test_story_terms_are_the_plain_weighting_they_stand_for(text: str, language: str) -> None:
    assert terms.story_terms(text, language) == _plain_story_terms(text, language or "en")


# leads and continuations of the hint, and characters of either kind that are neither
MOJIBAKE = st.text(
    alphabet=st.sampled_from(list("ab \n\u00e9\u00ef\u00c3\u00e2\u00a9\u20ac\u2019\u0080")),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(MOJIBAKE, TEXT))
def test_the_mojibake_gate_is_the_hint_pattern(text: str) -> None:
    plain = not text.isascii() and hygiene._MOJIBAKE_HINT.search(text) is not None
    assert hygiene._may_be_mojibake(text) == plain


def test_the_mojibake_leads_are_the_hint_patterns_first_characters() -> None:
    first = re.compile("[\u00c2-\u00c5\u00ce-\u00d1\u00d8\u00d9\u00e2\u00ef]")
    leads = {chr(c) for c in range(0x3000) if first.fullmatch(chr(c))}
    assert set(hygiene._MOJIBAKE_LEADS) == leads


_PLAIN_LANGUAGES = sorted(terms._PRIOR_LANGUAGES - terms.SEGMENTED_LANGUAGES)


@pytest.mark.parametrize("language", _PLAIN_LANGUAGES)
def test_the_prior_reads_plain_words_as_wordfreq_does(language: str) -> None:
    """The table read gives zipf_frequency's float for lower-case ASCII words, known or not;
    a sample of each language's list (the whole English list was checked once: 289,023 words)."""
    prior = terms._Prior(language)
    plain = [w for w in get_frequency_dict(language, "best") if re.fullmatch("[a-z]+", w)]
    words = [*random.Random(language).sample(plain, min(400, len(plain))), "qzxvw", "a", "zz"]
    assert [prior._zipf_of(w) for w in words] == [zipf_frequency(w, language) for w in words]


def test_the_prior_pins_a_few_zipf_values() -> None:
    prior = terms._Prior("en")
    assert [prior._zipf_of(w) for w in ("the", "earthquake", "lohan", "qzxvw", "2031")] == [
        7.73, 4.15, 3.01, 0.0, 4.71,
    ]  # fmt: skip


def test_a_full_vocabulary_starts_again_with_the_same_terms(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [
        "Klitschko beat Thompson in Bern. He keeps the WBO title, 2012.",
        "In Bern, Klitschko knocked out Thompson in round six; the IBF title stays.",
        "Parliament in Oslo passed the fishing quota bill after a long debate.",
    ] * 3
    expected = [terms.story_terms(text) for text in texts]
    small = terms._Vocabulary(maxsize=8)
    started = small.generation
    monkeypatch.setattr(terms, "_vocabulary", small)
    terms._chunks.clear()
    try:
        assert [terms.story_terms(text) for text in texts] == expected
        assert small.keys and small.generation > started  # it started again on the way
    finally:
        terms._chunks.clear()  # its numbers are the small vocabulary's


def test_a_full_chunk_table_starts_again_with_the_same_fingerprints(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rows are only valid within one start of the table: a table that fills up in the middle
    of a run must give every later article what a roomy one gives."""
    articles = [
        _article(text)
        for text in (
            "Klitschko beat Thompson in Bern. He keeps the WBO title, 2012.",
            "In Bern, Klitschko knocked out Thompson in round six; the IBF title stays.",
            "Parliament in Oslo passed the fishing quota bill after a long debate.",
        )
        * 3
    ]
    expected = [_fingerprint_fields(article) for article in articles]
    assert [fields[0] for fields in expected] == [a.fingerprint_text for a in articles]
    small = terms._ChunkTable(maxsize=10)
    monkeypatch.setattr(terms, "_chunks", small)
    assert [_fingerprint_fields(article) for article in articles] == expected
    assert 0 < len(small) < 30  # it started again on the way


def _article(text: str) -> NormalizedArticle:
    form = hygiene.fingerprint_form(text)
    return NormalizedArticle(
        id=text[:8], source="s", text=text, fingerprint_text=form, content_hash="h",
        word_count=len(form.split()), title="Fight night", lang="en",
    )  # fmt: skip


def _fingerprint_fields(article: NormalizedArticle) -> tuple[str, bytes, int, dict[int, float]]:
    form = terms.chunk_form(terms.chunk_ids(article.text))  # as the normalizer makes it
    computed = fingerprint.Fingerprinter().compute(article)
    return form, computed.signature.tobytes(), computed.shingles, computed.terms


@settings(max_examples=300, deadline=None)
@given(st.one_of(TEXT, PROSE))
def test_the_chunks_word_hashes_are_the_fingerprint_forms_words(text: str) -> None:
    """The fingerprint takes its shingles' word hashes from the text's chunks, not from the
    fingerprint form the normalizer made: both must give the same words in the same order."""
    from_chunks = terms.chunk_word_hashes(terms.chunk_ids(text)).tolist()
    form = hygiene.fingerprint_form(text)
    assert from_chunks == [shingle.hash_word(word) for word in form.split()]


@settings(max_examples=300, deadline=None)
@given(st.one_of(TEXT, PROSE))
def test_the_chunk_tables_form_is_the_fingerprint_form(text: str) -> None:
    """The normalizer takes the fingerprint form from the chunk table (one lookup per chunk
    for both stages): it must be the form of the text, and the rows kept for the last text
    must be those a fresh lookup gives."""
    rows = terms.chunk_ids(text)
    assert terms.chunk_form(rows) == hygiene.fingerprint_form(text)
    assert terms.chunk_ids(text) is rows  # the same text object: the kept rows
    copy = "".join(list(text))
    assert terms.chunk_ids(copy).tolist() == rows.tolist()


def _plain_encode_terms(terms: dict[int, float]) -> str:
    keys = sorted(terms)
    weights = bytes(min(255, max(1, round(terms[k] * 255))) for k in keys)
    return base64.b64encode(np.array(keys, dtype="<u4").tobytes() + weights).decode("ascii")


TERM_VECTORS = st.dictionaries(
    st.integers(0, 2**32 - 1),
    st.one_of(
        st.floats(0.0, 1.5, allow_nan=False),
        st.integers(0, 510).map(lambda n: n / 510),  # halves of a quantum: rounding ties
    ),
    max_size=45,
)


@settings(max_examples=400, deadline=None)
@given(TERM_VECTORS)
def test_stored_terms_are_the_plain_quantization_and_its_round_trip(
    terms: dict[int, float],
) -> None:
    assert fingerprint.encode_terms(terms) == _plain_encode_terms(terms)
    stored = fingerprint.as_stored(terms)
    expected = fingerprint.decode_terms(_plain_encode_terms(terms))
    assert list(stored.items()) == list(expected.items())  # the same order too
    both = fingerprint.stored_and_encoded(terms)
    assert list(both[0].items()) == list(stored.items())
    assert both[1] == fingerprint.encode_terms(stored) == _plain_encode_terms(terms)
