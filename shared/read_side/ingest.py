"""One consumer group reading the three public topics into a read-side service's
database. Positions live in that database, moved with what they cover, so on each
assignment the consumer seeks to the stored position rather than trusting the group's
committed offset (committed too, afterwards, so that lag tools such as `mentoring
status` see it)."""

from collections.abc import Awaitable, Callable

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition

from shared.settings import Settings

PUBLISHERS = ("intake", "matching", "sessions")
# The follower name a read side's store parks the records it cannot read under.
FOLLOWER = "ingest"
BATCH = 500
# Each service's consumer group, as its first release named it (renaming one would leave
# the old group's offsets behind and start the new one's lag history from nothing).
GROUP_PURPOSE = {"insights": "events", "webhooks": "deliveries"}
# Stores one partition's records (with the position) in one transaction.
StoreBatch = Callable[[TopicPartition, list[ConsumerRecord]], Awaitable[None]]


def public_topics(settings: Settings) -> dict[str, str]:
    """topic -> the service that publishes it."""
    return {settings.topic_for(service): service for service in PUBLISHERS}


def ingest_group(settings: Settings, service: str) -> str:
    return f"{settings.topic_namespace}.{service}.{GROUP_PURPOSE[service]}"


async def stored_position(
    connection: asyncpg.Connection | asyncpg.Pool, topic: str, partition: int
) -> int | None:
    offset: int | None = await connection.fetchval(
        'SELECT "offset" FROM positions WHERE topic = $1 AND partition = $2', topic, partition
    )
    return offset


class SeekToStoredPositions(ConsumerRebalanceListener):
    def __init__(self, consumer: AIOKafkaConsumer, pool: asyncpg.Pool) -> None:
        self.consumer, self.pool = consumer, pool

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        pass

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        for partition in assigned:
            offset = await stored_position(self.pool, partition.topic, partition.partition)
            if offset is None:
                await self.consumer.seek_to_beginning(partition)
            else:
                self.consumer.seek(partition, offset + 1)


async def ingest_public_topics(
    settings: Settings, pool: asyncpg.Pool, group: str, store: StoreBatch
) -> None:
    """Until cancelled: each fetched partition's records to `store`, then the commit."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
    )
    consumer.subscribe(list(public_topics(settings)), listener=SeekToStoredPositions(consumer, pool))
    await consumer.start()
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=1000, max_records=BATCH)
            for partition, records in batches.items():
                await store(partition, records)
            if batches:
                await consumer.commit({tp: records[-1].offset + 1 for tp, records in batches.items()})
    finally:
        await consumer.stop()
