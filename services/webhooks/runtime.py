"""Webhooks' moving parts beside the shared read side's (shared/read_side/runtime.py):
its endpoints, the dispatcher sending deliveries and the retention timer. Deliveries
already stored go out while the broker is away. Replicas may run side by side on one
database: each dispatches (delivery_queue.py makes their claims exclusive)."""

from typing import Any

import asyncpg

from services.webhooks.dispatcher import Dispatcher
from services.webhooks.endpoints import Endpoints
from services.webhooks.ingest import Ingestion
from services.webhooks.retention import forget_forever
from services.webhooks.secret_box import SecretBox
from shared.read_side.runtime import ReadSideRuntime
from shared.settings import Settings


class WebhooksRuntime(ReadSideRuntime):
    service = "webhooks"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.box = SecretBox(settings.cipher_key.get_secret_value())
        self.endpoints: Endpoints | None = None
        self.dispatcher: Dispatcher | None = None

    def start_own(self, pool: asyncpg.Pool) -> None:
        self.endpoints = Endpoints(pool, self.box, self.settings.webhook_secret_overlap_hours)
        self.dispatcher = Dispatcher(self.settings, pool, self.box)
        self.supervise("dispatch", self.dispatcher.run)
        self.supervise("retention", lambda: forget_forever(self.settings, pool, self.clock.now))

    async def ingest(self, pool: asyncpg.Pool) -> None:
        assert self.dispatcher is not None
        await Ingestion(self.settings, pool, self.dispatcher.nudge).run()

    async def own_checks(self, pool: asyncpg.Pool) -> dict[str, Any]:
        # Each count reads one partial index (migrations/webhooks/), not the table.
        counts = await pool.fetchrow(
            """SELECT (SELECT count(*) FROM deliveries WHERE state = 'pending') AS pending,
                      (SELECT count(*) FROM deliveries WHERE state = 'in_flight') AS in_flight,
                      (SELECT count(*) FROM deliveries WHERE state = 'failed') AS failed,
                      (SELECT count(*) FROM endpoints WHERE NOT enabled) AS disabled_endpoints"""
        )
        return {"dispatch": {"running": bool(self.dispatcher and self.dispatcher.running), **dict(counts)}}
