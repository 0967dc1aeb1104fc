"""Parked records: what a background follower could not apply, kept with its reason.

A follower that meets a record it cannot handle parks it here, in the same
transaction that moves its position past it, and goes on with the next one. An
operator lists what is parked, fixes the cause, then retries the record (the
follower applies it again, alone) or skips it for good. Nothing is deleted: the
row keeps its reason and what became of it. The table: migrations/shared/.
"""

from dataclasses import dataclass
from datetime import datetime

import asyncpg

PARKED, RETRIED, SKIPPED = "parked", "retried", "skipped"


@dataclass(frozen=True)
class ParkedRecord:
    follower: str
    address: str
    reason: str
    parked_at: datetime
    state: str


async def park(connection: asyncpg.Connection, follower: str, address: str, reason: str) -> None:
    await connection.execute(
        """INSERT INTO parked_records (follower, address, reason) VALUES ($1, $2, $3)
           ON CONFLICT (follower, address) DO UPDATE
             SET reason = EXCLUDED.reason, state = 'parked', parked_at = now(), resolved_at = NULL""",
        follower, address, reason)


async def parked_records(pool: asyncpg.Pool, state: str | None = PARKED) -> list[ParkedRecord]:
    rows = await pool.fetch(
        """SELECT follower, address, reason, parked_at, state FROM parked_records
           WHERE $1::text IS NULL OR state = $1 ORDER BY parked_at, follower, address""", state)
    return [ParkedRecord(**dict(row)) for row in rows]


async def is_parked(pool: asyncpg.Pool, follower: str, address: str) -> bool:
    found: bool = await pool.fetchval(
        "SELECT EXISTS (SELECT 1 FROM parked_records WHERE follower = $1 AND address = $2 AND state = 'parked')",
        follower, address)
    return found


async def parked_count(pool: asyncpg.Pool, follower: str) -> int:
    count: int = await pool.fetchval(
        "SELECT count(*) FROM parked_records WHERE follower = $1 AND state = 'parked'", follower)
    return count


async def resolve(connection: asyncpg.Connection | asyncpg.Pool, follower: str, address: str, state: str) -> bool:
    """Marks a parked record retried or skipped; False when nothing was parked there."""
    done = await connection.execute(
        """UPDATE parked_records SET state = $3, resolved_at = now()
           WHERE follower = $1 AND address = $2 AND state = 'parked'""", follower, address, state)
    return done != "UPDATE 0"
