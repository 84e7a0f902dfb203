"""The worker's logging: no debug records are built at the quieter log levels."""

from __future__ import annotations

import logging

import pytest

from syndic.settings import load_settings
from syndic.stream.app import build_app
from syndic.worker import quiet_worker


@pytest.mark.parametrize("level", ["warning", "info", "error"])
def test_aiokafka_and_faust_debug_calls_build_no_records(level: str) -> None:
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    app = build_app(load_settings(overrides={"log_level": level}, env={}))
    worker = quiet_worker(app.faust, level)
    try:
        worker._setup_logging()
        for name in ("aiokafka.producer.producer", "faust.topics", "aiokafka.conn"):
            assert not logging.getLogger(name).isEnabledFor(logging.DEBUG), name
        assert logging.getLogger("syndic").isEnabledFor(logging.getLevelName(level.upper()))
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
