"""The table adapter's changelog: what a batch of writes turns into, byte for byte."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from faust.serializers import codecs

from syndic.stream.table_store import TableStore


def _table(name: str) -> Any:
    return SimpleNamespace(data={}, changelog_topic=SimpleNamespace(get_topic_name=lambda: name))


def test_a_batch_of_writes_becomes_one_record_per_key_in_first_write_order():
    store = TableStore(_table("app-dedup-state-changelog"), partition=3)
    store["d:b"] = {"status": "unique"}
    store["w:b"] = [1, 2]
    store["seq"] = 1
    store["seq"] = 2
    del store["w:b"]
    records = store.changelog()
    assert [(r.topic, r.partition, r.key, r.value) for r in records] == [
        ("app-dedup-state-changelog", 3, b'"d:b"', b'{"status":"unique"}'),
        ("app-dedup-state-changelog", 3, b'"w:b"', None),
        ("app-dedup-state-changelog", 3, b'"seq"', b"2"),
    ]
    assert store.changelog() == []


def test_records_are_what_faust_itself_writes_so_its_recovery_reads_them():
    store = TableStore(_table("t"), partition=0)
    store["bpn:café"] = {"n": 1.5, "lines": ["é"]}
    (record,) = store.changelog()
    json = codecs.get_codec("json")
    assert record.key == json.dumps("bpn:café")
    assert record.value == json.dumps({"n": 1.5, "lines": ["é"]})
