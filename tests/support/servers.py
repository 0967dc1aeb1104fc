"""Throwaway databases and topics on the real servers, so tests never share state."""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import uuid4

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord

from shared.migrate import migrate
from shared.settings import Settings


@asynccontextmanager
async def fresh_database(settings: Settings, migrated_for: str | None = None) -> AsyncIterator[str]:
    """With `migrated_for`, that service's migrations are applied, as a deploy would."""
    name = f"test_{uuid4().hex[:12]}"
    admin = await asyncpg.connect(settings.postgres_dsn("postgres"))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        if migrated_for is not None:
            await asyncio.to_thread(migrate_database_sync, settings, migrated_for, name)
        yield name
    finally:
        try:
            await asyncio.to_thread(drop_database_sync, settings, name)
        finally:
            await admin.close()


def unique_topic(prefix: str = "test") -> str:
    return f"{prefix}.{uuid4().hex[:10]}"


async def read_topic(settings: Settings, topic: str, expected: int, timeout_ms: int = 20_000) -> list[ConsumerRecord]:
    """Reads a topic from the beginning until `expected` records arrived or time ran out."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=settings.kafka_bootstrap_servers,
        auto_offset_reset="earliest", enable_auto_commit=False, group_id=None,
    )
    await consumer.start()
    records: list[ConsumerRecord] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout_ms / 1000
        while len(records) < expected and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for batch in batches.values():
                records.extend(batch)
    finally:
        await consumer.stop()
    return records


def create_database_sync(settings: Settings, name: str) -> None:
    import psycopg

    with psycopg.connect(settings.postgres_dsn("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')


DROP_ATTEMPTS = 20


def drop_database_sync(settings: Settings, name: str) -> None:
    """FORCE ends the database's connections, but not an autovacuum worker's: it belongs to
    no role, and only members of pg_signal_backend may end those. A worker vacuuming a
    test's fresh tables is done in moments, so the drop is tried again, a bounded number
    of times, rather than failing the test that owned the database."""
    import psycopg

    with psycopg.connect(settings.postgres_dsn("postgres"), autocommit=True) as admin:
        for attempt in range(DROP_ATTEMPTS):
            try:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return
            except psycopg.errors.InsufficientPrivilege:
                if attempt == DROP_ATTEMPTS - 1:
                    raise
                time.sleep(0.25)


def migrate_database_sync(settings: Settings, service: str, database: str) -> list[str]:
    """The service's migrations on `database`, as `python -m shared.migrate` runs them at deploy."""
    return migrate(settings.model_copy(update={f"{service}_database": database}), service)
