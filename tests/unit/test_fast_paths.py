"""The prepare stage's fast paths give what their plain definitions give, on any text.

Each is written for speed (memoised chunks, C-level scans); these properties pin them to the
straightforward code they replace, so that no output bit depends on the shortcut.
"""

from __future__ import annotations

import re
import sys
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from syndic.core.dedup import terms
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
    chunked = [k for chunk in text.split() for k in terms._chunk_tokens[chunk][0]]
    assert chunked == [terms._key[token] for token in terms._TOKEN.findall(text)]
    marked = Counter(t for chunk in text.split() for t in terms._chunk_tokens[chunk][1])
    assert marked == Counter(
        t for t in terms._TOKEN.findall(text) if t[0].isupper() or t[0].isdigit()
    )


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_the_caption_hint_is_a_substring_test(line: str) -> None:
    lowered = line.lower()
    assert rules._may_be_caption(line) == any(w in lowered for w in rules._CAPTION_WORDS)
