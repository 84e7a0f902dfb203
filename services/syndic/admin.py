"""Topic administration with aiokafka's admin client: every topic created explicitly.

Tansu auto-creates unknown topics with 4 partitions, and Apache Kafka may auto-create them with
the cluster default; syndic's layout (1 sequencing partition, N raw partitions) must not depend
on either, so `syndic topics create` makes each one with its partitions and configs.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from syndic.security import aiokafka_kwargs
from syndic.settings import Settings
from syndic.topics import TopicSpec, topic_specs


@dataclass(frozen=True, slots=True)
class TopicState:
    name: str
    partitions: int
    created: bool


def all_specs(settings: Settings) -> list[TopicSpec]:
    """Topics in the registry plus the internal ones the stream adds (see stream/app.py)."""
    specs = topic_specs(settings)
    names = {spec.name for spec in specs}
    compacted = {"cleanup.policy": "compact", "max.message.bytes": str(settings.message_bytes)}
    extra = [
        TopicSpec(settings.internal("by-source"), settings.raw_partitions, None,
                  {"max.message.bytes": str(settings.message_bytes)}, internal=True),
        TopicSpec(f"{settings.app_id}-dedup-state-changelog", 1, None,
                  compacted, internal=True),
        TopicSpec(f"{settings.app_id}-source-memory-changelog", settings.raw_partitions, None,
                  compacted, internal=True),
    ]  # fmt: skip
    return specs + [spec for spec in extra if spec.name not in names]


async def create_topics(
    settings: Settings, *, client_kwargs: dict | None = None
) -> list[TopicState]:
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers, **(client_kwargs or {})
    )
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        states: list[TopicState] = []
        for spec in all_specs(settings):
            if spec.name in existing:
                states.append(TopicState(spec.name, spec.partitions, created=False))
                continue
            topic = NewTopic(
                spec.name,
                num_partitions=spec.partitions,
                replication_factor=settings.replication_factor,
                topic_configs=spec.config,
            )
            try:
                await admin.create_topics([topic])
                states.append(TopicState(spec.name, spec.partitions, created=True))
            except TopicAlreadyExistsError:
                states.append(TopicState(spec.name, spec.partitions, created=False))
        return states
    finally:
        await admin.close()


async def list_topics(settings: Settings) -> dict[str, int]:
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers, **aiokafka_kwargs(settings)
    )
    await admin.start()
    try:
        names = sorted(await admin.list_topics())
        described = await admin.describe_topics(names)
        return {d["topic"]: len(d.get("partitions") or []) for d in described}
    finally:
        await admin.close()
