"""The bounded memo behind the per-word caches: computes once, stays under its bound."""

from __future__ import annotations

from syndic.core.memo import BoundedMemo


def test_a_word_is_computed_once_and_then_answered_from_the_memo() -> None:
    calls: list[str] = []

    def upper(word: str) -> str:
        calls.append(word)
        return word.upper()

    memo = BoundedMemo(upper, maxsize=10)
    assert [memo["a"], memo["b"], memo["a"]] == ["A", "B", "A"]
    assert calls == ["a", "b"]


def test_past_its_bound_the_memo_drops_its_older_half() -> None:
    memo = BoundedMemo(len, maxsize=4)
    for word in ("a", "bb", "ccc", "dddd"):
        memo[word]
    assert memo["eeeee"] == 5
    assert list(memo) == ["ccc", "dddd", "eeeee"]


def test_the_memo_counts_its_turnovers_and_is_listed_among_the_bounded_caches() -> None:
    from syndic.core.memo import bounded_caches

    memo = BoundedMemo(len, maxsize=2)
    memo["a"], memo["bb"]
    assert memo.turnovers == 0
    memo["ccc"]  # full: the older half goes first
    assert memo.turnovers == 1
    assert any(cache is memo for cache in bounded_caches())
