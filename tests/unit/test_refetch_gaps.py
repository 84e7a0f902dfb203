"""A fetch answer that skips offsets of a watched topic is refetched, not believed at once
(Tansu can answer a fetch at the head of a partition with a later producer's records before an
earlier producer's are visible: docs/reliability.md, cause 7)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiokafka.consumer.fetcher import READ_UNCOMMITTED, PartitionRecords
from aiokafka.record.default_records import DefaultRecordBatchBuilder
from aiokafka.record.memory_records import MemoryRecords
from aiokafka.structs import TopicPartition

from syndic.stream import faust_fixes


def _batch(base_offset: int, count: int) -> bytes:
    builder = DefaultRecordBatchBuilder(
        magic=2, compression_type=0, is_transactional=0, producer_id=-1,
        producer_epoch=-1, base_sequence=-1, batch_size=1 << 20,
    )  # fmt: skip
    for index in range(count):
        builder.append(index, timestamp=None, key=None, value=b"v", headers=[])
    data = bytearray(builder.build())
    data[0:8] = base_offset.to_bytes(8, "big")  # the batch's base offset
    return bytes(data)


def _fetch(topic: str, fetch_offset: int, base_offset: int) -> tuple[list[int], int]:
    records = PartitionRecords(
        TopicPartition(topic, 0), MemoryRecords(_batch(base_offset, 3)), None, fetch_offset,
        None, None, False, READ_UNCOMMITTED,
    )  # fmt: skip
    offsets = [record.offset for record in records]
    return offsets, records.next_fetch_offset


@pytest.fixture
def watched() -> Iterator[str]:
    faust_fixes.refetch_gaps(["watched"])
    yield "watched"
    faust_fixes._GAPS_SEEN.clear()


def test_a_hole_at_the_head_is_refetched_and_believed_only_once_it_lasts(
    watched: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _fetch(watched, 3, 5) == ([], 3)  # first sight: the position stays at 3
    assert _fetch(watched, 3, 5) == ([], 3)  # still within the patience
    monkeypatch.setattr(faust_fixes, "_HOLE_PATIENCE_S", 0.0)
    assert _fetch(watched, 3, 5) == ([5, 6, 7], 8)  # it lasted: compaction, say


def test_an_answer_without_a_hole_and_other_topics_pass_unchanged(watched: str) -> None:
    assert _fetch(watched, 5, 5) == ([5, 6, 7], 8)
    assert _fetch("a-changelog", 3, 5) == ([5, 6, 7], 8)
