"""The deliveries queue as two webhooks replicas share it, on real PostgreSQL: claims
made at the same moment never take one delivery twice, and a replica whose lease ran
out (another took the delivery over) records nothing over the new claim."""

import asyncio
from uuid import uuid4

import pytest

from services.webhooks.delivery_queue import claim, record_failure, record_successes, release
from services.webhooks.event_store import store_batch
from tests.integration.test_webhooks_event_store import paused, record
from tests.support.webhooks_database import webhooks_pool_with_an_endpoint

pytestmark = pytest.mark.integration
RELATIONSHIPS = 60


@pytest.fixture
async def pool(server_settings):
    async with webhooks_pool_with_an_endpoint(server_settings) as created:
        yield created


async def test_two_replicas_claiming_at_once_never_take_the_same_delivery(pool):
    await store_batch(pool, [record(0, n, paused(str(uuid4()))) for n in range(RELATIONSHIPS)])
    taken: list[int] = []
    while True:
        # Small claims from both at once, so that their statements overlap many times.
        rounds = await asyncio.gather(
            *(claim(pool, 5, per_endpoint=RELATIONSHIPS, lease_seconds=30) for _ in range(2))
        )
        got = [delivery.seq for claimed in rounds for delivery in claimed]
        if not got:
            break
        taken.extend(got)
    assert len(taken) == RELATIONSHIPS
    assert len(set(taken)) == RELATIONSHIPS


async def test_a_replica_past_its_lease_records_nothing_over_the_new_claim(pool):
    await store_batch(pool, [record(0, 0, paused(str(uuid4())))])
    [stale] = await claim(pool, 1, per_endpoint=4, lease_seconds=30)
    await pool.execute("UPDATE deliveries SET lease_until = now() - interval '1 second'")
    [current] = await claim(pool, 1, per_endpoint=4, lease_seconds=30)
    assert current.seq == stale.seq and current.lease_until != stale.lease_until
    assert await record_failure(pool, stale, 500, "HTTP 500", 3.0, None) is False
    await record_successes(pool, [(stale, 200, 3.0)])
    await release(pool, [stale])
    row = await pool.fetchrow("SELECT state, attempts, lease_until FROM deliveries")
    assert (row["state"], row["attempts"], row["lease_until"]) == ("in_flight", 0, current.lease_until)
    await record_successes(pool, [(current, 200, 3.0)])
    assert await pool.fetchval("SELECT state FROM deliveries") == "delivered"


async def test_released_claims_are_due_again_at_once(pool):
    await store_batch(pool, [record(0, n, paused(str(uuid4()))) for n in range(3)])
    held = await claim(pool, 3, per_endpoint=4, lease_seconds=3600)
    assert await claim(pool, 3, per_endpoint=4, lease_seconds=3600) == []
    await release(pool, held)
    again = await claim(pool, 3, per_endpoint=4, lease_seconds=3600)
    assert sorted(d.seq for d in again) == sorted(d.seq for d in held)
