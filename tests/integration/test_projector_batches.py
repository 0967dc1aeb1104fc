"""The projector writes a batch's documents with one statement, in the transaction that
moves its position: a crash between the two leaves neither, and the restart writes all."""

from uuid import uuid4

import asyncpg
import pytest

from shared.eventstore import run_blocking
from shared.read_model import Projector
from tests.support.servers import fresh_database
from tests.support.tally import Tally, TallyApp, tally_to_document

pytestmark = pytest.mark.integration


class ProjectorCrashed(BaseException):
    """The process dying: no `except Exception` in the follower sees it."""


async def counts(pool: asyncpg.Pool) -> dict[str, int]:
    rows = await pool.fetch("SELECT body->>'key' AS key, (body->>'count')::int AS count FROM documents")
    return {row["key"]: row["count"] for row in rows}


async def test_a_projector_that_dies_before_saving_its_position_writes_no_document_of_that_batch(server_settings):
    async with fresh_database(server_settings, migrated_for="intake") as database:
        settings = server_settings.model_copy(update={"intake_database": database})
        app = TallyApp(settings)
        tallies = [Tally(id=uuid4(), key=f"k{n}", tenant="acme") for n in range(6)]
        for tally in tallies:
            tally.increment(note="once")
        await run_blocking(app.save, *tallies)  # 12 notifications: two batches of 6
        pool = await asyncpg.create_pool(settings.postgres_dsn(database))
        try:
            first = Projector(app, pool, tally_to_document, batch_size=6)
            saves = 0
            real_save = first.position.save

            async def save_then_crash(connection, notification_id):  # noqa: ANN001
                nonlocal saves
                saves += 1
                await real_save(connection, notification_id)
                if saves == 2:
                    raise ProjectorCrashed  # inside the batch's transaction: rolled back with it

            first.position.save = save_then_crash
            async with first.position.exclusive() as connection:
                with pytest.raises(ProjectorCrashed):
                    while await first.step(connection):
                        pass
            # The first batch (opening and incrementing k0-k2) is in; the second left nothing.
            assert await counts(pool) == {"k0": 1, "k1": 1, "k2": 1}
            async with pool.acquire() as connection:
                assert await first.position.load(connection) == 6

            second = Projector(app, pool, tally_to_document, batch_size=6)
            async with second.position.exclusive() as connection:
                second.done_up_to = await second.position.load(connection)
                while await second.step(connection):
                    pass
            assert await counts(pool) == {f"k{n}": 1 for n in range(6)}
            assert second.done_up_to == 12
        finally:
            await pool.close()
            await run_blocking(app.close)
