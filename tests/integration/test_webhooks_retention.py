"""Webhooks' retention on real PostgreSQL: delivered deliveries older than the period
go, in batches, with the stored events no delivery refers to any more; recent ones,
failed ones (a partner may still redeliver them) and their events stay."""

import asyncio
from datetime import timedelta
from uuid import uuid4

import pytest

from services.webhooks.event_store import store_batch
from services.webhooks.retention import forget_delivered, forget_forever
from tests.integration.test_webhooks_event_store import paused, record
from tests.support.webhooks_database import webhooks_pool_with_an_endpoint

pytestmark = pytest.mark.integration
RETENTION = timedelta(days=30)


@pytest.fixture
async def pool(server_settings):
    async with webhooks_pool_with_an_endpoint(server_settings) as created:
        yield created


async def age(pool, offsets: range, state: str, days: int) -> None:
    """The events at these offsets stored, and their deliveries left in `state`, `days` ago."""
    await pool.execute(
        """WITH aged AS (UPDATE events SET stored_at = now() - make_interval(days => $3)
                         WHERE "offset" = ANY($1::bigint[]) RETURNING seq)
           UPDATE deliveries d SET state = $2, delivered_at = CASE WHEN $2 = 'delivered'
                  THEN now() - make_interval(days => $3) END
           FROM aged WHERE d.event_seq = aged.seq""",
        list(offsets),
        state,
        days,
    )


async def test_old_delivered_deliveries_and_their_events_go_recent_and_failed_ones_stay(pool):
    await store_batch(pool, [record(0, n, paused(str(uuid4()))) for n in range(12)])
    await age(pool, range(0, 7), "delivered", 31)  # past the period: forgotten
    await age(pool, range(7, 9), "delivered", 29)  # within it: kept
    await age(pool, range(9, 11), "failed", 40)  # failed: kept, however old
    # offset 11 stays pending, just stored
    now = await pool.fetchval("SELECT now()")
    forgotten = await forget_delivered(pool, now - RETENTION, batch=3)  # three batches and a rest
    assert forgotten == (7, 7)
    kept = await pool.fetch(
        """SELECT e."offset", d.state FROM events e JOIN deliveries d ON d.event_seq = e.seq
           ORDER BY e."offset" """
    )
    assert [(row["offset"], row["state"]) for row in kept] == [
        (7, "delivered"), (8, "delivered"), (9, "failed"), (10, "failed"), (11, "pending")]
    assert await pool.fetchval("SELECT count(*) FROM events") == 5
    assert await forget_delivered(pool, now - RETENTION, batch=3) == (0, 0)


async def test_an_old_event_no_endpoint_wanted_goes_and_the_position_stays(pool):
    await pool.execute("UPDATE endpoints SET enabled = false")
    await store_batch(pool, [record(0, 0, paused(str(uuid4())))])
    await pool.execute("UPDATE events SET stored_at = now() - interval '31 days'")
    now = await pool.fetchval("SELECT now()")
    assert await forget_delivered(pool, now - RETENTION) == (0, 1)
    # Forgetting never moves the ingest back: the position still covers the record.
    assert await pool.fetchval('SELECT "offset" FROM positions') == 0


async def test_the_timer_reads_the_period_from_settings_and_now_from_the_clock(pool, server_settings):
    await store_batch(pool, [record(0, n, paused(str(uuid4()))) for n in range(2)])
    await age(pool, range(0, 1), "delivered", 2)
    await age(pool, range(1, 2), "delivered", 0)
    now = await pool.fetchval("SELECT now()")
    # A week's retention and a clock moved six days on: the two-day-old delivery is past it.
    settings = server_settings.model_copy(update={"webhook_retention_days": 7})
    timer = asyncio.create_task(forget_forever(settings, pool, lambda: now + timedelta(days=6)))
    try:
        for _ in range(200):
            if await pool.fetchval("SELECT count(*) FROM deliveries") == 1:
                break
            await asyncio.sleep(0.05)
    finally:
        timer.cancel()
    left = await pool.fetch('SELECT e."offset" FROM events e JOIN deliveries d ON d.event_seq = e.seq')
    assert [row["offset"] for row in left] == [1]
