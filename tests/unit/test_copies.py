"""The evaluation's generated copies: each kind is the change it is named after."""

from __future__ import annotations

import random

from syndic.evaluation.copies import KINDS, MORE_KINDS, make_copy

PARAGRAPHS = [f"Paragraph {i} says " + " ".join(f"w{i}x{j}" for j in range(20)) for i in range(6)]
RECORD = {"id": "r", "title": "A headline", "text": "\n".join(PARAGRAPHS), "cluster": 1}


def _copy(kind: str, seed: int = 1) -> dict[str, object]:
    return make_copy(RECORD, kind, random.Random(seed))


def test_the_kinds_the_targets_are_set_on_are_unchanged() -> None:
    assert KINDS == ("verbatim", "reformatted", "wrapped", "truncated", "edited")
    assert not set(KINDS) & set(MORE_KINDS)


def test_a_lead_is_the_first_two_paragraphs() -> None:
    assert _copy("lead")["text"] == "\n".join(PARAGRAPHS[:2])


def test_a_short_cut_keeps_the_first_fifth_to_two_fifths_of_the_words() -> None:
    words = RECORD["text"].split(" ")
    for seed in range(20):
        kept = str(_copy("cut_short", seed)["text"]).split(" ")
        assert kept == words[: len(kept)]
        assert 0.2 * len(words) - 1 <= len(kept) <= 0.4 * len(words)


def test_a_dropped_paragraph_is_one_from_the_middle() -> None:
    for seed in range(20):
        left = str(_copy("paragraph_dropped", seed)["text"]).split("\n")
        assert len(left) == len(PARAGRAPHS) - 1
        assert left[0] == PARAGRAPHS[0] and left[-1] == PARAGRAPHS[-1]
        assert set(left) < set(PARAGRAPHS)


def test_swapped_paragraphs_are_two_neighbours_after_the_first() -> None:
    for seed in range(20):
        swapped = str(_copy("paragraphs_swapped", seed)["text"]).split("\n")
        moved = [i for i, p in enumerate(swapped) if p != PARAGRAPHS[i]]
        assert len(moved) == 2 and moved[1] == moved[0] + 1 and moved[0] >= 1
        assert sorted(swapped) == sorted(PARAGRAPHS)


def test_a_page_is_posted_as_html_holding_every_paragraph() -> None:
    page = _copy("page")
    assert "text" not in page and page["title"] == "A headline"
    html = str(page["html"])
    assert html.startswith("<html>") and "<h1>A headline</h1>" in html
    assert all(f"<p>{p}</p>" in html for p in PARAGRAPHS)


def test_a_reworded_copy_keeps_its_length_and_changes_about_one_word_in_twelve() -> None:
    words = RECORD["text"].split(" ")
    changed = []
    for seed in range(20):
        reworded = str(_copy("reworded", seed)["text"]).split(" ")
        assert len(reworded) == len(words) and set(reworded) <= set(words)
        changed.append(sum(a != b for a, b in zip(reworded, words, strict=True)) / len(words))
    assert 0.05 < sum(changed) / len(changed) < 0.09  # a replacement may draw the same word
