"""Webhooks' moving parts: its database, its one consumption of the public topics
(storing events with their deliveries) and the dispatcher sending them. HTTP serves
from the first moment; the broker may come later, and deliveries already stored go
out while it is away."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from services.webhooks.dispatcher import Dispatcher
from services.webhooks.endpoints import Endpoints
from services.webhooks.event_store import FOLLOWER
from services.webhooks.ingest import Ingestion, public_topics
from services.webhooks.secret_box import SecretBox
from shared.kafka_clients import ensure_topics
from shared.parking import parked_count
from shared.schema_version import require_migrated
from shared.settings import Settings
from shared.supervision import supervised

log = logging.getLogger(__name__)
STOP_SECONDS = 10.0


class WebhooksRuntime:
    service = "webhooks"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.box = SecretBox(settings.cipher_key.get_secret_value())
        self.pool: asyncpg.Pool | None = None
        self.endpoints: Endpoints | None = None
        self.dispatcher: Dispatcher | None = None
        self.ingesting = False
        self._tasks: list[asyncio.Task[Any]] = []

    async def start(self) -> None:
        self.pool = await asyncpg.create_pool(
            self.settings.postgres_dsn(self.settings.webhooks_database), min_size=1, max_size=10
        )
        # Its tables are the deploy's migrations' (migrations/webhooks/); it only checks.
        await require_migrated(self.pool, "webhooks", self.settings.webhooks_database)
        self.endpoints = Endpoints(self.pool, self.box, self.settings.webhook_secret_overlap_hours)
        self.dispatcher = Dispatcher(self.settings, self.pool, self.box)
        self._supervise("ingest", self._ingest)
        self._supervise("dispatch", self.dispatcher.run)

    async def _ingest(self) -> None:
        assert self.pool is not None and self.dispatcher is not None
        await ensure_topics(self.settings, public_topics(self.settings))
        self.ingesting = True
        try:
            await Ingestion(self.settings, self.pool, self.dispatcher.nudge).run()
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
            pending = await self.pool.fetchval(
                "SELECT count(*) FROM deliveries WHERE state IN ('pending', 'in_flight')"
            )
            checks["ingest"] = {
                "running": self.ingesting,
                "parked": await parked_count(self.pool, FOLLOWER),
            }
            checks["dispatch"] = {
                "running": bool(self.dispatcher and self.dispatcher.holding_lock),
                "unfinished_deliveries": pending,
            }
        except Exception as error:  # noqa: BLE001  (readiness reports, it does not raise)
            checks["database"] = f"failing: {type(error).__name__}"
        return checks
