"""What a pooled connection carries from one user to the next, and who cleans it.

asyncpg resets every connection it takes back into its pool (`pg_advisory_unlock_all();
CLOSE ALL; UNLISTEN *; RESET ALL`): one more round trip per statement a request runs,
6% of intake's write path in the profile (docs/performance.md). The service pool's users
keep no session state (statements and transactions only; asyncpg still rolls back a
transaction left open), so its pool skips that reset. The two kinds of user that do hold
session state, a follower's advisory lock and a LISTEN, take their connection through
`holding_session_state`, which clears it on the way out, or closes the connection when
it cannot (a cancellation mid-unlock), so nothing outlives them on a reused connection.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

CLEAR_SESSION_STATE = "SELECT pg_advisory_unlock_all(); UNLISTEN *;"


async def keep_as_is(_: asyncpg.Connection) -> None:
    """The pool's reset: nothing beyond asyncpg's own rollback of an open transaction."""


@asynccontextmanager
async def holding_session_state(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    async with pool.acquire() as connection:
        cleared = False
        try:
            yield connection
            await connection.execute(CLEAR_SESSION_STATE)
            cleared = True
        finally:
            if not cleared:
                try:
                    await connection.execute(CLEAR_SESSION_STATE)
                except BaseException:
                    connection.terminate()  # the pool replaces a closed connection
                    raise
