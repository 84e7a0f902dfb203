"""Shared fixtures: a real Tansu broker for the session, and syndic workers as subprocesses.

Every integration test gets its own topic names and consumer group (a per-test prefix), so
tests share one broker without seeing each other's records.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest

from syndic.admin import create_topics
from syndic.broker import EmbeddedBroker, die_with_parent, free_port
from syndic.client import consume
from syndic.settings import Settings, load_settings, namespaced

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
_counter = itertools.count()


def wait_for(condition: Callable[[], Any], timeout: float, what: str, every: float = 0.1) -> Any:
    """Poll `condition` until it returns something truthy, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


# caches the tools themselves keep in the checkout; anything else new is a leak
_TOOL_CACHES = {".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", "__pycache__"}


@pytest.fixture(scope="session", autouse=True)
def leaves_no_files_in_the_checkout() -> Iterator[None]:
    """Fail the session if a test, worker or benchmark left a file or directory in the repo
    root (faust, for one, creates `<app_id>-data` in its cwd unless told otherwise)."""
    before = set(os.listdir(REPO))
    yield
    left = sorted(set(os.listdir(REPO)) - before - _TOOL_CACHES)
    if left:
        pytest.fail(f"the tests left these behind in {REPO}: {left}")


@pytest.fixture(scope="session")
def tansu() -> Iterator[EmbeddedBroker]:
    broker = EmbeddedBroker().start()
    try:
        yield broker
    finally:
        broker.stop()


def isolated_settings(broker: EmbeddedBroker, **overrides: Any) -> Settings:
    n = next(_counter)
    prefix = f"t{os.getpid()}-{n}"
    values: dict[str, Any] = {
        **namespaced(prefix),
        "broker": broker.bootstrap,
        "session_timeout_s": 6.0,
        "heartbeat_interval_s": 0.5,
        "web_port": free_port(),
    }
    values.update(overrides)
    return load_settings(overrides=values, env={})


def settings_env(settings: Settings) -> dict[str, str]:
    """The settings as SYNDIC_* variables, the way a deployment passes them to a worker."""
    return {f"SYNDIC_{name.upper()}": str(getattr(settings, name)) for name in Settings.names()}


@dataclass
class WorkerHandle:
    settings: Settings
    process: subprocess.Popen[bytes]
    log_path: Path
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://{self.settings.web_bind}:{self.settings.web_port}"

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=2) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except OSError:
            return 0, b""

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., WorkerHandle]]:
    """Start `syndic worker` subprocesses; all are stopped when the test ends."""
    handles: list[WorkerHandle] = []

    def start(settings: Settings, **overrides: Any) -> WorkerHandle:
        run_settings = settings.replace(**overrides) if overrides else settings
        if not run_settings.data_dir:  # faust would create `<app_id>-data` in the checkout
            run_settings = run_settings.replace(data_dir=str(tmp_path / f"data-{len(handles)}"))
        env = {**os.environ, **settings_env(run_settings), "SYNDIC_LOG_LEVEL": "info"}
        log_path = tmp_path / f"worker-{len(handles)}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "syndic", "worker"],
                env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent,
            )  # fmt: skip
        handle = WorkerHandle(run_settings, process, log_path)
        handles.append(handle)
        return handle

    yield start
    for handle in handles:
        handle.stop()


def make_topics(settings: Settings) -> None:
    asyncio.run(create_topics(settings))


def read_topic(
    settings: Settings, topic: str, expected: int, timeout: float
) -> list[dict[str, Any]]:
    """Read `topic` from the start until `expected` records arrived (or fail at the deadline)."""
    found: list[dict[str, Any]] = []

    async def gather() -> None:
        async for record in consume(settings, [topic]):
            value = orjson.loads(record.value or b"null")
            found.append(value if isinstance(value, dict) else {"value": value})
            if len(found) >= expected:
                return

    try:
        asyncio.run(asyncio.wait_for(gather(), timeout))
    except TimeoutError:
        raise AssertionError(
            f"{topic}: {len(found)} of {expected} records after {timeout:.0f} s"
        ) from None
    return found


def read_ids(
    settings: Settings, topic: str, ids: Iterable[str], timeout: float
) -> dict[str, dict[str, Any]]:
    """Read `topic` from the start until every id in `ids` has an event; the first per id.

    At-least-once delivery may repeat an id (after a restart or rebalance), so counting records
    is not enough: this waits for the ids themselves."""
    wanted = set(ids)
    first: dict[str, dict[str, Any]] = {}

    async def gather() -> None:
        async for record in consume(settings, [topic]):
            value = orjson.loads(record.value or b"null")
            if isinstance(value, dict) and "id" in value:
                first.setdefault(str(value["id"]), value)
            if wanted <= first.keys():
                return

    try:
        asyncio.run(asyncio.wait_for(gather(), timeout))
    except TimeoutError:
        missing = sorted(wanted - first.keys())
        raise AssertionError(
            f"{topic}: {len(missing)} of {len(wanted)} ids missing after {timeout:.0f} s: "
            f"{missing[:10]}"
        ) from None
    return first


@pytest.fixture
def live_worker_metrics_url(
    tansu: EmbeddedBroker, start_worker: Callable[..., WorkerHandle]
) -> str:
    """A running worker that has processed a few articles; its /metrics URL."""
    from syndic.client import produce
    from syndic.samples.demo import demo_records

    settings = isolated_settings(tansu)
    make_topics(settings)
    worker = start_worker(settings)
    records = demo_records()
    asyncio.run(produce(settings, [("demo", r) for r in records]))
    read_topic(settings, settings.topic_clean, len(records) - 1, timeout=90)
    wait_for(lambda: worker.get("/metrics")[0] == 200, 30, "/metrics to answer")
    return worker.base_url + "/metrics"
