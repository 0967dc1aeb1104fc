"""The deliveries table as the dispatcher's queue: claiming what is due and recording
what became of each attempt.

Order: per endpoint and subject (the relationship) only the oldest unfinished delivery
is ever claimable, so an endpoint sees one relationship's events one at a time, in the
order they were stored. A claim is a lease: a delivery whose dispatcher died mid-flight
becomes claimable again when its lease runs out, so a crash loses nothing (the receiver
may then see it twice: at-least-once, deduped by `webhook-id`).

Replicas: every webhooks process dispatches from the same table. Claimed rows are locked
`FOR UPDATE SKIP LOCKED` and re-checked, so two claims never take one delivery; an
endpoint's requests in flight are counted from the table (every replica's leases), so its
bound holds across replicas, give or take two claims made at the same instant. A replica
records an attempt only while it still holds the lease it claimed."""

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

import asyncpg

CLAIM = """
WITH heads AS (
    SELECT DISTINCT ON (endpoint_id, subject) seq, endpoint_id, state, next_attempt_at,
           lease_until
    FROM deliveries WHERE state IN ('pending', 'in_flight')
    ORDER BY endpoint_id, subject, seq
), busy AS (
    SELECT endpoint_id, count(*) AS requests FROM heads
    WHERE state = 'in_flight' AND lease_until >= now() GROUP BY endpoint_id
), ranked AS (
    SELECT h.seq, h.endpoint_id, h.next_attempt_at,
           row_number() OVER (PARTITION BY h.endpoint_id ORDER BY h.next_attempt_at, h.seq) AS rank
    FROM heads h JOIN endpoints p ON p.id = h.endpoint_id
    WHERE p.enabled AND h.next_attempt_at <= now()
      AND (h.state = 'pending' OR h.lease_until < now())
), due AS (
    SELECT r.seq FROM ranked r LEFT JOIN busy b ON b.endpoint_id = r.endpoint_id
    WHERE r.rank <= $2 - coalesce(b.requests, 0)
    ORDER BY r.next_attempt_at, r.seq LIMIT $1
), taken AS (
    -- Another replica's claim in progress is skipped; one it committed since this
    -- statement began fails the re-check (PostgreSQL re-reads a locked row's newest version).
    SELECT d.seq FROM deliveries d JOIN due ON due.seq = d.seq
    WHERE d.state = 'pending' OR d.lease_until < now()
    FOR UPDATE OF d SKIP LOCKED
)
UPDATE deliveries d
SET state = 'in_flight', lease_until = now() + make_interval(secs => $3),
    first_attempt_at = coalesce(d.first_attempt_at, now())
FROM taken, events e, endpoints p
WHERE d.seq = taken.seq AND e.seq = d.event_seq AND p.id = d.endpoint_id
RETURNING d.seq, d.id, d.endpoint_id, d.attempts, d.lease_until, d.first_attempt_at, e.id AS event_id,
          e.body, p.url, p.sealed_secret, p.sealed_previous_secret, p.previous_secret_until
"""


@dataclass(frozen=True)
class Claimed:
    seq: int
    id: UUID
    endpoint_id: UUID
    attempts: int  # before this one
    lease_until: datetime  # which claim this is: recording an attempt needs it unchanged
    event_id: str
    body: str
    url: str
    sealed_secret: bytes
    # the rotated-out secret, while it still signs
    sealed_previous_secret: bytes | None


async def claim(
    pool: asyncpg.Pool, free: int, per_endpoint: int, lease_seconds: float
) -> list[Claimed]:
    rows = await pool.fetch(CLAIM, free, per_endpoint, lease_seconds)
    return [
        Claimed(
            row["seq"],
            row["id"],
            row["endpoint_id"],
            row["attempts"],
            row["lease_until"],
            row["event_id"],
            row["body"],
            row["url"],
            row["sealed_secret"],
            row["sealed_previous_secret"] if _still_signing(row) else None,
        )
        for row in rows
    ]


def _still_signing(row: asyncpg.Record) -> bool:
    until = row["previous_secret_until"]
    return (
        row["sealed_previous_secret"] is not None
        and until is not None
        and until > datetime.now(UTC)
    )


async def record_successes(pool: asyncpg.Pool, successes: list[tuple[Claimed, int, float]]) -> None:
    """Many answers in one transaction (status, latency in ms each): at hundreds a second,
    a transaction per delivery would be the dispatcher's bottleneck."""
    async with pool.acquire() as connection, connection.transaction():
        await connection.execute(
            """UPDATE deliveries d SET state = 'delivered', attempts = d.attempts + 1,
                   delivered_at = now(), lease_until = NULL, last_status = answer.status,
                   last_error = NULL, last_latency_ms = answer.latency
               FROM unnest($1::bigint[], $2::int[], $3::float8[], $4::timestamptz[])
                    AS answer(seq, status, latency, lease_until)
               WHERE d.seq = answer.seq AND d.lease_until = answer.lease_until""",
            [delivery.seq for delivery, _, _ in successes],
            [status for _, status, _ in successes],
            [latency for _, _, latency in successes],
            [delivery.lease_until for delivery, _, _ in successes],
        )
        await connection.execute(
            "UPDATE endpoints SET last_success_at = now() WHERE id = ANY($1::uuid[])",
            sorted({delivery.endpoint_id for delivery, _, _ in successes}),
        )


async def record_failure(
    pool: asyncpg.Pool,
    delivery: Claimed,
    status: int | None,
    error: str,
    latency_ms: float,
    wait_seconds: float | None,
) -> bool:
    """A retry after `wait_seconds`, or (None) the delivery gives up; then an endpoint
    with no success since this delivery's first attempt is disabled with the reason.
    True when the endpoint was disabled."""
    async with pool.acquire() as connection, connection.transaction():
        updated = await connection.execute(
            """UPDATE deliveries SET attempts = attempts + 1, lease_until = NULL,
                   last_status = $2, last_error = $3, last_latency_ms = $4,
                   state = CASE WHEN $5::float8 IS NULL THEN 'failed' ELSE 'pending' END,
                   next_attempt_at = CASE WHEN $5::float8 IS NULL THEN next_attempt_at
                                     ELSE now() + make_interval(secs => $5::float8) END
               WHERE seq = $1 AND lease_until = $6""",
            delivery.seq,
            status,
            error[:500],
            latency_ms,
            wait_seconds,
            delivery.lease_until,
        )
        if wait_seconds is not None or updated == "UPDATE 0":
            return False
        reason = (
            f"disabled after every attempt of delivery {delivery.id} failed "
            f"({delivery.attempts + 1} attempts); last error: {error[:300]}"
        )
        disabled = await connection.fetchval(
            """UPDATE endpoints p SET enabled = false, disabled_reason = $2
               FROM deliveries d
               WHERE p.id = $1 AND d.seq = $3 AND p.enabled
                 AND (p.last_success_at IS NULL OR p.last_success_at < d.first_attempt_at)
               RETURNING true""",
            delivery.endpoint_id,
            reason,
            delivery.seq,
        )
        return bool(disabled)


async def release(pool: asyncpg.Pool, deliveries: list[Claimed]) -> None:
    """Claims given back unsent (a replica stopping): due again now, for any replica,
    rather than when their leases run out. One may have reached its receiver already:
    at-least-once."""
    await pool.execute(
        """UPDATE deliveries d SET state = 'pending', lease_until = NULL
           FROM unnest($1::bigint[], $2::timestamptz[]) AS held(seq, lease_until)
           WHERE d.seq = held.seq AND d.lease_until = held.lease_until""",
        [delivery.seq for delivery in deliveries],
        [delivery.lease_until for delivery in deliveries],
    )
