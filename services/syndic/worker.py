"""`syndic worker`: one process of the consumer group, run by faust's Worker (signals, logging)."""

from __future__ import annotations

import gc
import logging

import faust

from syndic.core.dedup import terms
from syndic.core.normalize import language
from syndic.metrics import Metrics
from syndic.settings import Settings
from syndic.stream.app import build_app


def run_worker(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    app = build_app(settings, Metrics())
    worker = quiet_worker(app.faust, settings.log_level)
    language.warm_up()
    terms.warm_up()
    # What exists now (modules, classes, faust's and aiokafka's services: ~85,000 objects) lives
    # as long as the process; frozen, it is left out of every full collection, each of which
    # pauses all agents. The window's own state is built to be invisible to the collector
    # (plain values, tuples and bytearrays in `core/dedup/index.py`).
    gc.freeze()
    worker.execute_from_commandline()


def quiet_worker(app: faust.App, log_level: str) -> faust.Worker:
    """A faust Worker without its terminal spinner. At a log level of WARN or above faust keeps
    the spinner and sets the root logger to DEBUG for it, so every debug call in aiokafka and
    faust (several per record sent or fetched) builds a LogRecord that is then thrown away."""
    worker = faust.Worker(app, loglevel=log_level, quiet=True)
    worker.spinner = None
    return worker
