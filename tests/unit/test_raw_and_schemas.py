"""Raw-record parsing, the reason codes, and valid/invalid examples of every topic's schema."""

from __future__ import annotations

import base64

import orjson
import pytest

from syndic.core.model import RejectedInput, RejectReason
from syndic.core.pipeline import Origin, dlq_record
from syndic.core.raw import RawLimits, parse_raw, record_id
from syndic.core.timeutil import parse_iso, to_iso
from syndic.topics import fast_validator, schema_problem, validator

CHECK = schema_problem("raw")


def reason_for(value: bytes | None, limit: int = 10_000) -> RejectReason:
    with pytest.raises(RejectedInput) as caught:
        parse_raw(value, RawLimits(max_record_bytes=limit), CHECK)
    return caught.value.reason


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, RejectReason.TOMBSTONE),
        (b"\xc3\x28", RejectReason.INVALID_UTF8),
        (b"{oops", RejectReason.INVALID_JSON),
        (b"1" * 400, RejectReason.INVALID_JSON),  # an integer too large for any JSON parser
        (b'"just a string"', RejectReason.NOT_AN_OBJECT),
        (b'{"source": "s"}', RejectReason.MISSING_TEXT),
        (b'{"source": "s", "text": ""}', RejectReason.MISSING_TEXT),
        (b'{"source": 7, "text": "x"}', RejectReason.SCHEMA_VIOLATION),
        (b'{"text": "no source"}', RejectReason.SCHEMA_VIOLATION),
        (b'{"source": "s", "text": "x", "meta": [1]}', RejectReason.SCHEMA_VIOLATION),
    ],
)
def test_each_bad_record_gets_its_reason(value, reason):
    assert reason_for(value) == reason


def test_size_is_checked_before_parsing():
    assert reason_for(b'{"source": "s", "text": "' + b"a" * 200 + b'"}', limit=100) == (
        RejectReason.TOO_LARGE
    )


def test_missing_id_is_derived_from_the_bytes_so_redelivery_keeps_it():
    value = b'{"source": "s", "text": "hello"}'
    assert parse_raw(value, RawLimits(), CHECK)["id"] == record_id(value)
    assert record_id(value) == record_id(bytes(value))
    assert record_id(value) != record_id(value + b" ")
    assert len(record_id(value)) == 21


def test_record_id_is_pinned():
    assert record_id(b"{}") == "r44136fa355b3678a1146"


def test_given_id_is_kept():
    assert (
        parse_raw(b'{"id": "x1", "source": "s", "html": "<p>x</p>"}', RawLimits(), CHECK)["id"]
        == "x1"
    )


def test_iso_times_round_trip_in_utc():
    assert to_iso(parse_iso("2021-07-11T21:32:00+09:00")) == "2021-07-11T12:32:00Z"  # type: ignore[arg-type]
    assert to_iso(parse_iso("2021-07-11 21:32")) == "2021-07-11T21:32:00Z"  # type: ignore[arg-type]
    assert parse_iso("11 July 2021") is None
    assert parse_iso(None) is None


CLEAN = {
    "schema_version": 1,
    "id": "a1",
    "source": "s",
    "url": None,
    "title": "T",
    "text": "Body",
    "published_at": "2024-01-01T00:00:00Z",
    "lang": "en",
    "word_count": 1,
    "content_hash": "0123456789abcdef0123456789abcdef",
    "story_id": "a1",
    "dedup": {"status": "unique", "duplicate_of": None, "similarity": None},
}


def errors(kind: str, document: dict) -> list[str]:
    return [e.message for e in validator(kind).iter_errors(document)]


def test_clean_article_schema_accepts_a_valid_event_and_rejects_broken_ones():
    assert errors("clean", CLEAN) == []
    assert errors("clean", {**CLEAN, "dedup": {**CLEAN["dedup"], "status": "maybe"}})
    assert errors("clean", {k: v for k, v in CLEAN.items() if k != "story_id"})
    exact_without_original = {"status": "exact", "duplicate_of": None, "similarity": None}
    assert errors("clean", {**CLEAN, "dedup": exact_without_original})
    assert errors("clean", {**CLEAN, "published_at": "yesterday"})


def test_raw_schema_examples():
    assert errors("raw", {"source": "s", "text": "x", "published_at": "whenever"}) == []
    assert errors("raw", {"source": "s"})
    assert errors("raw", {"source": "s", "html": 3})


def test_duplicate_event_schema_examples():
    good = {"schema_version": 1, "id": "b", "duplicate_of": "a", "status": "near",
            "similarity": {"resemblance": 0.9, "containment": 0.95}, "story_id": "a",
            "source": "s"}  # fmt: skip
    assert errors("duplicate", good) == []
    assert errors("duplicate", {**good, "status": "unique"})
    assert errors("duplicate", {**good, "similarity": {"resemblance": 1.5}})


def test_dlq_record_keeps_original_bytes_and_validates():
    original = b"\xff not utf-8"
    record = dlq_record(
        original,
        Origin("articles.raw", 3, 42),
        RejectedInput(RejectReason.INVALID_UTF8, "bad byte"),
        failed_at=parse_iso("2024-01-01T00:00:00Z"),  # type: ignore[arg-type]
        key=b"k",
    )
    assert errors("dlq", record) == []
    assert base64.b64decode(record["original_b64"]) == original
    assert record["origin"] == {"topic": "articles.raw", "partition": 3, "offset": 42, "line": None}
    assert errors("dlq", {**record, "reason": "whatever"})
    assert orjson.loads(orjson.dumps(record)) == record


def test_dlq_record_truncates_huge_originals_and_says_so():
    record = dlq_record(
        b"x" * 1000,
        Origin("articles.raw", 0, 1),
        RejectedInput(RejectReason.TOO_LARGE, "big"),
        failed_at=parse_iso("2024-01-01T00:00:00Z"),  # type: ignore[arg-type]
        max_original_bytes=100,
    )
    assert record["original_truncated"] is True
    assert record["original_size"] == 1000
    assert len(base64.b64decode(record["original_b64"])) == 100


def test_the_raw_schema_is_checked_compiled():
    """The raw schema (checked on every record) uses only keywords shared by draft 7 and
    2020-12, so it runs compiled; one that grows another keyword falls back to jsonschema."""
    assert fast_validator("raw") is not None


def test_fast_and_exact_checks_agree_on_raw_records():
    fast = fast_validator("raw")
    assert fast is not None
    records = [
        {"source": "s", "text": "t"},
        {"source": "s", "html": "<p>x</p>", "id": 7, "url": None, "meta": {"a": [1]}},
        {"source": "", "text": "t"},
        {"source": "s"},
        {"text": "t"},
        {"source": "s", "text": 5},
        {"source": "s", "text": "t", "id": ""},
        {"source": "s", "text": "t", "lang": "x" * 17},
        {"source": "s", "text": "t", "meta": []},
        {"source": "s" * 257, "text": "t"},
    ]
    for record in records:
        exact = not list(validator("raw").iter_errors(record))
        try:
            fast(record)
            compiled = True
        except Exception:
            compiled = False
        assert compiled == exact, record
        assert (CHECK(record) is None) == exact, record


def test_fast_path_is_refused_for_keywords_draft_7_reads_differently(monkeypatch):
    from syndic import topics

    topics.fast_validator.cache_clear()
    schema = {"type": "object", "prefixItems": [{"type": "string"}]}
    monkeypatch.setattr(topics, "load_schema", lambda kind: schema)
    try:
        assert topics.fast_validator("raw") is None
    finally:
        topics.fast_validator.cache_clear()
