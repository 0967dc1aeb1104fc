"""Insights' moving parts: its database, the one ingestion of the public topics, the
fan-out to stream clients and the live health book behind /metrics. Like the other
services' runtime (shared/runtime.py), HTTP serves from the first moment and the
broker may come later; unlike them there is no event store, relay or outbox."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import orjson

from shared.kafka_clients import ensure_topics
from shared.parking import parked_count
from shared.schema_version import require_migrated
from shared.settings import Settings
from shared.supervision import supervised
from services.insights.event_store import FOLLOWER
from services.insights.fan_out import FanOut
from services.insights.health_book import NewBook, replayed
from services.insights.health_gauges import HealthGauges
from services.insights.ingest import Ingestion, public_topics
from services.insights.stored_event import StoredEvent

log = logging.getLogger(__name__)
STOP_SECONDS = 10.0


class InsightsRuntime:
    service = "insights"

    def __init__(self, settings: Settings, new_book: NewBook) -> None:
        self.settings, self.new_book = settings, new_book
        self.topics = public_topics(settings)
        self.fan_out = FanOut(settings.stream_client_queue)
        self.gauges = HealthGauges()
        self.pool: asyncpg.Pool | None = None
        self.ingesting = False
        self._tasks: list[asyncio.Task[Any]] = []

    async def start(self) -> None:
        database = self.settings.insights_database
        self.pool = await asyncpg.create_pool(self.settings.postgres_dsn(database), min_size=1, max_size=10)
        # Its tables are the deploy's migrations' (migrations/insights/); it only checks.
        await require_migrated(self.pool, self.service, database)
        self._supervise("ingest", self._ingest)

    async def _ingest(self) -> None:
        assert self.pool is not None
        await ensure_topics(self.settings, list(self.topics))
        # The live book first, then the consumer: every stored event is in it exactly once.
        book = await replayed(self.pool, self.new_book)
        self.gauges.book = book

        def apply(events: list[StoredEvent]) -> None:
            for event in events:
                book.apply(orjson.loads(event.body))

        self.ingesting = True
        try:
            await Ingestion(self.settings, self.pool, self.fan_out, on_stored=apply).run()
        finally:
            self.ingesting = False

    def _supervise(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        self._tasks.append(supervised(name, run))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=STOP_SECONDS)
        if self.pool is not None:
            try:
                await asyncio.wait_for(self.pool.close(), STOP_SECONDS)
            except TimeoutError:
                self.pool.terminate()

    async def readiness(self) -> dict[str, Any]:
        checks: dict[str, Any] = {}
        try:
            assert self.pool is not None
            await self.pool.fetchval("SELECT 1")
            checks["database"] = "ok"
            checks["ingest"] = {
                "running": self.ingesting,
                "parked": await parked_count(self.pool, FOLLOWER),
                "stream_clients": len(self.fan_out.subscribers),
            }
        except Exception as error:  # noqa: BLE001  (readiness reports, it does not raise)
            checks["database"] = f"failing: {type(error).__name__}"
        return checks
