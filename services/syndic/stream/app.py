"""The one place faust is wired: `build_app(settings)` creates topics, tables and thin agents.

Nothing happens at import time. Each agent takes a batch of events, hands each record to a stage
from `stages.py`, publishes what the stage returns, and waits for the broker to acknowledge every
publish before the batch's offsets can be committed (at least once: nothing is lost).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Iterable
from typing import Any

import faust
import mode
from faust.types import EventT

from syndic.batch import build_decider, build_preparer
from syndic.core.window import MeasuredStore
from syndic.metrics import Metrics
from syndic.settings import Settings
from syndic.stream.assignor import assignor_class
from syndic.stream.faust_fixes import refetch_gaps, seek_between_batches, set_worker_fetch_wait
from syndic.stream.health import Health
from syndic.stream.packing import PartitionOf, key_partitioner, pack
from syndic.stream.publishing import BatchProducer, send_in_batches
from syndic.stream.recovery import complete_recovery
from syndic.stream.stages import (
    DecideStage,
    IngestStage,
    InMessage,
    OutMessage,
    PrepareStage,
)
from syndic.stream.table_store import TableStore

log = logging.getLogger("syndic.stream")


def _in_message(event: EventT) -> InMessage:
    message = event.message
    timestamp = message.timestamp
    return InMessage(
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        key=message.key,
        value=message.value,
        timestamp_ms=int(timestamp * 1000) if timestamp else None,
    )


class SyndicApp:
    """Holds the faust app and what its agents share; built once per worker process."""

    def __init__(self, settings: Settings, metrics: Metrics) -> None:
        self.settings = settings
        self.metrics = metrics
        self.faust = self._faust_app(settings)
        self.health = Health(self)
        self._topics: dict[str, faust.TopicT] = {}
        self._declare_topics()
        # Keys are str and values plain JSON (faust picks the json codec for both).
        self.dedup_table = self.faust.Table("dedup-state", partitions=1, key_type=str)
        self.source_table = self.faust.Table(
            "source-memory", partitions=settings.raw_partitions, key_type=str
        )
        preparer = build_preparer(settings)
        self.ingest = IngestStage(settings, metrics, preparer)
        self.prepare = PrepareStage(settings, metrics, preparer)
        self._decide: DecideStage | None = None
        self._decide_store: TableStore | None = None
        self._memory_stores: dict[int, TableStore] = {}
        self._decide_generation = -1
        self.generation = 0
        self._memory_generation: dict[int, int] = {}
        self._register_agents()
        self._register_signals()

    @staticmethod
    def _faust_app(settings: Settings) -> faust.App:
        set_worker_fetch_wait(settings.fetch_wait_ms)
        seek_between_batches()
        refetch_gaps(
            [settings.topic_raw, settings.internal("by-source"), settings.internal("sequenced")]
        )
        return faust.App(
            settings.app_id,
            broker=settings.broker,
            store="memory://",
            datadir=settings.data_dir or None,
            topic_allow_declare=True,
            topic_disable_leader=True,
            broker_session_timeout=settings.session_timeout_s,
            broker_heartbeat_interval=settings.heartbeat_interval_s,
            broker_rebalance_timeout=max(settings.session_timeout_s * 2, 10.0),
            # syndic serves its own /metrics, /healthz and /readyz; faust's views expose
            # topology and tables, so its web server stays off.
            web_enabled=False,
            key_serializer="raw",
            value_serializer="raw",
            producer_acks=-1,
            producer_linger=settings.linger_ms / 1000.0,
            producer_max_batch_size=256 * 1024,
            # an article near `max_record_bytes` must fit in a request at every hop
            producer_max_request_size=settings.message_bytes,
            # and be fetched: on Tansu a partition stalls on a record over the fetch size
            consumer_max_fetch_size=settings.message_bytes,
            # Tansu reports a changelog's end offset short of the real end (the last batch's
            # base offset + 1), so a worker that regains a partition it had holds an offset
            # "beyond the end" and faust's check crashes it (ConsistencyError). The memory
            # store has nothing persisted across processes, and `complete_recovery` replays
            # every changelog to the fetch high watermark before the state is used, so the
            # check guards nothing here, on Tansu or Apache Kafka.
            recovery_consistency_check=False,
            # No standby replicas: a standby applies a changelog it reads in the background to
            # the same local table, and `complete_recovery` already rebuilds every partition a
            # worker takes from its changelog. A standby that went on applying older records
            # after that replay would set a source's memory back (found by the chaos
            # verifier), and faust's standby start crashed workers on Tansu (a seek to -1).
            table_standby_replicas=0,
            stream_buffer_maxsize=max(settings.batch_size * 2, 1000),
            # An agent that raises stops the worker (exit 1) instead of being restarted in
            # place: faust's default supervisor restarts it and it goes on with the next
            # records, while the failed batch stays unacknowledged, so the partition's commits
            # stop there and its records come out only after some later rebalance. A restarted
            # worker rejoins and reads from the committed offsets. Bad records never raise (each
            # stage sends them to the DLQ); this is for broker and recovery failures.
            agent_supervisor=mode.CrashingSupervisor,
            PartitionAssignor=assignor_class(
                decide_topic=settings.internal("sequenced"),
                parallel_topic=settings.internal("by-source"),
                cost_ratio=settings.decide_cost_ratio,
            ),
            logging_config=None,
        )

    def topic(self, name: str) -> faust.TopicT:
        return self._topics[name]

    def _declare_topics(self) -> None:
        s = self.settings
        layout = {
            s.topic_raw: s.raw_partitions,
            s.internal("by-source"): s.raw_partitions,
            s.internal("sequenced"): 1,
            s.topic_clean: s.output_partitions,
            s.topic_unique: s.output_partitions,
            s.topic_duplicates: s.output_partitions,
            s.topic_dlq: s.output_partitions,
        }
        for name, partitions in layout.items():
            self._topics[name] = self.faust.topic(
                name, partitions=partitions, key_type=bytes, value_type=bytes,
                key_serializer="raw", value_serializer="raw",
            )  # fmt: skip

    async def publish(
        self, outputs: Iterable[OutMessage], changelog: Iterable[OutMessage] = ()
    ) -> None:
        """Send the batch's changelog records, then its outputs, and wait for every
        acknowledgement before the batch may be committed.

        Straight to the aiokafka producer under faust's, one record batch per partition
        (`publishing.py`), not through `Topic.send`, whose per-record future, callbacks and
        sensors cost more than the send."""
        records = list(outputs)
        pending = await send_in_batches(self.kafka_producer(), (*changelog, *records))
        if pending:
            await asyncio.gather(*pending)
        for topic, count in Counter(out.topic for out in records).items():
            self.metrics.articles_out.labels(topic).inc(count)

    def kafka_producer(self) -> BatchProducer:
        """The aiokafka producer faust sends with (started with the app's producer)."""
        producer: BatchProducer = self.faust.producer._ensure_producer()
        return producer

    async def decide_stage(self) -> DecideStage:
        """The decision core, rebuilt from the table after any rebalance (its index is derived)."""
        if self._decide is None or self._decide_generation != self.generation:
            # a rebalance during the recovery must trigger another one on the next batch
            generation = self.generation
            await complete_recovery(self.faust, self.dedup_table, [0], self.settings)
            self._decide_store = TableStore(self.dedup_table, partition=0)
            store = MeasuredStore(self._decide_store)
            self._decide = DecideStage(
                self.settings, self.metrics, build_decider(self.settings, store), window=store
            )
            self._decide_generation = generation
            log.info("decision core built from %d stored entries", len(store))
        return self._decide

    async def source_memories(self, partitions: set[int]) -> dict[int, TableStore]:
        """The per-source memory of each partition, recovery completed once per rebalance: all
        the partitions this worker owns are recovered together, on the first batch that needs
        one of them."""
        stale = {p for p in partitions if self._memory_generation.get(p) != self.generation}
        if stale:
            generation = self.generation
            stale |= self._assigned(self.settings.internal("by-source"))
            await complete_recovery(self.faust, self.source_table, stale, self.settings)
            for partition in stale:
                self._memory_generation[partition] = generation
            self._memory_stores = {p: s for p, s in self._memory_stores.items() if p not in stale}
        for partition in partitions:
            if partition not in self._memory_stores:
                self._memory_stores[partition] = TableStore(self.source_table, partition)
        return {p: self._memory_stores[p] for p in partitions}

    def decision_changelog(self) -> list[OutMessage]:
        return self._decide_store.changelog() if self._decide_store is not None else []

    def memory_changelogs(self) -> list[OutMessage]:
        return [record for store in self._memory_stores.values() for record in store.changelog()]

    def _assigned(self, topic: str) -> set[int]:
        return {tp.partition for tp in self.faust.consumer.assignment() if tp.topic == topic}

    def _register_agents(self) -> None:
        s = self.settings
        app = self
        # a by-source or sequenced record holds up to `pack_articles` articles
        records_per_batch = max(1, s.batch_size // s.pack_articles)
        by_source_partition = key_partitioner(s.raw_partitions)

        @self.faust.agent(self.topic(s.topic_raw), name="syndic.ingest")
        async def ingest(stream: Any) -> None:
            async for events in stream.take_events(s.batch_size, within=s.batch_timeout_s):
                routed = [app.ingest.process(_in_message(e)) for e in events]
                await app.publish(app.packs(routed, s.internal("by-source"), by_source_partition))
                app.health.processed(events)

        @self.faust.agent(self.topic(s.internal("by-source")), name="syndic.prepare")
        async def prepare(stream: Any) -> None:
            async for events in stream.take_events(records_per_batch, within=s.batch_timeout_s):
                memories = await app.source_memories({e.message.partition for e in events})
                outputs = [
                    out
                    for e in events
                    for out in app.prepare.process(_in_message(e), memories[e.message.partition])
                ]
                # the source memory written for this batch is durable before its ack
                await app.publish(
                    app.packs(outputs, s.internal("sequenced"), _one_partition),
                    changelog=app.memory_changelogs(),
                )
                app.health.processed(events)

        @self.faust.agent(self.topic(s.internal("sequenced")), name="syndic.decide")
        async def decide(stream: Any) -> None:
            async for events in stream.take_events(records_per_batch, within=s.batch_timeout_s):
                stage = await app.decide_stage()
                outputs: list[OutMessage] = []
                for event in events:
                    outputs.extend(stage.process(_in_message(event)))
                # the decision state written for this batch is durable before its ack:
                # otherwise a crash after the commit forgets decisions already published
                await app.publish(outputs, changelog=app.decision_changelog())
                app.health.processed(events)

    def packs(
        self, outputs: list[OutMessage], topic: str, partition_of: PartitionOf
    ) -> list[OutMessage]:
        """The batch's records for an internal topic, several articles each (packing.py)."""
        return pack(outputs, topic, self.settings.pack_articles, partition_of)

    def _register_signals(self) -> None:
        @self.faust.on_partitions_revoked.connect
        async def on_revoked(sender: Any, revoked: Any, **kwargs: Any) -> None:
            self.generation += 1

        @self.faust.on_partitions_assigned.connect
        async def on_assigned(sender: Any, assigned: Any, **kwargs: Any) -> None:
            self.generation += 1
            self.metrics.rebalances.inc()

        self.health.install(self.faust)


def _one_partition(key: bytes) -> int:
    return 0


def build_app(settings: Settings, metrics: Metrics | None = None) -> SyndicApp:
    return SyndicApp(settings, metrics if metrics is not None else Metrics())
