"""The prior's short way to a word's Zipf value gives wordfreq's own float.

`_Prior._zipf_of` reads a word of the table's own letters straight from the language's word
table (`wordtable.WordTable`) instead of tokenizing it as `zipf_frequency` does (~12 µs a
word). That is right only if the tokenizer leaves every such word as it is; here, for
languages of each script and for those whose preprocessing rewrites letters, on the table's
words, on made-up words of its letters, and on words with letters it would change.
"""

from __future__ import annotations

import random

import pytest
from wordfreq import get_frequency_dict, zipf_frequency

from syndic.core.dedup.terms import _prior, loaded_priors, warm_up

# letters wordfreq rewrites or splits: a Romanian cedilla and a Turkish comma below, Arabic's
# tatweel, Serbian Cyrillic under `sh` (whose table is Latin), German ß, capitals, a combining
# accent, a ligature, half-width kana, Han between letters, a long s
REWRITTEN = [
    "şi",
    "acelaşi",
    "kișinin",
    "كـتاب",
    "србија",
    "groß",
    "Paris",
    "e\u0301te",
    "ﬁnal",
    "ﾟü",
    "wにe",
    "日本",
    "ſtraße",
    "İstanbul",
]


@pytest.mark.parametrize(
    "language", ["en", "fr", "de", "pl", "ru", "ar", "he", "el", "tr", "ro", "sh"]
)
def test_the_short_way_gives_wordfreq_s_own_value(language: str) -> None:
    prior = _prior(language)
    letters = sorted(prior.table().letters)
    rng = random.Random(language)
    table = rng.sample(list(get_frequency_dict(language)), 1_000)
    made_up = ["".join(rng.choices(letters, k=rng.randint(2, 9))) for _ in range(500)]
    words = table + made_up + REWRITTEN
    assert [prior._zipf_of(w) for w in words] == [zipf_frequency(w, language) for w in words]
    # most of them took the short way, so the test is about it
    assert sum(w.isalpha() and set(w) <= set(letters) for w in words) > len(words) * 0.8


def test_a_letter_the_tokenizer_rewrites_never_takes_the_short_way() -> None:
    assert "ş" not in _prior("ro").table().letters  # wordfreq writes Romanian's comma below
    assert "\u0640" not in _prior("ar").table().letters  # tatweel, which it removes
    assert not {"с", "р", "б"} & _prior("sh").table().letters  # Serbian Cyrillic becomes Latin


def test_warm_up_loads_the_table_before_any_article() -> None:
    """A worker calls `warm_up` before it consumes; the language here is one no other test
    weighs, so its table can only be in because `warm_up` loaded it."""
    assert "lv" not in loaded_priors()
    warm_up("lv")
    assert "lv" in loaded_priors()
