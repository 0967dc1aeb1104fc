"""A read-side service's moving parts: its database pool, the ingestion of the public
topics under supervision, and readiness. Like the writing services (shared/runtime.py),
HTTP serves from the first moment and the broker may come later; unlike them there is
no event store, relay or outbox. A service subclasses it with what is its own."""

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

import asyncpg

from shared.clock import Clock
from shared.kafka_clients import ensure_topics
from shared.parking import parked_count
from shared.read_side.ingest import FOLLOWER, public_topics
from shared.schema_version import require_migrated
from shared.settings import Settings
from shared.supervision import supervised

log = logging.getLogger(__name__)
STOP_SECONDS = 10.0


class ReadSideRuntime(ABC):
    service: ClassVar[str]

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.clock = Clock.from_settings(settings)
        self.topics = public_topics(settings)
        self.pool: asyncpg.Pool | None = None
        self.ingesting = False
        self._tasks: list[asyncio.Task[Any]] = []

    async def start(self) -> None:
        database = self.settings.database_for(self.service)
        self.pool = await asyncpg.create_pool(
            self.settings.postgres_dsn(database), min_size=1, max_size=10
        )
        # Its tables are the deploy's migrations' (migrations/<service>/); it only checks.
        await require_migrated(self.pool, self.service, database)
        self.start_own(self.pool)
        self.supervise("ingest", self._ingest)

    def start_own(self, pool: asyncpg.Pool) -> None:  # noqa: B027  (optional: insights has none)
        """What the service runs beside its ingest (supervised), once its pool exists."""

    @abstractmethod
    async def ingest(self, pool: asyncpg.Pool) -> None:
        """Consumes the public topics until cancelled (shared/read_side/ingest.py)."""

    async def own_checks(self, pool: asyncpg.Pool) -> dict[str, Any]:
        """The service's own lines in readiness, beside the database and the ingest."""
        return {}

    async def _ingest(self) -> None:
        assert self.pool is not None
        await ensure_topics(self.settings, list(self.topics))
        self.ingesting = True
        try:
            await self.ingest(self.pool)
        finally:
            self.ingesting = False

    def supervise(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
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
            }
            checks.update(await self.own_checks(self.pool))
        except Exception as error:  # noqa: BLE001  (readiness reports, it does not raise)
            checks["database"] = f"failing: {type(error).__name__}"
        return checks
