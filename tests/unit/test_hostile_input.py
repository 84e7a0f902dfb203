"""Hostile records are rejected with their reason code, quickly, without raising anything else."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syndic.batch import dedup_lines
from syndic.core.model import RejectedInput, RejectReason
from syndic.core.raw import RawLimits, parse_raw
from syndic.settings import load_settings
from syndic.topics import schema_problem

CHECK = schema_problem("raw")
LIMITS = RawLimits(max_record_bytes=2_000_000)


def reason(value: bytes | None) -> RejectReason:
    with pytest.raises(RejectedInput) as caught:
        parse_raw(value, LIMITS, CHECK)
    return caught.value.reason


def test_json_nested_ten_thousand_deep():
    assert reason(b"[" * 10_000 + b"]" * 10_000) == RejectReason.INVALID_JSON
    assert reason(b'{"a":' * 10_000 + b"1" + b"}" * 10_000) == RejectReason.INVALID_JSON


def test_integer_with_a_hundred_thousand_digits():
    assert reason(b'{"source": "s", "text": "x", "n": ' + b"9" * 100_000 + b"}") == (
        RejectReason.INVALID_JSON
    )


def test_fifty_megabytes_is_too_large_before_any_parsing():
    started = time.perf_counter()
    assert reason(b"{" + b" " * 50_000_000 + b"}") == RejectReason.TOO_LARGE
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    "value",
    [b'{"source": ["a"], "text": "x"}', b'{"source": "s", "text": {"x": 1}}',
     b'{"source": "s", "text": "x", "published_at": 17}', b'{"source": "", "text": "x"}'],
)  # fmt: skip
def test_wrong_types_are_schema_violations(value):
    assert reason(value) == RejectReason.SCHEMA_VIOLATION


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_clean_event_or_a_dlq_record(value):
    [out] = list(dedup_lines([value], load_settings(env={})))
    assert ("dedup" in out) != ("reason" in out)
    if "reason" in out:
        assert out["reason"] in {r.value for r in RejectReason}


@pytest.mark.parametrize("field", ["html", "text"])
def test_a_page_of_too_many_elements_is_too_large_before_extraction(field):
    """trafilatura takes ~19 µs a tag: 108,000 one-word elements held a worker 4.4 s.
    Counted before extraction, such a page goes to the dead-letter topic as `too_large`, in
    `html` or as a page in `text`; a page of paragraphs of the same size is read."""
    from syndic.core.normalize import Normalizer

    crowded = f"<!DOCTYPE html><html><body>{'<b>' * 160_000}</body></html>"  # 480 KB
    with pytest.raises(RejectedInput) as caught:
        Normalizer().normalize({"id": "1", "source": "s", field: crowded})
    assert caught.value.reason == RejectReason.TOO_LARGE
    assert str(caught.value).endswith("html has 160005 tags")
    prose = " ".join(f"word{i} is part of a sentence." for i in range(12))
    paragraphs = "".join(f"<p>{prose} {i}</p>" for i in range(1_000))
    page = f"<!DOCTYPE html><html><body><article>{paragraphs}</article></body></html>"
    assert Normalizer().normalize({"id": "2", "source": "s", field: page}).text
