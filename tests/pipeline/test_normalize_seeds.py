"""The five real articles of shared/seeds as acceptance cases for the normalizer."""

from __future__ import annotations

from pathlib import Path

import pytest

from syndic.core.model import NormalizedArticle
from syndic.core.normalize import Normalizer

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"

if not SEEDS.is_dir():
    pytest.skip(f"no seeds at {SEEDS}", allow_module_level=True)


def _seed(prefix: str) -> NormalizedArticle:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    raw = {"id": path.stem, "source": path.name, "text": path.read_text(encoding="utf-8")}
    return Normalizer().normalize(raw)


def _absent(article: NormalizedArticle, *needles: str) -> None:
    for needle in needles:
        assert needle.casefold() not in article.text.casefold(), needle


def _present(article: NormalizedArticle, *needles: str) -> None:
    for needle in needles:
        assert needle in article.text, needle


def test_000_labelled_date_and_dateline() -> None:
    article = _seed("000")
    assert article.published_at == "2021-07-11T21:32:00Z"
    assert article.text.startswith("BEIJING (Dispatches)")
    assert article.dateline == "Beijing"
    _absent(article, "News ID", "Publish Date", "Comment:")
    _present(
        article,
        "China has been North Korea’s major ally since the two signed the treaty in 1961.",
        "“China’s position on the Korean Peninsula issue is always clear,” Wang said.",
        "demanded that Washington reverse the move or face retaliatory measures.",
    )
    assert article.text.endswith("face retaliatory measures.")


def test_001_crumb_caption_and_footer() -> None:
    article = _seed("001")
    assert article.title == (
        "60 yrs of friendship: China, North Korea vow to boost ties in face of foreign hostility"
    )
    _absent(article, "News / Koreas", "alternate addresses", "www.presstv.ir")
    _absent(article, "SHARE THIS ARTICLE", "Roku", "(Photo via Reuters)")
    _present(
        article,
        "North Korea and China have hailed the 60th anniversary of their friendship treaty",
        "The White House claimed that Biden was open to negotiations with Pyongyang",
        "which it regards as practice operations to invade the North.",
    )
    assert article.text.endswith("practice operations to invade the North.")


def test_002_site_suffix_label_and_reply_footer() -> None:
    article = _seed("002")
    assert article.title == (
        "China and North Korea pledge to cooperate “in the face of foreign hostility”"
    )
    assert not article.text.startswith("world news")
    _absent(article, "| China News", "Related Articles", "Leave a Reply")
    _absent(article, "Required fields", "Back to top")
    _present(
        article,
        "The Sino-DPRK Treaty is valid for 20 years and was renewed in 1981 and 2001.",
        "But they need each other to deal with Washington, Parker added.",
        "“And the closer they are, the harder it is to denuclearize North Korea.”",
    )


def test_003_published_updated_byline() -> None:
    article = _seed("003")
    assert article.title == "North and China reaffirm ties on treaty anniversary"
    assert article.published_at == "2021-07-11T19:04:00Z"
    assert article.updated_at == "2021-07-11T19:25:00Z"
    assert article.byline == "Michael Lee"
    _absent(article, "email protected", "@", "To write comments", "Standards Board")
    _absent(article, "Published:", "Updated:")
    _present(
        article,
        "Beijing and Pyongyang have described their respective countries as close as",
        "The two countries signed their treaty of friendship on July 11, 1961.",
        "according to China's General Administration of Customers.",
    )


def test_004_banner_is_not_the_date_and_footer_goes() -> None:
    article = _seed("004")
    assert article.title == "Leaders of North Korea, China vow to strengthen ties"
    assert article.published_at == "2021-07-11T12:14:00Z"
    assert article.text.endswith("China doesn’t deploy troops in North Korea.")
    _absent(article, "Saturday Nov 23, 2024", "READ ALSO", "Published by", "Editor:")
    _absent(article, "Registration No", "Contact", "E-mail", "gmail", "©", "All rights reserved")
    _absent(article, "coronavirus pandemic South Korea", "FILE -")
    _present(
        article,
        "China and North Korea have “unswervingly supported each other,”",
        "North Korea-China ties go back to the 1930s",
        "About 28,500 U.S. soldiers are still stationed in South Korea",
    )


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_language_and_idempotence(prefix: str) -> None:
    article = _seed(prefix)
    assert article.lang == "en"
    again = Normalizer().normalize({"id": 1, "source": "again", "text": article.text})
    assert again.text == article.text
    assert len(article.content_hash) == 32
