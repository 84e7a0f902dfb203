"""Prometheus metrics, created once per process with a registry passed in (tests use their own)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.process_collector import ProcessCollector

STAGE_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


class SourceLabels:
    """Keeps the `source` label set bounded: the first `limit` sources seen, then "other"."""

    def __init__(self, limit: int = 50) -> None:
        self.limit = limit
        self.known: set[str] = set()

    def __call__(self, source: str) -> str:
        if source in self.known:
            return source
        if len(self.known) < self.limit:
            self.known.add(source)
            return source
        return "other"


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None, source_limit: int = 50) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        if registry is None:
            ProcessCollector(registry=self.registry)
        r = self.registry
        self.source_label = SourceLabels(source_limit)
        self.articles_in = Counter(
            "syndic_articles_in", "Raw records consumed, by source.", ["source"], registry=r
        )
        self.articles_out = Counter(
            "syndic_articles_out", "Records published, by output topic.", ["topic"], registry=r
        )
        self.verdicts = Counter(
            "syndic_verdicts", "Duplicate verdicts, by status and source.",
            ["status", "source"], registry=r,
        )  # fmt: skip
        self.dlq = Counter(
            "syndic_dlq", "Records sent to the DLQ, by reason.", ["reason"], registry=r
        )
        self.stage_seconds = Histogram(
            "syndic_stage_seconds", "Processing time per article and stage.",
            ["stage"], buckets=STAGE_BUCKETS, registry=r,
        )  # fmt: skip
        self.end_to_end_seconds = Histogram(
            "syndic_end_to_end_seconds",
            "From event time or ingestion time to publish.",
            ["basis"], buckets=LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.window_entries = Gauge(
            "syndic_window_entries", "Articles held in the duplicate window.", registry=r
        )
        self.window_bytes = Gauge(
            "syndic_window_bytes", "Approximate bytes of duplicate-window state.", registry=r
        )
        self.active_stories = Gauge(
            "syndic_active_stories", "Stories with an article in the window.", registry=r
        )
        self.lag_records = Gauge(
            "syndic_consumer_lag_records", "Records behind the end of each assigned partition.",
            ["topic", "partition"], registry=r,
        )  # fmt: skip
        self.lag_seconds = Gauge(
            "syndic_consumer_lag_seconds",
            "Age of the last record processed while records are waiting (0 when caught up).",
            ["topic", "partition"], registry=r,
        )  # fmt: skip
        self.committed_offset = Gauge(
            "syndic_committed_offset", "Committed offset of each assigned partition.",
            ["topic", "partition"], registry=r,
        )  # fmt: skip
        self.rebalances = Counter(
            "syndic_rebalances", "Consumer-group rebalances seen by this worker.", registry=r
        )
        self.worker_ready = Gauge(
            "syndic_worker_ready", "1 when partitions are assigned and caught up.", registry=r
        )
