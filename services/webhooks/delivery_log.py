"""An endpoint's delivery log (newest first) and redelivery, for its partner."""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

COLUMNS = """d.id, e.id AS event_id, e.type AS event_type, d.subject, d.state, d.attempts,
             d.last_status, d.last_error, d.last_latency_ms, d.next_attempt_at,
             d.created_at, d.delivered_at"""


async def deliveries_page(
    pool: asyncpg.Pool, endpoint_id: UUID, after: tuple[datetime, UUID] | None, limit: int
) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        f"""SELECT {COLUMNS} FROM deliveries d JOIN events e ON e.seq = d.event_seq
            WHERE d.endpoint_id = $1
              AND ($2::timestamptz IS NULL OR (d.created_at, d.id) < ($2, $3::uuid))
            ORDER BY d.created_at DESC, d.id DESC LIMIT $4""",
        endpoint_id,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return [dict(row) for row in rows]


async def redeliver(
    pool: asyncpg.Pool, endpoint_id: UUID, delivery_id: UUID
) -> dict[str, Any] | None:
    """The delivery is queued again from a fresh schedule (the receiver dedupes on its
    unchanged webhook-id). One still in flight is left alone: it is being sent."""
    row = await pool.fetchrow(
        f"""WITH again AS (
                UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = now(),
                    first_attempt_at = NULL, lease_until = NULL
                WHERE endpoint_id = $1 AND id = $2 AND state <> 'in_flight' RETURNING *)
            SELECT {COLUMNS} FROM again d JOIN events e ON e.seq = d.event_seq""",
        endpoint_id,
        delivery_id,
    )
    if row is not None:
        return dict(row)
    current = await pool.fetchrow(
        f"""SELECT {COLUMNS} FROM deliveries d JOIN events e ON e.seq = d.event_seq
            WHERE d.endpoint_id = $1 AND d.id = $2""",
        endpoint_id,
        delivery_id,
    )
    return dict(current) if current else None
