"""The compact word table answers as wordfreq does, without keeping wordfreq's dict.

`WordTable` holds a language's list as sorted 64-bit keys, a word's hash and its frequency
bucket (8 bytes a word against ~110 in wordfreq's dict), and redoes `zipf_frequency`'s tokenizing
and combining on top of it: the floats must be the same, or story weights would change.
"""

from __future__ import annotations

import random
import unicodedata

import pytest
import wordfreq
from wordfreq import get_frequency_dict, zipf_frequency

from syndic.core.dedup import wordtable
from syndic.core.dedup.wordtable import WordTable

# words the tokenizer splits, folds or rewrites: digits (smashed, then weighed by their own
# distribution), apostrophes, hyphens, dots, capitals, mixed scripts, nothing at all
THE_LONG_WAY = [
    "2013", "1,000", "3.5", "12th", "1990s", "covid19", "b2b", "o'brien", "rock'n'roll",
    "don't", "x-ray", "U.S.", "Paris", "ÉTÉ", "qzxvw'q", "", "...", "mp3", "24/7", "ﬁnal",
]  # fmt: skip


def test_every_word_of_the_english_list_has_wordfreq_s_frequency() -> None:
    table = WordTable("en")
    listed = get_frequency_dict("en")
    assert [w for w, f in listed.items() if table.frequency(w) != f] == []
    assert table.frequency("qzxvwq") == 0.0


@pytest.mark.parametrize("language", ["en", "fr", "de", "ru", "ar", "zh", "ja", "ko"])
def test_the_zipf_value_is_wordfreq_s_own_float(language: str) -> None:
    table = WordTable(language, short_way=language not in {"zh", "ja", "ko"})
    rng = random.Random(language)
    sample = rng.sample(list(get_frequency_dict(language)), 1_000)
    words = sample + [w + "7" for w in sample[:100]] + [w.upper() for w in sample[:100]]
    words += THE_LONG_WAY
    assert [table.zipf(w) for w in words] == [zipf_frequency(w, language) for w in words]


def test_a_word_listed_twice_keeps_the_later_bucket_as_wordfreq_s_dict_does() -> None:
    keys, shared = wordtable._indexed(lambda: iter([[], ["news", "vote"], [], ["news"]]))
    assert shared == {}
    place = int(keys.searchsorted(wordtable._hash("news") << wordtable._BUCKET_BITS))
    assert int(keys[place]) & wordtable._BUCKET_MASK == 3
    assert keys.size == 2


def test_two_words_of_one_hash_answer_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wordtable, "_hash", lambda word: 7 if word in {"vote", "poll"} else 1)
    _, shared = wordtable._indexed(lambda: iter([["vote"], ["poll", "other"], ["vote"]]))
    assert shared == {"vote": wordfreq.cB_to_freq(-2), "poll": wordfreq.cB_to_freq(-1)}


def test_a_table_is_small_and_wordfreq_keeps_no_list_of_its_own() -> None:
    lists, dicts = wordfreq.get_frequency_list.cache_info(), get_frequency_dict.cache_info()
    table = WordTable("nl")
    values = [table.zipf(w) for w in ("het", "verkiezingen", "2013", "d'r", "Rotterdam")]
    assert values == [7.49, 4.97, 4.67, 3.97, 5.02]  # zipf_frequency(w, "nl")
    buckets = wordfreq.read_cBpack(wordtable._list_path("nl"))
    assert list(wordtable._buckets_of(wordtable._list_path("nl"))) == buckets
    words = sum(len(bucket) for bucket in buckets)
    assert table.nbytes <= 8 * words
    assert wordfreq.get_frequency_list.cache_info().currsize == lists.currsize
    assert get_frequency_dict.cache_info().currsize == dicts.currsize


def test_the_words_by_frequency_are_wordfreq_s_own_order() -> None:
    assert list(wordtable.words_by_frequency("fr")) == list(wordfreq.iter_wordlist("fr"))


@pytest.mark.parametrize("language", ["hi", "bn", "ta", "el", "fr", "tr"])
def test_words_with_combining_marks_take_the_short_way_and_give_the_same_float(
    language: str,
) -> None:
    table = WordTable(language)
    marks = sorted(c for c in table.letters if not c.isalpha())
    rng = random.Random(language)
    letters = sorted(table.letters)
    made_up = ["".join(rng.choices(letters, k=rng.randint(2, 9))) for _ in range(2_000)]
    words = rng.sample(list(get_frequency_dict(language)), 1_000) + made_up
    words += ["e\u0301te", "\u0301abc", "q\u0301x"]  # composes; starts with a mark; neither
    # listed words written decomposed (Bengali's o-sign as its two halves, Greek's accents):
    # made of the list's letters and marks, but read as their composed form
    decomposed = [unicodedata.normalize("NFD", w) for w in words[:1_000]]
    decomposed = [d for d in decomposed if d != unicodedata.normalize("NFC", d)]
    words += decomposed
    assert [table.zipf(w) for w in words] == [zipf_frequency(w, language) for w in words]
    if language == "bn":
        assert len(decomposed) > 100
    if language in {"hi", "bn", "ta"}:  # vowel signs are marks: most words hold one
        assert len(marks) >= 10
        with_marks = [w for w in words if not w.isalpha() and set(w) <= table.letters]
        assert len(with_marks) > len(words) / 2
