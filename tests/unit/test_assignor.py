"""The deciding worker gives up parallel partitions (stream/assignor.py), as plain data."""

from __future__ import annotations

import pytest

from syndic.stream.assignor import decider_share, offload_decider

RAW, BY_SOURCE, MEMORY = "raw", "by-source", "source-memory-changelog"
SEQUENCED, DECISIONS = "sequenced", "dedup-state-changelog"
PARTITIONS = {RAW: 8, BY_SOURCE: 8, MEMORY: 8, SEQUENCED: 1, DECISIONS: 1}


def _even(clients: int, decider: int = 0) -> dict[str, dict[str, list[int]]]:
    """What faust's copartitioned assignor gives: partition p of the 8-partition group to
    client p % clients, the one-partition group to `decider`."""
    actives: dict[str, dict[str, list[int]]] = {}
    for index in range(clients):
        mine = [p for p in range(8) if p % clients == index]
        actives[f"client-{index}"] = {RAW: list(mine), BY_SOURCE: list(mine), MEMORY: list(mine)}
    actives[f"client-{decider}"].update({SEQUENCED: [0], DECISIONS: [0]})
    return actives


def _offload(actives: dict[str, dict[str, list[int]]], keep: int) -> list[int]:
    return offload_decider(
        actives, PARTITIONS, decide_topic=SEQUENCED, parallel_topic=BY_SOURCE, keep=keep
    )


@pytest.mark.parametrize(
    ("partitions", "workers", "ratio", "keeps"),
    [
        (8, 1, 0.2, 8),  # alone, it keeps everything
        (8, 2, 0.2, 3),  # 4 - 0.8 = 3.2
        (8, 4, 0.2, 1),  # 2 - 1.2 = 0.8
        (8, 8, 0.2, 0),  # 1 - 1.4 < 0: it only decides
        (8, 2, 0.0, 4),  # no ratio: the even share
        (32, 4, 0.2, 3),  # 8 - 4.8 = 3.2
        (8, 3, 0.2, 2),  # 2.67 - 1.07 = 1.6
    ],
)
def test_the_decider_keeps_the_share_that_evens_the_load(partitions, workers, ratio, keeps) -> None:
    assert decider_share(partitions, workers, ratio) == keeps


def test_the_decider_hands_its_highest_partition_to_the_other_worker() -> None:
    actives = _even(2, decider=1)
    assert _offload(actives, 3) == [7]
    assert actives["client-1"][BY_SOURCE] == [1, 3, 5]
    assert sorted(actives["client-0"][BY_SOURCE]) == [0, 2, 4, 6, 7]


def test_a_partition_moves_with_its_whole_group_and_the_decide_group_stays() -> None:
    actives = _even(2, decider=0)
    _offload(actives, 2)
    for topic in (RAW, BY_SOURCE, MEMORY):
        assert actives["client-0"][topic] == [0, 2]
        assert sorted(actives["client-1"][topic]) == [1, 3, 4, 5, 6, 7]
    assert actives["client-0"][SEQUENCED] == [0] and actives["client-0"][DECISIONS] == [0]
    assert SEQUENCED not in actives["client-1"]


def test_partitions_go_to_the_least_loaded_workers_in_turn() -> None:
    actives = _even(4, decider=2)  # each holds 2
    assert _offload(actives, 0) == [6, 2]
    counts = {client: len(a[BY_SOURCE]) for client, a in actives.items()}
    assert counts == {"client-0": 3, "client-1": 3, "client-2": 0, "client-3": 2}
    every = sorted(p for a in actives.values() for p in a[BY_SOURCE])
    assert every == list(range(8))  # nothing lost or doubled


def test_nothing_moves_for_one_worker_a_zero_count_or_one_group() -> None:
    alone = _even(1)
    assert _offload(alone, 0) == [] and alone["client-0"][BY_SOURCE] == list(range(8))
    pair = _even(2)
    assert _offload(pair, 4) == [] and _offload(pair, 5) == []
    same_size = {RAW: 1, BY_SOURCE: 1, MEMORY: 1, SEQUENCED: 1, DECISIONS: 1}
    single = {
        "a": {RAW: [0], BY_SOURCE: [0], MEMORY: [0], SEQUENCED: [0], DECISIONS: [0]},
        "b": {},
    }
    moved = offload_decider(
        single, same_size, decide_topic=SEQUENCED, parallel_topic=BY_SOURCE, keep=0
    )
    assert moved == [] and single["a"][SEQUENCED] == [0]


def test_the_decider_cannot_give_more_than_it_has() -> None:
    actives = _even(4, decider=1)
    assert _offload(actives, -1) == [5, 1]
    assert actives["client-1"][BY_SOURCE] == []


def test_a_receiver_gets_back_the_partition_it_held_before() -> None:
    """faust's even share gives the moved partition back to the decider at each rebalance;
    handing back the same one moves no source memory."""
    again = _even(2, decider=0)  # the rebalance's even share: client-0 has 0, 2, 4, 6
    moved = offload_decider(
        again, PARTITIONS, decide_topic=SEQUENCED, parallel_topic=BY_SOURCE, keep=3,
        previous={"client-1": {BY_SOURCE: [1, 2, 3, 5, 7]}},
    )  # fmt: skip
    assert moved == [2]  # not the highest, 6: client-1 had 2 before
    assert again["client-0"][BY_SOURCE] == [0, 4, 6]
    assert sorted(again["client-1"][MEMORY]) == [1, 2, 3, 5, 7]
