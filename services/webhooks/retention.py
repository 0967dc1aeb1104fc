"""Forgets what was delivered long ago: delivered deliveries older than the retention
period (WEBHOOK_RETENTION_DAYS), then the stored events as old that no delivery refers
to any more. In batches, each its own short transaction, so that a first run over a
large backlog neither holds many row locks nor delays ingest and dispatch for long.
Every replica runs it; SKIP LOCKED lets two runs share the work instead of waiting."""

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import asyncpg

from shared.settings import Settings

log = logging.getLogger(__name__)
BATCH = 1000
EVERY_SECONDS = 3600.0
# Failed deliveries stay: their partner may still redeliver them after a fix.
FORGET_DELIVERIES = """
WITH old AS (
    SELECT seq FROM deliveries WHERE state = 'delivered' AND delivered_at < $1
    ORDER BY delivered_at LIMIT $2 FOR UPDATE SKIP LOCKED
)
DELETE FROM deliveries d USING old WHERE d.seq = old.seq
"""
FORGET_EVENTS = """
WITH old AS (
    SELECT e.seq FROM events e
    WHERE e.stored_at < $1 AND NOT EXISTS (SELECT FROM deliveries d WHERE d.event_seq = e.seq)
    ORDER BY e.seq LIMIT $2 FOR UPDATE SKIP LOCKED
)
DELETE FROM events e USING old WHERE e.seq = old.seq
"""


async def forget_delivered(pool: asyncpg.Pool, before: datetime, batch: int = BATCH) -> tuple[int, int]:
    """Deliveries and events forgotten (delivered, or stored, before `before`)."""
    return (
        await _in_batches(pool, FORGET_DELIVERIES, before, batch),
        await _in_batches(pool, FORGET_EVENTS, before, batch),
    )


async def _in_batches(pool: asyncpg.Pool, statement: str, before: datetime, batch: int) -> int:
    total = 0
    while True:
        deleted = int((await pool.execute(statement, before, batch)).split()[-1])
        total += deleted
        if deleted < batch:
            return total


async def forget_forever(settings: Settings, pool: asyncpg.Pool, now: Callable[[], datetime]) -> None:
    """The retention timer: a pass at start, then one every EVERY_SECONDS."""
    while True:
        before = now() - timedelta(days=settings.webhook_retention_days)
        deliveries, events = await forget_delivered(pool, before)
        if deliveries or events:
            log.info("webhook retention", extra={"deliveries": deliveries, "events": events})
        await asyncio.sleep(EVERY_SECONDS)
