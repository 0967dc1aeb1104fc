"""How far a follower of the notification log has got, and who may run it.

The log_position table is made by the migrations (migrations/shared/)."""

import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from shared.session_state import holding_session_state


class LogPosition:
    def __init__(self, pool: asyncpg.Pool, follower: str) -> None:
        self._pool = pool
        self.follower = follower
        # A stable 32-bit number per follower names its advisory lock.
        self._lock_key = zlib.crc32(f"follower:{follower}".encode())

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[asyncpg.Connection]:
        """Holds a connection, and the follower's lock, for as long as the follower runs;
        the lock (and any LISTEN) goes with the session state on the way out."""
        async with holding_session_state(self._pool) as connection:
            await connection.execute("SELECT pg_advisory_lock($1)", self._lock_key)
            yield connection

    async def load(self, connection: asyncpg.Connection) -> int:
        value = await connection.fetchval(
            "SELECT notification_id FROM log_position WHERE follower = $1", self.follower
        )
        return value or 0

    async def save(self, connection: asyncpg.Connection, notification_id: int) -> None:
        await connection.execute(
            """INSERT INTO log_position (follower, notification_id) VALUES ($1, $2)
               ON CONFLICT (follower) DO UPDATE SET notification_id = EXCLUDED.notification_id""",
            self.follower,
            notification_id,
        )
