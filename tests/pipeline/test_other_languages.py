"""Articles in languages other than English: stories and near-duplicates.

The fixtures are written for these tests: two write-ups of one council decision (a bridge to be
repaired) and an unrelated storm report in German, and the decision again in Chinese, with no
`lang` given, so the normalizer's detection picks the term prior and the word splitting.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from syndic.batch import dedup_lines
from syndic.core.dedup.segment import segmented_words
from syndic.core.dedup.terms import SEGMENTED_CHARS, cosine, story_terms
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


@pytest.mark.parametrize("language", ["zh", "ja"])
def test_chinese_and_japanese_write_ups_share_a_story_and_an_unrelated_one_does_not(
    language: str,
) -> None:
    """With no spaces between words, terms were whole clauses and two write-ups of one event
    shared none; wordfreq's segmenters (jieba, MeCab) split them into words."""
    names = [f"{language}_bridge_council.txt", f"{language}_storm.txt"]
    names.append(f"{language}_bridge_short.txt")
    lines = [
        orjson.dumps({"id": name, "source": f"outlet-{i}", "text": _text(name)})
        for i, name in enumerate(names)
    ]
    out = {o["id"]: o for o in dedup_lines(lines, Settings())}
    assert {o["lang"] for o in out.values()} == {language}
    assert all(o["dedup"]["status"] == "unique" for o in out.values())
    assert out[names[2]]["story_id"] == names[0]
    assert out[names[1]]["story_id"] == names[1]


def test_korean_terms_are_words_not_phrases() -> None:
    """Korean spaces bound phrases with their particles attached ("철교를", "the bridge" as
    object); the segmenter finds the word itself, so two sentences about it share a term."""
    first = story_terms("시의회는 월요일 낡은 철교를 보수하기로 결정했다.", "ko")
    second = story_terms("낡은 철교의 보수 공사는 내년 봄에 시작된다.", "ko")
    assert set(first) & set(second)
    assert cosine(first, second) > 0.2


def test_chinese_segmenter_writes_no_cache_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """jieba dumps its prefix dictionary into the temporary directory on first use; syndic's
    tokenizer is built in memory, so workers and tests leave nothing behind."""
    import tempfile

    import wordfreq.chinese

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(wordfreq.chinese, "jieba_tokenizer", None)
    assert segmented_words("市议会周一投票决定修复旧铁路桥。", "zh")[:3] == [
        "市议会",
        "周一",
        "投票",
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("language", ["zh", "ja"])
def test_segmented_story_terms_read_a_bounded_prefix(language: str) -> None:
    """Segmentation costs a few µs a character, so a huge text's terms come from its first
    `SEGMENTED_CHARS`: what follows them, however much, changes nothing."""
    text = _text(f"{language}_bridge_council.txt")
    head = (text * (SEGMENTED_CHARS // len(text) + 1))[:SEGMENTED_CHARS]
    tail = _text(f"{language}_storm.txt") * 50
    assert story_terms(head + tail, language) == story_terms(head, language)
    assert story_terms(tail[:SEGMENTED_CHARS], language) != story_terms(head, language)
