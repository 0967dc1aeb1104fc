"""On real PostgreSQL, through matching's read model: a proposal still open for a mentor
counts in the mentor's load, so a mentor with one free seat is not proposed to a second
request while the first is unanswered (a confirmation finding the seat taken would send
the second back to the queue after both people had said yes); when that proposal ends
unconfirmed, the waiting request's pool changes and it is proposed the freed mentor."""

from datetime import timedelta
from uuid import uuid4

import asyncpg
import pytest

from shared.eventstore import run_blocking
from shared.read_model import Projector
from shared.runtime import use_standard_uuids
from shared.store_access import load_sync
from services.matching import pool_queries
from services.matching.application import MatchingApplication
from services.matching.documents import to_document
from services.matching.domain.match_request import MatchRequest
from services.matching.domain.replicas import PoolMember, ProgramPolicy
from services.matching.domain.seats import Seats
from tests.integration.test_matching_waits_and_frees import ASKED, enrol_mentor, seed
from tests.support.api_client import profile
from tests.support.servers import fresh_database

pytestmark = pytest.mark.integration


@pytest.fixture
async def world(server_settings):
    async with fresh_database(server_settings, migrated_for="matching") as database:
        settings = server_settings.model_copy(update={"matching_database": database})
        app = MatchingApplication(settings)
        pool = await asyncpg.create_pool(settings.postgres_dsn(database), min_size=1, max_size=2,
                                         init=use_standard_uuids)
        projector = Projector(app, pool, to_document)

        async def project() -> None:
            async with projector.position.exclusive() as connection:
                while await projector.step(connection):
                    pass
        try:
            yield app, pool, project
        finally:
            await pool.close()
            await run_blocking(app.close)


def another_request(app: MatchingApplication, program: ProgramPolicy) -> MatchRequest:
    mentee = PoolMember(id=uuid4(), program_id=program.id, organization_id="acme",
                        profile=profile("mentee", [], ["public speaking"], 2, "acme"), profile_version=1)
    request = MatchRequest(id=uuid4(), program_id=program.id, organization_id="acme", details={
        "mentee_id": str(mentee.id), "format": "one_to_one", "goals": [{"topic": "public speaking", "outcome": "talk"}],
        "meeting_modes": ["video"], "preferences": {"must_have": [], "avoid": []},
        "requested_at": ASKED.isoformat()})
    app.save(mentee, Seats.open(mentee.id, "mentee", 1), request)
    return request


async def awaiting_stamp(pool: asyncpg.Pool, request: MatchRequest) -> tuple[int, int]:
    found = await pool_queries.awaiting_requests(pool, ASKED + timedelta(hours=1))
    return next(awaiting.pool_stamp for awaiting in found if awaiting.request_id == request.id)


async def test_an_open_proposal_holds_the_mentors_last_seat_until_it_ends(world):
    app, pool, project = world
    program, first, _ = seed(app)
    mentor = enrol_mentor(app, program, capacity=1)
    second = another_request(app, program)
    await project()
    proposal = await run_blocking(app.propose_next, first.id, await pool_queries.mentors_of(pool, program.id),
                                  ASKED + timedelta(minutes=1))
    assert proposal is not None and proposal.mentor_id == mentor.id
    await project()

    held = await pool_queries.mentors_of(pool, program.id)
    assert [(m.participant_id, m.load, m.has_room) for m in held] == [(mentor.id, 1, False)]
    assert await run_blocking(app.propose_next, second.id, held, ASKED + timedelta(minutes=2)) is None
    assert load_sync(app, second.id, MatchRequest, "request").status == "awaiting"
    await project()
    waiting_against = await awaiting_stamp(pool, second)

    await run_blocking(app.expire, proposal.id, ASKED + timedelta(days=8))
    await project()
    assert await awaiting_stamp(pool, second) != waiting_against, "the retry gate would never try it again"
    freed = await pool_queries.mentors_of(pool, program.id)
    assert [(m.participant_id, m.load) for m in freed] == [(mentor.id, 0)]
    retried = await run_blocking(app.propose_next, second.id, freed, ASKED + timedelta(days=8, minutes=1))
    assert retried is not None and retried.mentor_id == mentor.id
