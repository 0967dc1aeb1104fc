"""Each application keeps aggregates in memory (AGGREGATE_CACHE_SIZE); a replica's
cached copy is brought up to date from the store on every read, so what another
replica saved meanwhile is seen, and a command is decided on the current state."""

from uuid import uuid4

import pytest

from services.intake.application import IntakeApplication
from services.intake.domain.program import Program
from shared.errors import ConcurrentWrite
from shared.store_access import load_sync, save_sync
from tests.support.servers import create_database_sync

pytestmark = pytest.mark.integration


def test_a_cached_aggregate_shows_what_another_replica_saved_since(server_settings):
    database = f"cache_{uuid4().hex[:10]}"
    create_database_sync(server_settings, database)
    settings = server_settings.model_copy(update={"intake_database": database})
    one, other = IntakeApplication(settings), IntakeApplication(settings)
    assert one.repository.cache is not None  # the cache is on by default
    try:
        program = one.open_program(uuid4(), {"name": "Pilot", "organizations": ["acme"]})
        assert load_sync(one, program.id, Program, "program").status == "open"  # now cached in `one`
        changed = load_sync(other, program.id, Program, "program")
        changed.pause(by="operator")
        save_sync(other, changed)
        seen = load_sync(one, program.id, Program, "program")
        assert (seen.status, seen.version) == ("paused", changed.version)
        # A command on a copy read before the other's save still conflicts.
        stale = load_sync(one, program.id, Program, "program")
        again = load_sync(other, program.id, Program, "program")
        again.reopen(by="operator")
        save_sync(other, again)
        stale.reopen(by="operator")
        with pytest.raises(ConcurrentWrite):
            save_sync(one, stale)
    finally:
        one.close()
        other.close()
