"""Insights' side of the shared ingestion (shared/read_side/ingest.py): the one
consumption of the public topics that every stream client shares. Each partition's
batch is stored, then handed to the stream clients and to the live health book."""

from collections.abc import Callable

import asyncpg
from aiokafka import ConsumerRecord, TopicPartition

from shared.metrics import MESSAGES
from shared.read_side.ingest import ingest_group, ingest_public_topics, public_topics
from shared.settings import Settings
from services.insights.event_store import store_batch
from services.insights.fan_out import FanOut
from services.insights.stored_event import StoredEvent


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
        self.group = ingest_group(settings, "insights")

    async def run(self) -> None:
        await ingest_public_topics(self.settings, self.pool, self.group, self.store)

    async def store(self, partition: TopicPartition, records: list[ConsumerRecord]) -> None:
        stored = await store_batch(self.pool, self.topics[partition.topic], records)
        MESSAGES.labels("insights", "ingest", "stored").inc(len(stored))
        MESSAGES.labels("insights", "ingest", "parked_or_repeated").inc(len(records) - len(stored))
        if stored:
            self.fan_out.publish(stored)
            if self.on_stored is not None:
                self.on_stored(stored)
