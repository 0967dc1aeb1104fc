"""The one consumption of the three public topics that every stream client shares.

Positions live in insights' database, moved with the events they cover, so on each
assignment the consumer seeks to the stored position rather than trusting the group's
committed offset (committed too, afterwards, only so that lag tools see it)."""

import logging
from collections.abc import Callable
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition

from shared.metrics import MESSAGES
from shared.settings import Settings
from services.insights.event_store import store_batch, stored_position
from services.insights.fan_out import FanOut
from services.insights.stored_event import StoredEvent

log = logging.getLogger(__name__)
SERVICES = ("intake", "matching", "sessions")
BATCH = 500


def public_topics(settings: Settings) -> dict[str, str]:
    """topic -> the service that publishes it."""
    return {settings.topic_for(service): service for service in SERVICES}


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
        self,
        settings: Settings,
        pool: asyncpg.Pool,
        fan_out: FanOut,
        on_stored: Callable[[list[StoredEvent]], None] | None = None,
    ) -> None:
        self.settings, self.pool, self.fan_out, self.on_stored = settings, pool, fan_out, on_stored
        self.topics = public_topics(settings)
        self.group = f"{settings.topic_namespace}.insights.events"

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            group_id=self.group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
        )
        consumer.subscribe(list(self.topics), listener=SeekToStoredPositions(consumer, self.pool))
        await consumer.start()
        try:
            while True:
                batches = await consumer.getmany(timeout_ms=1000, max_records=BATCH)
                for partition, records in batches.items():
                    await self._ingest(partition, records)
                if batches:
                    await consumer.commit(
                        {tp: records[-1].offset + 1 for tp, records in batches.items()}
                    )
        finally:
            await consumer.stop()

    async def _ingest(self, partition: TopicPartition, records: list[Any]) -> None:
        service = self.topics[partition.topic]
        stored = await store_batch(self.pool, service, records)
        MESSAGES.labels("insights", "ingest", "stored").inc(len(stored))
        MESSAGES.labels("insights", "ingest", "parked_or_repeated").inc(len(records) - len(stored))
        if stored:
            self.fan_out.publish(stored)
            if self.on_stored is not None:
                self.on_stored(stored)
