"""Webhooks' own consumption of the three public topics (its own consumer group).

As in insights, positions live in the webhooks database, moved with the events and
deliveries they produced, so on each assignment the consumer seeks to the stored
position (the group's committed offset is written afterwards, for lag tools only)."""

from collections.abc import Callable

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition

from services.webhooks.event_store import store_batch, stored_position
from shared.metrics import MESSAGES
from shared.settings import Settings

SERVICES = ("intake", "matching", "sessions")
BATCH = 500


def public_topics(settings: Settings) -> list[str]:
    return [settings.topic_for(service) for service in SERVICES]


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


class Ingestion:
    def __init__(
        self, settings: Settings, pool: asyncpg.Pool, on_queued: Callable[[], None]
    ) -> None:
        self.settings, self.pool, self.on_queued = settings, pool, on_queued
        self.group = f"{settings.topic_namespace}.webhooks.deliveries"

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            group_id=self.group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
        )
        topics = public_topics(self.settings)
        consumer.subscribe(topics, listener=SeekToStoredPositions(consumer, self.pool))
        await consumer.start()
        try:
            while True:
                batches = await consumer.getmany(timeout_ms=1000, max_records=BATCH)
                for records in batches.values():
                    queued = await store_batch(self.pool, records)
                    MESSAGES.labels("webhooks", "ingest", "stored").inc(len(records))
                    if queued:
                        self.on_queued()
                if batches:
                    await consumer.commit(
                        {tp: records[-1].offset + 1 for tp, records in batches.items()}
                    )
        finally:
            await consumer.stop()
