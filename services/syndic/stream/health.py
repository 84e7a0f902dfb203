"""/metrics, /healthz and /readyz, plus the consumer-lag gauges behind readiness.

Served by syndic's own small aiohttp server (faust's web server, with its topology and table
views, stays off). Nothing here changes state: every route is a GET that only reads.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from aiohttp import web
from faust.types import TP, EventT
from mode import Service
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

if TYPE_CHECKING:
    from syndic.stream.app import SyndicApp

log = logging.getLogger("syndic.health")


class Health:
    """What /readyz answers: partitions assigned, no rebalance under way, lag below a bound,
    measured since the assignment (the lag is refreshed every second; a worker that answered
    ready with the lag of no partition yet was ready before anyone knew)."""

    def __init__(self, owner: SyndicApp) -> None:
        self.owner = owner
        self.last_timestamp: dict[TP, float] = {}
        self.lag: dict[TP, int] = {}
        # assignments so far, and the one the lag was last measured under: until the lag is
        # measured after the latest, it describes partitions this worker may no longer own
        self.assignments = 0
        self.measured_at = -1
        self.max_ready_lag = max(owner.settings.batch_size * 5, 1000)

    def install(self, app: Any) -> None:
        health = self

        @app.on_partitions_assigned.connect
        async def on_assigned(sender: Any, assigned: Any, **kwargs: Any) -> None:
            health.assigned()

        @app.service
        class HealthServer(Service):
            """Starts with the worker so /healthz answers during recovery, too."""

            runner: web.AppRunner | None = None

            async def on_start(self) -> None:
                self.runner = await health.start_server()

            async def on_stop(self) -> None:
                if self.runner is not None:
                    await self.runner.cleanup()

            @Service.timer(1.0)
            async def _refresh_lag(self) -> None:
                await health.refresh(app)

    def assigned(self) -> None:
        """A new assignment: the lag measured so far is of the partitions before it."""
        self.assignments += 1

    def processed(self, events: Sequence[EventT]) -> None:
        for event in events:
            message = event.message
            self.last_timestamp[message.tp] = message.timestamp

    async def refresh(self, app: Any) -> None:
        metrics = self.owner.metrics
        generation = self.assignments  # before the assignment is read: a newer one must wait
        try:
            assignment = app.consumer.assignment()
        except Exception:
            return
        lag: dict[TP, int] = {}
        for tp in assignment:
            try:
                highwater = app.consumer.highwater(tp)
                position = await app.consumer.position(tp)
            except Exception:
                continue
            if highwater is None or position is None:
                continue
            behind = max(0, int(highwater) - int(position))
            lag[tp] = behind
            labels = (tp.topic, str(tp.partition))
            metrics.lag_records.labels(*labels).set(behind)
            last = self.last_timestamp.get(tp)
            age = max(0.0, time.time() - last) if (behind and last) else 0.0
            metrics.lag_seconds.labels(*labels).set(age)
            committed = getattr(app.consumer, "_committed_offset", {}).get(tp)
            if committed is not None:
                metrics.committed_offset.labels(*labels).set(committed)
        self.lag = lag
        self.measured_at = generation
        metrics.worker_ready.set(1 if self.is_ready(app) else 0)

    def is_ready(self, app: Any) -> bool:
        measured = self.measured_at == self.assignments
        if not (self.assignments and measured) or getattr(app, "rebalancing", False):
            return False
        return all(behind <= self.max_ready_lag for behind in self.lag.values())

    async def start_server(self) -> web.AppRunner:
        routes = web.Application()
        routes.router.add_get("/metrics", self._metrics)
        routes.router.add_get("/healthz", self._healthz)
        routes.router.add_get("/readyz", self._readyz)
        runner = web.AppRunner(routes, access_log=None)
        await runner.setup()
        settings = self.owner.settings
        await web.TCPSite(runner, settings.web_bind, settings.web_port).start()
        log.info("metrics and health on http://%s:%d", settings.web_bind, settings.web_port)
        return runner

    async def _metrics(self, request: web.Request) -> web.Response:
        body = generate_latest(self.owner.metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def _readyz(self, request: web.Request) -> web.Response:
        ready = self.is_ready(self.owner.faust)
        body = {
            "ready": ready,
            "lag": {f"{tp.topic}:{tp.partition}": n for tp, n in self.lag.items()},
        }
        return web.json_response(body, status=200 if ready else 503)
