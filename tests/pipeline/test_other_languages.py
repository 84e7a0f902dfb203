"""Articles in languages other than English: stories and near-duplicates.

The fixtures are written for these tests: two write-ups of one council decision (a bridge to be
repaired) and an unrelated storm report in German, and the decision again in Chinese, with no
`lang` given, so the normalizer's detection picks the term prior and the word splitting.
"""

from __future__ import annotations

from pathlib import Path

import orjson

from syndic.batch import dedup_lines
from syndic.core.dedup.terms import cosine, story_terms
from syndic.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "stories"


def _text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_german_write_ups_of_one_event_share_a_story_and_an_unrelated_one_does_not() -> None:
    names = ["de_bridge_council.txt", "de_storm.txt", "de_bridge_short.txt"]
    lines = [
        orjson.dumps({"id": name, "source": f"outlet-{i}", "text": _text(name)})
        for i, name in enumerate(names)
    ]
    out = {o["id"]: o for o in dedup_lines(lines, Settings())}
    assert {o["lang"] for o in out.values()} == {"de"}
    assert all(o["dedup"]["status"] == "unique" for o in out.values())
    assert out["de_bridge_short.txt"]["story_id"] == "de_bridge_council.txt"
    assert out["de_storm.txt"]["story_id"] == "de_storm.txt"


def test_the_german_prior_separates_what_the_english_one_blurs() -> None:
    """Under English's word frequencies every German word reads as rare, so words any German
    article uses weigh like names: unrelated articles look closer, related ones less close."""
    bridge, storm, short = (
        _text(n) for n in ("de_bridge_council.txt", "de_storm.txt", "de_bridge_short.txt")
    )
    unrelated = {
        lang: cosine(story_terms(bridge, lang), story_terms(storm, lang)) for lang in ("de", "en")
    }
    related = {
        lang: cosine(story_terms(bridge, lang), story_terms(short, lang)) for lang in ("de", "en")
    }
    assert unrelated["de"] < 0.05 < 0.1 < unrelated["en"]
    assert related["de"] > 0.5 > related["en"]


def test_words_of_any_script_are_terms() -> None:
    """Cyrillic and Greek words count (a Latin-only token pattern left only the numbers)."""
    russian = (
        "Городской совет в понедельник решил отремонтировать старый мост. "
        "Работы начнутся в 2027 году."
    )
    greek = (
        "Το δημοτικό συμβούλιο αποφάσισε τη Δευτέρα να επισκευάσει την παλιά γέφυρα του ποταμού."
    )
    assert len(story_terms(russian, "ru")) >= 8
    assert len(story_terms(greek, "el")) >= 8


def test_chinese_copies_are_near_duplicates() -> None:
    """Chinese has no spaces between words: a lightly edited copy is found only when shingles
    are character 3-grams (split on punctuation alone, its clauses differ)."""
    original = _text("zh_bridge_council.txt").strip()
    edited = original.replace("两年", "三年").replace("反对派", "在野党")
    cut = original[: len(original) * 85 // 100]
    lines = [
        orjson.dumps({"id": name, "source": name, "text": text})
        for name, text in (("original", original), ("edited", edited), ("cut", cut))
    ]
    out = {o["id"]: o for o in dedup_lines(lines, Settings())}
    assert out["original"]["lang"] == "zh"
    for copy in ("edited", "cut"):
        assert (out[copy]["dedup"]["status"], out[copy]["dedup"]["duplicate_of"]) == (
            "near",
            "original",
        )
