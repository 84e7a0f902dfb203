"""`syndic worker`: one process of the consumer group, run by faust's Worker (signals, logging)."""

from __future__ import annotations

import logging

import faust

from syndic.metrics import Metrics
from syndic.settings import Settings
from syndic.stream.app import build_app


def run_worker(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    app = build_app(settings, Metrics())
    worker = faust.Worker(app.faust, loglevel=settings.log_level, quiet=True)
    worker.execute_from_commandline()
