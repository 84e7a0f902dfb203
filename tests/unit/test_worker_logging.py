"""The worker's start: no debug records built at the quieter log levels, start-up objects frozen."""

from __future__ import annotations

import gc
import logging
import sys

import pytest

from syndic.settings import load_settings
from syndic.stream.app import build_app
from syndic.worker import quiet_worker


@pytest.mark.parametrize("level", ["warning", "info", "error"])
def test_aiokafka_and_faust_debug_calls_build_no_records(level: str) -> None:
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    streams = (sys.stdout, sys.stderr)
    app = build_app(load_settings(overrides={"log_level": level}, env={}))
    worker = quiet_worker(app.faust, level)
    try:
        worker._setup_logging()
        for name in ("aiokafka.producer.producer", "faust.topics", "aiokafka.conn"):
            assert not logging.getLogger(name).isEnabledFor(logging.DEBUG), name
        assert logging.getLogger("syndic").isEnabledFor(logging.getLevelName(level.upper()))
    finally:
        # The worker redirected sys.stdout and sys.stderr to a logger, in a context that
        # puts back sys.__stdout__ when it ends: ended here, not by a later test's garbage
        # collection, which would swap out that test's captured stdout.
        worker.exit_stack.close()
        sys.stdout, sys.stderr = streams
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]


def test_the_worker_freezes_what_it_built_before_it_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import faust

    from syndic.worker import run_worker

    frozen_at_start: list[int] = []
    monkeypatch.setattr(
        faust.Worker,
        "execute_from_commandline",
        lambda self: frozen_at_start.append(gc.get_freeze_count()),
    )
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    try:
        run_worker(load_settings(overrides={"log_level": "warning"}, env={}))
    finally:
        gc.unfreeze()
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
    assert frozen_at_start and frozen_at_start[0] > 10_000
