"""Language detection: CLD2 answers where it is sure, lingua everywhere else."""

from __future__ import annotations

import json
from pathlib import Path

import pycld2
import pytest

from syndic.core.normalize import language

LEDES: dict[str, str] = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "languages" / "ledes.json").read_text("utf-8")
)


@pytest.mark.parametrize("code", sorted(LEDES))
def test_a_news_lede_is_named_by_cld2_as_lingua_names_it(code: str) -> None:
    sample = LEDES[code][:160]
    assert language.detect(sample, 160) == code
    assert language._cld2_if_sure(sample) == code  # the fast path answered
    assert language._lingua(sample) == code  # and the slow one agrees


def test_every_language_lingua_chooses_from_has_a_lede() -> None:
    assert set(LEDES) == language._NAMED


def _cld2_alone(text: str) -> tuple[bool, str]:
    reliable, _, found = pycld2.detect(text)
    return reliable, found[0][1]


def test_a_short_norwegian_line_is_lingua_s_to_name() -> None:
    line = "brua over elva for reparasjoner"
    assert _cld2_alone(line) == (True, "nn")  # what CLD2 alone would say
    assert language.detect(line, 160) == "nb"


def test_a_danish_fragment_cld2_reads_as_english_is_left_to_lingua() -> None:
    fragment = "ro over åen for reparationer til foråret"
    assert _cld2_alone(fragment) == (True, "en")
    assert language.detect(fragment, 160) != "en"


@pytest.mark.parametrize("odd", ["\x07", "\x00"])
def test_characters_cld2_refuses_fall_back_to_lingua(odd: str) -> None:
    text = f"The council voted{odd} on Tuesday to close the old bridge over the river for repairs."
    assert language._cld2_if_sure(text) is None
    assert language.detect(text, 160) == "en"


def test_a_lone_surrogate_names_no_language_and_raises_nothing() -> None:
    # orjson refuses one in a record, so only a caller of the core can pass it
    text = "The council voted\ud800 on Tuesday to close the bridge. " * 2
    assert language.detect(text, 160) is None


def test_too_short_a_sample_names_no_language() -> None:
    assert language.detect("Short line.", 160) is None
