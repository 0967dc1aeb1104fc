"""A fresh webhooks database, migrated as a deploy would, with one endpoint of acme's
that wants every event: what the queue and retention tests start from."""

import base64
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from services.webhooks.endpoints import Endpoints
from services.webhooks.secret_box import SecretBox
from shared.settings import Settings
from tests.support.servers import fresh_database


@asynccontextmanager
async def webhooks_pool_with_an_endpoint(settings: Settings) -> AsyncIterator[asyncpg.Pool]:
    async with fresh_database(settings, migrated_for="webhooks") as name:
        pool = await asyncpg.create_pool(settings.postgres_dsn(name), min_size=2, max_size=4)
        try:
            endpoints = Endpoints(pool, SecretBox(base64.b64encode(os.urandom(32)).decode()), 24)
            await endpoints.register("acme", "https://a.example/h", [], "")
            yield pool
        finally:
            await pool.close()
