"""Partition assignment that gives the deciding worker less of the parallel work.

One worker decides every article (`syndic.sequenced` has one partition), and it prepares its
share of the by-source partitions too, so with an even share it is the busiest worker and the
others wait on it: measured with 2 workers draining 10,000 articles, the deciding worker used
8.95 CPU s and the other 6.52 (`python -m syndic.benchmarks.pipeline --only syndic-2w`,
`cpu_s_per_process`). Giving it `decider_offload_partitions` fewer partitions of the parallel
group (raw and by-source partition p, with the source-memory changelog partition p, which
must stay with by-source partition p) evens the load out.

faust's assignor assigns topics with the same partition count as one copartitioned group, so
the group moves together, partition by partition. The pure part (`offload_decider`) works on
plain mappings; the faust part is a subclass that applies it before faust serialises the
assignment. Only the group leader assigns, so every worker runs the same code path.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from faust.assignor import PartitionAssignor

Actives = MutableMapping[str, list[int]]


def offload_decider(
    actives_by_client: Mapping[str, Actives],
    partitions_by_topic: Mapping[str, int],
    *,
    decide_topic: str,
    parallel_topic: str,
    count: int,
    previous: Mapping[str, Mapping[str, list[int]]] | None = None,
) -> list[int]:
    """Move up to `count` partitions of `parallel_topic`'s group from the client holding
    `decide_topic` to the clients holding the fewest, in place; the partitions moved.

    A receiver is the other client with the fewest of the group's partitions, ties broken by
    client id. It gets back a partition it held before (`previous`, the clients' last
    assignment), if the decider has one: faust's even share hands the moved partition back to
    the decider at every rebalance, and giving the same one back spares both workers a
    recovery of its source memory. Otherwise the decider's highest-numbered partition moves.
    The decider never goes below zero. Nothing moves when there is one client, or when the
    two topics have the same partition count (then they are one group, and the decide topic
    would move too)."""
    group_size = partitions_by_topic.get(parallel_topic)
    if count <= 0 or group_size is None or group_size == partitions_by_topic.get(decide_topic):
        return []
    decider = next((c for c, a in actives_by_client.items() if a.get(decide_topic)), None)
    others = sorted(c for c in actives_by_client if c != decider)
    if decider is None or not others:
        return []
    group = [t for t, n in partitions_by_topic.items() if n == group_size]
    moved: list[int] = []
    for _ in range(count):
        held = actives_by_client[decider].get(parallel_topic, [])
        if not held:
            break
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


def assignor_class(decide_topic: str, parallel_topic: str, count: int) -> type[PartitionAssignor]:
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
            offload_decider(
                {client: a.actives for client, a in assignments.items()},
                partitions_by_topic,
                decide_topic=decide_topic,
                parallel_topic=parallel_topic,
                count=count,
                previous=self._previous,
            )
            return super()._global_table_standby_assignments(assignments, partitions_by_topic)

    return DeciderOffloadAssignor
