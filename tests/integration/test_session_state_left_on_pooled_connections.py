"""The service pool skips asyncpg's reset on release (shared/session_state.py), so the
users that hold session state must leave none behind: a follower's advisory lock and a
LISTEN end with their holder, also when the holder is cancelled, and a plain user's
open transaction is still rolled back."""

import asyncio

import asyncpg
import pytest

from shared.session_state import holding_session_state, keep_as_is
from tests.support.servers import fresh_database

LOCK = 4242


async def state_of(pool: asyncpg.Pool) -> tuple[int, list[str]]:
    """Advisory locks held and channels listened to by the pool's one connection."""
    async with pool.acquire() as connection:
        locks = await connection.fetchval(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        channels = [row[0] for row in await connection.fetch("SELECT pg_listening_channels()")]
    return locks, channels


async def one_connection_pool(settings, database) -> asyncpg.Pool:  # noqa: ANN001
    return await asyncpg.create_pool(settings.postgres_dsn(database), min_size=1, max_size=1, reset=keep_as_is)


# The listener is left registered on purpose (the holder must clear what its user forgot);
# asyncpg warns about it as the connection goes back to the pool.
@pytest.mark.filterwarnings("ignore:.*active notification listener")
async def test_a_holder_leaves_no_lock_or_listen_on_the_connection_it_returns(server_settings):
    async with fresh_database(server_settings) as database:
        pool = await one_connection_pool(server_settings, database)
        try:
            async with holding_session_state(pool) as connection:
                await connection.execute("SELECT pg_advisory_lock($1)", LOCK)
                await connection.add_listener("somewhere", lambda *_: None)
                assert await state_of_connection(connection) == (1, ["somewhere"])
            assert await state_of(pool) == (0, [])
        finally:
            await pool.close()


async def test_a_cancelled_holder_leaves_no_lock_behind(server_settings):
    async with fresh_database(server_settings) as database:
        pool = await one_connection_pool(server_settings, database)
        locked = asyncio.Event()

        async def hold() -> None:
            async with holding_session_state(pool) as connection:
                await connection.execute("SELECT pg_advisory_lock($1)", LOCK)
                locked.set()
                await asyncio.Future()

        try:
            holder = asyncio.create_task(hold())
            await asyncio.wait_for(locked.wait(), 10)
            holder.cancel()
            await asyncio.gather(holder, return_exceptions=True)
            assert await state_of(pool) == (0, [])
        finally:
            await pool.close()


async def test_a_plain_user_still_finds_no_open_transaction(server_settings):
    async with fresh_database(server_settings) as database:
        pool = await one_connection_pool(server_settings, database)
        try:
            async with pool.acquire() as connection:
                transaction = connection.transaction()
                await transaction.start()
                await connection.execute("CREATE TABLE left_open (n int)")
            async with pool.acquire() as connection:
                assert await connection.fetchval("SELECT to_regclass('left_open')") is None
                assert not connection.is_in_transaction()
        finally:
            await pool.close()


async def state_of_connection(connection: asyncpg.Connection) -> tuple[int, list[str]]:
    locks = await connection.fetchval(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
    return locks, [row[0] for row in await connection.fetch("SELECT pg_listening_channels()")]
