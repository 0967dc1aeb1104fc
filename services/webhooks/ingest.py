"""Webhooks' side of the shared ingestion (shared/read_side/ingest.py), its own consumer
group: each partition's batch is stored with the deliveries it makes, and the
dispatcher is woken when there are new ones."""

from collections.abc import Callable

import asyncpg
from aiokafka import ConsumerRecord, TopicPartition

from services.webhooks.event_store import store_batch
from shared.metrics import MESSAGES
from shared.read_side.ingest import ingest_group, ingest_public_topics
from shared.settings import Settings


class Ingestion:
    def __init__(self, settings: Settings, pool: asyncpg.Pool, on_queued: Callable[[], None]) -> None:
        self.settings, self.pool, self.on_queued = settings, pool, on_queued
        self.group = ingest_group(settings, "webhooks")

    async def run(self) -> None:
        await ingest_public_topics(self.settings, self.pool, self.group, self.store)

    async def store(self, _: TopicPartition, records: list[ConsumerRecord]) -> None:
        queued = await store_batch(self.pool, records)
        MESSAGES.labels("webhooks", "ingest", "stored").inc(len(records))
        if queued:
            self.on_queued()
