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


async def documents(pool: asyncpg.Pool) -> list[tuple]:
    return [tuple(row) for row in await pool.fetch(
        "SELECT kind, id, tenant, status, tags, version, body FROM documents ORDER BY id")]


async def test_a_projector_far_behind_grows_its_batches_and_writes_what_single_steps_write(server_settings):
    async with fresh_database(server_settings, migrated_for="intake") as database:
        settings = server_settings.model_copy(update={"intake_database": database})
        app = TallyApp(settings)
        tallies = [Tally(id=uuid4(), key=f"k{n}", tenant="acme") for n in range(30)]
        await run_blocking(app.save, *tallies)
        for round_number in range(3):  # each tally's events apart in the log
            for tally in tallies:
                tally.increment(note=f"r{round_number}")
            await run_blocking(app.save, *tallies)
        pool = await asyncpg.create_pool(settings.postgres_dsn(database))
        try:
            one_by_one = Projector(app, pool, tally_to_document, batch_size=1, max_batch_size=1)
            async with one_by_one.position.exclusive() as connection:
                while await one_by_one.step(connection):
                    pass
            expected = await documents(pool)
            await pool.execute("TRUNCATE documents")
            await pool.execute("DELETE FROM log_position")

            growing = Projector(app, pool, tally_to_document, batch_size=4)
            steps = 0
            async with growing.position.exclusive() as connection:
                while await growing.step(connection):
                    steps += 1
            assert steps == 5, "batches of 4, 8, 16, 32, then the last 60 of 120"
            assert await documents(pool) == expected
            assert {row[5] for row in expected} == {4}, "each document at its aggregate's newest version"
        finally:
            await pool.close()
            await run_blocking(app.close)
