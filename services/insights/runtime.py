"""Insights' moving parts beside the shared read side's (shared/read_side/runtime.py):
the fan-out to stream clients and the live health book behind /metrics."""

from typing import Any

import asyncpg
import orjson

from shared.read_side.runtime import ReadSideRuntime
from shared.settings import Settings
from services.insights.fan_out import FanOut
from services.insights.health_book import NewBook, replayed
from services.insights.health_gauges import HealthGauges
from services.insights.ingest import Ingestion
from services.insights.stored_event import StoredEvent


class InsightsRuntime(ReadSideRuntime):
    service = "insights"

    def __init__(self, settings: Settings, new_book: NewBook) -> None:
        super().__init__(settings)
        self.new_book = new_book
        self.fan_out = FanOut(settings.stream_client_queue)
        self.gauges = HealthGauges()

    async def ingest(self, pool: asyncpg.Pool) -> None:
        # The live book first, then the consumer: every stored event is in it exactly once.
        book = await replayed(pool, self.new_book)
        self.gauges.book = book

        def apply(events: list[StoredEvent]) -> None:
            for event in events:
                book.apply(orjson.loads(event.body))

        await Ingestion(self.settings, pool, self.fan_out, on_stored=apply).run()

    async def own_checks(self, pool: asyncpg.Pool) -> dict[str, Any]:
        return {"streams": {"clients": len(self.fan_out.subscribers)}}
