"""Properties: idempotence of `text`, and only RejectedInput, quickly, on any input."""

from __future__ import annotations

import time
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from syndic.core.model import RejectedInput
from syndic.core.normalize import BoilerplateMemory, Normalizer

NORMALIZER = Normalizer()
BOUND_SECONDS = 2.0
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_VOCAB = (
    "the council said “we” will vote on Monday — share READ ALSO: By Jane Doe © 2021 "
    "News / World Published: 11 Jul. 2021, 19:04 www.example.org a@b.co FILE - Photo: x "
    "café Ã© \u200b \u202e \x00 | Site"
)
_words = st.sampled_from(_VOCAB.split(" "))
_line = st.lists(_words, min_size=0, max_size=30).map(" ".join)
_articles = st.lists(st.one_of(_line, st.text(max_size=200)), min_size=1, max_size=25).map(
    "\n".join
)


def _run(raw: dict[str, Any], memory: BoilerplateMemory | None = None) -> Any:
    started = time.perf_counter()
    try:
        return NORMALIZER.normalize(raw, memory)
    except RejectedInput:
        return None
    finally:
        assert time.perf_counter() - started < BOUND_SECONDS


@FAST
@given(_articles)
@example("the the a@b.co Jul.\nthe\nthe the the Jul.")  # a contact line ended the header
@example("Published on Monday, 4 March 2009.\nWorld\nThe council met on Monday to vote.")
@example("\u00ce\x1f\u00a1")  # removing the control character made mojibake ("\u03a1")
def test_text_is_idempotent(text: str) -> None:
    first = _run({"id": 1, "source": "s", "text": text})
    if first is None:
        return
    second = NORMALIZER.normalize({"id": 1, "source": "s", "text": first.text})
    assert second.text == first.text
    assert second.content_hash == first.content_hash


@FAST
@given(st.text(max_size=2_000), st.booleans())
def test_random_unicode_returns_or_rejects(text: str, as_html: bool) -> None:
    _run({"id": 1, "source": "s", ("html" if as_html else "text"): text}, BoilerplateMemory({}))


@settings(max_examples=15, deadline=None)
@given(
    st.sampled_from("a.-—:/ |(@"),
    st.integers(min_value=10_000, max_value=400_000),
    st.booleans(),
)
def test_regex_bait_and_huge_lines(char: str, size: int, as_html: bool) -> None:
    text = "Published: " + char * size + "\nBY " + "A" * size
    _run({"id": 1, "source": "s", ("html" if as_html else "text"): text})


@settings(max_examples=8, deadline=None)
@given(st.integers(min_value=100, max_value=5_000), st.sampled_from(["div", "b", "span"]))
def test_deeply_nested_html(depth: int, tag: str) -> None:
    html = f"<{tag} x='{'y' * 10_000}'>" * depth + "Some words here." + f"</{tag}>" * depth
    _run({"id": 1, "source": "s", "html": f"<html><body>{html}</body></html>"})


@settings(max_examples=20, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["id", "source", "text", "html", "title", "url", "meta", "lang"]),
        st.one_of(st.none(), st.integers(), st.text(max_size=50), st.lists(st.integers())),
    )
)
def test_wrong_field_types_only_reject(raw: dict[str, Any]) -> None:
    _run(raw)
