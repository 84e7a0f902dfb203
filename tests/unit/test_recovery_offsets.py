"""Which changelog partitions a recovery reads: only those that hold records.

An empty one was known empty only from a fetch's high watermark, after `getmany` had waited its
whole timeout (0.3 s on every first batch after an assignment); its start and end offsets tell
at once (`stream/recovery.py`). They are asked before any partition is assigned, since the
consumer's long-poll fetch would go first on the connection. The end offsets here are Tansu's
kind too: short of the true end, but past the start whenever a record is there.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka import TopicPartition

from syndic.stream import recovery

TOPIC = "changelog"


# Four partitions: 0 empty; 1 holds two records (Tansu's short end offset, 1, still past the
# start); 2 expired to nothing (start = end > 0); 3 one record, a deletion.
STARTS = {0: 0, 1: 0, 2: 7, 3: 0}
ENDS = {0: 0, 1: 1, 2: 7, 3: 1}
RECORDS = {1: [(b'"a"', b"1"), (b'"b"', b"2")], 3: [(b'"c"', None)]}
CALLS: list[str] = []  # what the recovery asked of its consumer, in order


class _Consumer:
    def __init__(self, **options: Any) -> None:
        self.assigned: list[TopicPartition] = []
        self.sent: set[TopicPartition] = set()

    async def start(self) -> None:
        CALLS.append("start")

    async def stop(self) -> None:
        CALLS.append("stop")

    async def beginning_offsets(self, wanted: list[TopicPartition]) -> dict[TopicPartition, int]:
        CALLS.append("offsets")
        return {tp: STARTS[tp.partition] for tp in wanted}

    async def end_offsets(self, wanted: list[TopicPartition]) -> dict[TopicPartition, int]:
        CALLS.append("offsets")
        return {tp: ENDS[tp.partition] for tp in wanted}

    def assign(self, partitions: list[TopicPartition]) -> None:
        CALLS.append("assign")
        assert sorted(tp.partition for tp in partitions) == [1, 3]  # only those with records
        self.assigned = list(partitions)

    async def seek_to_beginning(self, *partitions: TopicPartition) -> None:
        pass

    async def getmany(self, *partitions: TopicPartition, **options: Any) -> dict[Any, Any]:
        CALLS.append("getmany")
        batch = {}
        for tp in partitions:
            if tp not in self.sent:
                self.sent.add(tp)
                batch[tp] = [
                    SimpleNamespace(offset=i, key=k, value=v)
                    for i, (k, v) in enumerate(RECORDS[tp.partition])
                ]
        return batch

    def highwater(self, tp: TopicPartition) -> int:
        return len(RECORDS.get(tp.partition, []))


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    CALLS.clear()
    monkeypatch.setattr(recovery, "AIOKafkaConsumer", _Consumer)
    return CALLS


def _replay(partitions: list[int]) -> dict[int, list[tuple[str, Any]]]:
    return asyncio.run(recovery.replay_changelog("broker:9092", TOPIC, partitions))


def test_empty_partitions_are_not_fetched_at_all(calls: list[str]) -> None:
    assert _replay([0, 2]) == {0: [], 2: []}
    assert calls == ["start", "offsets", "offsets", "stop"]


def test_only_partitions_with_records_are_assigned_and_read_to_the_end(calls: list[str]) -> None:
    assert _replay([0, 1, 2, 3]) == {0: [], 1: [("a", 1), ("b", 2)], 2: [], 3: [("c", None)]}
    assert calls[:4] == ["start", "offsets", "offsets", "assign"]
    assert calls[-1] == "stop" and "getmany" in calls
