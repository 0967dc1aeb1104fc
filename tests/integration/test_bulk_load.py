"""Many aggregates loaded in two statements (shared/bulk_load.py) against real PostgreSQL:
each one exactly what the repository builds, from its newest snapshot and the events after."""

from uuid import uuid4

import pytest

from shared.bulk_load import load_many
from shared.eventstore import run_blocking
from tests.support.servers import fresh_database
from tests.support.tally import Tally, TallyApp

pytestmark = pytest.mark.integration


class SnapshottingTallies(TallyApp):
    snapshotting_intervals = {Tally: 5}


async def test_bulk_loaded_aggregates_equal_the_repositorys_with_snapshots_and_absent_ids(server_settings):
    async with fresh_database(server_settings) as database:
        app = SnapshottingTallies(server_settings.model_copy(update={"intake_database": database}))
        try:
            tallies = [Tally(id=uuid4(), key=f"k{n}", tenant="acme") for n in range(4)]
            for n, tally in enumerate(tallies):
                for step in range(n * 4):  # 0, 4, 8 and 12 increments after the opening: snapshots at 5 and 10
                    tally.increment(note=f"{n}.{step}")
                    await run_blocking(app.save, tally)
            await run_blocking(app.save, *tallies)
            never_saved = uuid4()
            found, absent = await run_blocking(load_many, app, [*(t.id for t in tallies), never_saved, tallies[0].id])
            expected = {t.id: await run_blocking(app.repository.get, t.id) for t in tallies}
            snapshots = await run_blocking(lambda: [len(list(app.snapshots.get(t.id))) for t in tallies])
        finally:
            await run_blocking(app.close)
        assert snapshots == [0, 1, 1, 2], "the load starts from snapshots where there are some"
        assert absent == {never_saved}
        assert {i: (a.version, a.count, a.notes) for i, a in found.items()} == {
            i: (a.version, a.count, a.notes) for i, a in expected.items()}
