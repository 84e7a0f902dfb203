"""Partition assignment that gives the deciding worker less of the parallel work.

One worker decides every article (`syndic.sequenced` has one partition), and it prepares its
share of the by-source partitions too, so with an even share it is the busiest worker and the
others wait on it. Measured with 2 workers draining 10,000 articles on an even share
(`python -m syndic.benchmarks.pipeline --only syndic-2w`, `cpu_s_per_process`), the deciding
worker used 8.81 and 8.69 CPU s, the other 6.41 and 6.44: the decision costs s ≈ 0.23 ms
per article, the parallel stages p ≈ 1.29 ms, a ratio r = s / p ≈ 0.18.

With W workers and P partitions, the decider is as busy as the others when it keeps
k = P / W - r P (W - 1) / W partitions (its share of p plus s equals theirs), rounded and at
least 0: with r = 0.2 (`decide_cost_ratio`) and P = 8, k = 3 for 2 workers, 1 for 4 and 0 for
8. A moved partition takes its whole group along: raw and by-source partition q with the
source-memory changelog partition q, which must stay with by-source partition q.

faust's assignor assigns topics with the same partition count as one copartitioned group. The
pure part (`decider_share`, `offload_decider`) works on plain data; the faust part is a
subclass that applies it before faust serialises the assignment. Only the group leader
assigns, so every worker runs the same code path.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, MutableMapping
from typing import Any

from faust.assignor import PartitionAssignor

Actives = MutableMapping[str, list[int]]


def decider_share(partitions: int, workers: int, cost_ratio: float) -> int:
    """How many parallel partitions the deciding worker keeps, so that its share of the
    parallel work plus the decision equals another worker's share (module docstring)."""
    if workers <= 1:
        return partitions
    even = partitions / workers
    keep = even - cost_ratio * partitions * (workers - 1) / workers
    return max(0, math.floor(keep + 0.5))


def offload_decider(
    actives_by_client: Mapping[str, Actives],
    partitions_by_topic: Mapping[str, int],
    *,
    decide_topic: str,
    parallel_topic: str,
    keep: int,
    previous: Mapping[str, Mapping[str, list[int]]] | None = None,
) -> list[int]:
    """Move partitions of `parallel_topic`'s group from the client holding `decide_topic`
    to the clients holding the fewest, in place, until it holds at most `keep` of them; the
    partitions moved.

    A receiver is the other client with the fewest of the group's partitions, ties broken by
    client id. It gets back a partition it held before (`previous`, the clients' last
    assignment), if the decider has one: faust's even share hands the moved partition back to
    the decider at every rebalance, and giving the same one back spares both workers a
    recovery of its source memory. Otherwise the decider's highest-numbered partition moves.
    Nothing moves when there is one client, or when the two topics have the same partition
    count (then they are one group, and the decide topic would move too)."""
    group_size = partitions_by_topic.get(parallel_topic)
    if group_size is None or group_size == partitions_by_topic.get(decide_topic):
        return []
    decider = next((c for c, a in actives_by_client.items() if a.get(decide_topic)), None)
    others = sorted(c for c in actives_by_client if c != decider)
    if decider is None or not others:
        return []
    group = [t for t, n in partitions_by_topic.items() if n == group_size]
    moved: list[int] = []
    while len(held := actives_by_client[decider].get(parallel_topic, [])) > max(keep, 0):
        receiver = min(others, key=lambda c: (len(actives_by_client[c].get(parallel_topic, [])), c))
        before = set((previous or {}).get(receiver, {}).get(parallel_topic, []))
        partition = max(set(held) & before or held)
        for topic in group:
            giver = actives_by_client[decider].get(topic, [])
            if partition in giver:
                giver.remove(partition)
                actives_by_client[receiver].setdefault(topic, []).append(partition)
        moved.append(partition)
    return moved


def assignor_class(
    decide_topic: str, parallel_topic: str, cost_ratio: float
) -> type[PartitionAssignor]:
    """faust's assignor with `offload_decider` applied to every assignment it makes."""

    class DeciderOffloadAssignor(PartitionAssignor):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._previous: dict[str, Mapping[str, list[int]]] = {}

        def _perform_assignment(self, cluster: Any, member_metadata: Any) -> Any:
            self._previous = {
                member: self._get_client_metadata(metadata).assignment.actives
                for member, metadata in member_metadata.items()
            }
            return super()._perform_assignment(cluster, member_metadata)

        # faust calls this hook once per assignment, after the copartitioned groups are
        # assigned and before the result is serialised (syndic has no global tables, for
        # which faust itself uses it).
        def _global_table_standby_assignments(
            self, assignments: Any, partitions_by_topic: Mapping[str, int]
        ) -> Any:
            partitions = partitions_by_topic.get(parallel_topic, 0)
            offload_decider(
                {client: a.actives for client, a in assignments.items()},
                partitions_by_topic,
                decide_topic=decide_topic,
                parallel_topic=parallel_topic,
                keep=decider_share(partitions, len(assignments), cost_ratio),
                previous=self._previous,
            )
            return super()._global_table_standby_assignments(assignments, partitions_by_topic)

    return DeciderOffloadAssignor
