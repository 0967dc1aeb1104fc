"""Webhooks' moving parts beside the shared read side's (shared/read_side/runtime.py):
its endpoints and the dispatcher sending deliveries. Deliveries already stored go out
while the broker is away."""

from typing import Any

import asyncpg

from services.webhooks.dispatcher import Dispatcher
from services.webhooks.endpoints import Endpoints
from services.webhooks.ingest import Ingestion
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

    async def ingest(self, pool: asyncpg.Pool) -> None:
        assert self.dispatcher is not None
        await Ingestion(self.settings, pool, self.dispatcher.nudge).run()

    async def own_checks(self, pool: asyncpg.Pool) -> dict[str, Any]:
        pending = await pool.fetchval(
            "SELECT count(*) FROM deliveries WHERE state IN ('pending', 'in_flight')"
        )
        return {
            "dispatch": {
                "running": bool(self.dispatcher and self.dispatcher.running),
                "unfinished_deliveries": pending,
            }
        }
