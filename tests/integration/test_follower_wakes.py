"""A follower woken while it reads the log does not lose the wake: a save that commits
just after the follower found nothing new is handled at once, not a poll later."""

import asyncio
from uuid import uuid4

import asyncpg
import pytest

from shared.eventstore import run_blocking
from shared.read_model import Projector
from tests.support.servers import fresh_database
from tests.support.tally import Tally, TallyApp, tally_to_document

pytestmark = pytest.mark.integration

POLL_SECONDS = 120.0  # a poll that never comes within the test: only the wake can move the follower


async def test_a_save_notified_while_the_follower_finds_nothing_new_is_projected_without_waiting_for_the_poll(
        server_settings):
    async with fresh_database(server_settings, migrated_for="intake") as database:
        settings = server_settings.model_copy(update={"intake_database": database})
        app = TallyApp(settings)
        pool = await asyncpg.create_pool(settings.postgres_dsn(database))
        projector = Projector(app, pool, tally_to_document, poll_seconds=POLL_SECONDS)
        real_step = projector.step
        raced = asyncio.Event()

        async def step_racing_a_save(connection):  # noqa: ANN001
            found = await real_step(connection)
            if not found and not raced.is_set():
                # The race, made certain: the save commits (and its NOTIFY arrives) after
                # this step's read found the log empty, before the follower waits.
                raced.set()
                await run_blocking(app.save, Tally(id=uuid4(), key="late", tenant="acme"))
                for _ in range(200):
                    if projector._wake.is_set():
                        break
                    await asyncio.sleep(0.01)
                assert projector._wake.is_set(), "the NOTIFY never reached the follower's listener"
            return found

        projector.step = step_racing_a_save
        following = asyncio.create_task(projector.run())
        try:
            for _ in range(300):  # bounded: 15 s, far below the poll
                if await pool.fetchval("SELECT count(*) FROM documents") == 1:
                    break
                assert not following.done(), following
                await asyncio.sleep(0.05)
            assert raced.is_set()
            assert await pool.fetchval("SELECT count(*) FROM documents") == 1
        finally:
            following.cancel()
            await asyncio.gather(following, return_exceptions=True)
            await pool.close()
            await run_blocking(app.close)
