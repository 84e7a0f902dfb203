"""/readyz says ready only with a lag measured since the latest assignment.

The lag is refreshed every second. Before, a worker answered ready as soon as it had an
assignment, with the lag of no partition at all, and a test that read its partitions from
/readyz right after the articles came out found none (tests/integration/
test_scaling_and_restart.py, once recovery of an empty changelog stopped taking 0.3 s).
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from faust.types import TP
from prometheus_client import CollectorRegistry

from syndic.metrics import Metrics
from syndic.settings import load_settings
from syndic.stream.health import Health


class _Consumer:
    def __init__(self, partitions: dict[TP, tuple[int, int]]) -> None:
        self.partitions = partitions  # tp -> (highwater, position)

    def assignment(self) -> set[TP]:
        return set(self.partitions)

    def highwater(self, tp: TP) -> int:
        return self.partitions[tp][0]

    async def position(self, tp: TP) -> int:
        return self.partitions[tp][1]


def _health() -> Health:
    owner = SimpleNamespace(
        settings=load_settings(env={}), metrics=Metrics(registry=CollectorRegistry())
    )
    return Health(owner)  # type: ignore[arg-type]


def test_not_ready_until_the_lag_is_measured_after_the_assignment() -> None:
    health = _health()
    app = SimpleNamespace(consumer=_Consumer({TP("raw", 0): (10, 10)}), rebalancing=False)
    assert not health.is_ready(app)
    health.assigned()
    assert not health.is_ready(app)  # assigned, lag not measured yet
    asyncio.run(health.refresh(app))
    assert health.is_ready(app) and health.lag == {TP("raw", 0): 0}
    health.assigned()  # a rebalance: the lag above is of the old assignment
    assert not health.is_ready(app)
    asyncio.run(health.refresh(app))
    assert health.is_ready(app)


def test_a_lag_measured_across_a_new_assignment_does_not_count() -> None:
    health = _health()
    health.assigned()

    class _Racing(_Consumer):
        async def position(self, tp: TP) -> int:
            health.assigned()  # the assignment changes while this refresh is under way
            return 0

    app = SimpleNamespace(consumer=_Racing({TP("raw", 0): (5, 0)}), rebalancing=False)
    asyncio.run(health.refresh(app))
    assert not health.is_ready(app)


def test_lag_above_the_bound_is_not_ready() -> None:
    health = _health()
    health.assigned()
    behind = health.max_ready_lag + 1
    app = SimpleNamespace(consumer=_Consumer({TP("raw", 0): (behind, 0)}), rebalancing=False)
    asyncio.run(health.refresh(app))
    assert health.measured_at == health.assignments and not health.is_ready(app)
