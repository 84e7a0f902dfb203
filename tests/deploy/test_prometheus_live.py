"""A real Prometheus (Debian's package) scrapes syndic metrics with the rules loaded.

Every PromQL expression of the Grafana dashboard and of the alert/recording rules is
evaluated through the HTTP API without error, every rule evaluates healthily, and the core
panels return data. Two sources of metrics:

* `metrics_stub_url`: an in-process exporter (prometheus_client) serving every syndic
  series with values that move with time, so this runs everywhere in a second or two;
* `live_worker_metrics_url` (tests/conftest.py): a real worker on the Tansu broker that
  has processed articles (marked `broker`).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import CollectorRegistry, ProcessCollector, start_http_server
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)

from tests.deploy._paths import PROM_DIR, dashboard_exprs, require_tool, rule_exprs

# Panels that must show data once articles have flowed (title -> must be non-empty).
CORE_PANELS = (
    "Articles in per second",
    "Articles out per second",
    "Verdict mix",
    "Duplicate ratio per source",
    "End-to-end latency p50 / p99",
    "Stage latency p99",
    "Workers up / ready",
    "Worker CPU",
    "Worker memory (RSS)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll a condition until truthy or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")


class Prometheus:
    def __init__(self, base: str) -> None:
        self.base = base

    def get(self, path: str, **params: str) -> dict:
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return json.loads(resp.read())
        except urllib.error.HTTPError as err:  # 400/422 carry the PromQL error as JSON
            return json.loads(err.read())

    def query(self, expr: str) -> dict:
        return self.get("/api/v1/query", query=expr)

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.base + "/-/ready", timeout=2) as resp:
                return resp.status == 200
        except OSError:
            return False


@pytest.fixture
def start_prometheus() -> Iterator[Callable[[str], Prometheus]]:
    """Start `prometheus` scraping one /metrics URL every second, with the repo's rules."""
    started: list[tuple[subprocess.Popen[bytes], str]] = []

    def start(metrics_url: str) -> Prometheus:
        binary = require_tool("prometheus")
        url = urllib.parse.urlsplit(metrics_url)
        workdir = tempfile.mkdtemp(prefix="syndic-prom-")
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(PROM_DIR / "rules" / "*.yml")],
            "scrape_configs": [
                {
                    "job_name": "syndic",
                    "metrics_path": url.path or "/metrics",
                    "static_configs": [{"targets": [url.netloc]}],
                }
            ],
        }
        # rule groups with their own interval (30s) would evaluate too rarely here
        rules_dir = Path(workdir) / "rules"
        rules_dir.mkdir()
        for path in sorted((PROM_DIR / "rules").glob("*.yml")):
            doc = yaml.safe_load(path.read_text())
            for group in doc["groups"]:
                group["interval"] = "1s"
            (rules_dir / path.name).write_text(yaml.safe_dump(doc))
        config["rule_files"] = [str(rules_dir / "*.yml")]
        config_path = Path(workdir) / "prometheus.yml"
        config_path.write_text(yaml.safe_dump(config))
        port = _free_port()
        log = open(Path(workdir) / "prometheus.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [
                binary,
                f"--config.file={config_path}",
                f"--storage.tsdb.path={Path(workdir) / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--web.enable-lifecycle",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        started.append((proc, workdir))
        prom = Prometheus(f"http://127.0.0.1:{port}")

        def up() -> bool:
            if proc.poll() is not None:
                text = (Path(workdir) / "prometheus.log").read_text(errors="replace")
                raise AssertionError(f"prometheus exited {proc.returncode}:\n{text[-3000:]}")
            return prom.ready()

        _wait_for(up, 30, "prometheus to be ready")
        return prom

    yield start
    for proc, workdir in started:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        shutil.rmtree(workdir, ignore_errors=True)


class _SyndicStub:
    """Every syndic series, with counters and histograms that grow with time."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()

    def collect(self) -> Iterator[Any]:
        t = time.monotonic() - self.t0 + 1.0
        n = int(t * 20)
        c = CounterMetricFamily("syndic_articles_in", "in", labels=["source"])
        for i, source in enumerate(("reuters", "apnews", "other")):
            c.add_metric([source], n * (i + 1))
        yield c
        c = CounterMetricFamily("syndic_articles_out", "out", labels=["topic"])
        for topic in ("articles.clean", "articles.unique", "articles.duplicates", "articles.dlq"):
            c.add_metric([topic], n)
        yield c
        c = CounterMetricFamily("syndic_verdicts", "verdicts", labels=["status", "source"])
        for status, k in (("unique", 5), ("exact", 2), ("near", 1)):
            for source in ("reuters", "apnews", "other"):
                c.add_metric([status, source], n * k)
        yield c
        c = CounterMetricFamily("syndic_dlq", "dlq", labels=["reason"])
        c.add_metric(["schema"], n // 10)
        c.add_metric(["parse"], n // 20)
        yield c
        c = CounterMetricFamily("syndic_rebalances", "rebalances")
        c.add_metric([], 1 + n // 100)
        yield c

        def hist(name: str, label: str, values: tuple[str, ...]) -> Any:
            h = HistogramMetricFamily(name, name, labels=[label])
            for v in values:
                buckets = [("0.01", n * 0.5), ("0.1", n * 0.9), ("1.0", n * 1.0)]
                buckets.append(("+Inf", n * 1.0))
                h.add_metric([v], buckets, sum_value=n * 0.05)
            return h

        yield hist(
            "syndic_stage_seconds",
            "stage",
            ("parse", "normalize", "fingerprint", "decide", "publish"),
        )
        yield hist("syndic_end_to_end_seconds", "basis", ("event_time", "ingestion_time"))
        for name, value in (
            ("syndic_window_entries", 1000 + n),
            ("syndic_window_bytes", 1_000_000 + n * 100),
            ("syndic_active_stories", 50),
            ("syndic_worker_ready", 1),
        ):
            g = GaugeMetricFamily(name, name)
            g.add_metric([], value)
            yield g
        for name, value in (
            ("syndic_consumer_lag_records", 5),
            ("syndic_consumer_lag_seconds", 0.5),
            ("syndic_committed_offset", n),
        ):
            g = GaugeMetricFamily(name, name, labels=["topic", "partition"])
            for p in range(8):
                g.add_metric(["articles.raw", str(p)], value)
            yield g


@pytest.fixture
def metrics_stub_url() -> Iterator[str]:
    registry = CollectorRegistry()
    registry.register(_SyndicStub())
    ProcessCollector(registry=registry)
    port = _free_port()
    server, thread = start_http_server(port, addr="127.0.0.1", registry=registry)
    try:
        yield f"http://127.0.0.1:{port}/metrics"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _check_everything_evaluates(prom: Prometheus, timeout: float) -> None:
    # 1. the target is scraped and up
    _wait_for(
        lambda: any(r["value"][1] == "1" for r in prom.query('up{job="syndic"}')["data"]["result"]),
        timeout,
        "the syndic target to be scraped",
    )
    # 2. every dashboard and rule expression evaluates without error
    exprs = dashboard_exprs() + rule_exprs()
    assert len(exprs) > 20
    errors = []
    for name, expr in exprs:
        res = prom.query(expr)
        if res.get("status") != "success":
            errors.append(f"{name}: {res.get('errorType')}: {res.get('error')}\n  {expr}")
    assert not errors, "\n".join(errors)

    # 3. every rule has been evaluated by Prometheus' rule manager and is healthy
    def rules_healthy() -> bool | list[str]:
        groups = prom.get("/api/v1/rules")["data"]["groups"]
        rules = [r for g in groups for r in g["rules"]]
        bad = [f"{r['name']}: {r.get('lastError')}" for r in rules if r["health"] == "err"]
        assert not bad, bad
        return len(rules) == len(rule_exprs()) and all(r["health"] == "ok" for r in rules)

    _wait_for(rules_healthy, timeout, "every rule to be evaluated")

    # 4. core panels return data
    panels = dashboard_exprs()
    missing_titles = set(CORE_PANELS) - {t for t, _ in panels}
    assert not missing_titles, f"dashboard lacks panels {missing_titles}"

    def empty_core_panels() -> list[str]:
        return [
            f"{title}: {expr}"
            for title, expr in panels
            if title in CORE_PANELS and not prom.query(expr)["data"]["result"]
        ]

    _wait_for(lambda: not empty_core_panels(), timeout, "core panels to have data")
    # the recording rules produce series too
    _wait_for(
        lambda: prom.query("syndic:articles_in:rate1m")["data"]["result"],
        timeout,
        "recording rules to produce series",
    )


def test_dashboard_and_rules_evaluate_against_stub(
    metrics_stub_url: str, start_prometheus: Callable[[str], Prometheus]
) -> None:
    prom = start_prometheus(metrics_stub_url)
    _check_everything_evaluates(prom, timeout=60)
    # The stub exports every panel's series: every dashboard panel has data.
    empty = _wait_for(
        lambda: not [e for _, e in dashboard_exprs() if not prom.query(e)["data"]["result"]],
        30,
        "every panel to have data",
    )
    assert empty
    # No alert fires on healthy synthetic data.
    alerts = prom.get("/api/v1/alerts")["data"]["alerts"]
    assert not [a for a in alerts if a["state"] == "firing"], alerts


@pytest.mark.broker
def test_dashboard_and_rules_evaluate_against_live_worker(
    live_worker_metrics_url: str, start_prometheus: Callable[[str], Prometheus]
) -> None:
    prom = start_prometheus(live_worker_metrics_url)
    _check_everything_evaluates(prom, timeout=90)
