"""Two proposals for a mentor's last seat can never both confirm, whatever the
interleaving, even when two replicas (separate applications) accept at once."""

import threading
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from shared.contracts.vocabulary import ProgramTerms
from shared.errors import ConcurrentWrite
from shared.store_access import load_sync
from services.matching.application import MatchingApplication
from services.matching.domain.match_request import MatchRequest
from services.matching.domain.proposal import MatchProposal
from services.matching.domain.replicas import PoolMember, ProgramPolicy
from services.matching.domain.seats import Seats, seats_id
from tests.support.api_client import profile
from tests.support.servers import fresh_database

pytestmark = pytest.mark.integration
ROUNDS = 12


def seed_last_seat_contest(app: MatchingApplication) -> tuple[list, object]:
    """One mentor with one seat; two mentees whose proposals both await the mentor."""
    program_id = uuid4()
    app.save(ProgramPolicy(id=program_id, terms=ProgramTerms(name="p", formats=["one_to_one"],
                                                             organizations=["acme"]).model_dump(mode="json"),
                           status="open", policy_version=1))
    mentor_profile = profile("mentor", [("public speaking", "expert")], [], 15, "globex", capacity=1)
    mentor = PoolMember(id=uuid4(), program_id=program_id, organization_id="globex", profile=mentor_profile,
                        profile_version=1)
    app.save(mentor, Seats.open(mentor.id, "mentor", 1))
    proposals = []
    now = datetime.now(UTC)
    for _ in range(2):
        mentee = PoolMember(id=uuid4(), program_id=program_id, organization_id="acme",
                            profile=profile("mentee", [], ["public speaking"], 2, "acme"), profile_version=1)
        request = MatchRequest(id=uuid4(), program_id=program_id, organization_id="acme", details={
            "mentee_id": str(mentee.id), "format": "one_to_one",
            "goals": [{"topic": "public speaking", "outcome": "talk"}], "meeting_modes": ["video"],
            "preferences": {"must_have": [], "avoid": []}})
        app.save(mentee, Seats.open(mentee.id, "mentee", 2), request)
        proposal = app.propose_pair(request.id, mentor.id, "operator", now)
        app.accept(proposal.id, "mentee", now + timedelta(seconds=1))
        proposals.append(proposal.id)
    return proposals, mentor.id


def accept_as_mentor_with_retry(app: MatchingApplication, proposal_id, barrier: threading.Barrier,
                                outcomes: dict) -> None:
    barrier.wait()
    for _ in range(5):  # a client retries a 409 concurrent-write
        try:
            outcomes[proposal_id] = app.accept(proposal_id, "mentor", datetime.now(UTC)).status
            return
        except ConcurrentWrite:
            outcomes.setdefault("conflicts", []).append(proposal_id)
            continue
    outcomes[proposal_id] = "gave up"


async def test_two_proposals_for_the_last_seat_never_both_confirm(server_settings):
    async with fresh_database(server_settings) as database:
        settings = server_settings.model_copy(update={"matching_database": database})
        replica_a, replica_b = MatchingApplication(settings), MatchingApplication(settings)
        conflicts = 0
        try:
            for _ in range(ROUNDS):
                (first, second), mentor_id = seed_last_seat_contest(replica_a)
                outcomes: dict = {}
                barrier = threading.Barrier(2)
                threads = [
                    threading.Thread(target=accept_as_mentor_with_retry, args=(replica_a, first, barrier, outcomes)),
                    threading.Thread(target=accept_as_mentor_with_retry, args=(replica_b, second, barrier, outcomes)),
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                conflicts += len(outcomes.pop("conflicts", []))
                assert sorted(outcomes.values()) == ["cancelled", "confirmed"], outcomes
                seats = load_sync(replica_a, seats_id(mentor_id, "mentor"), Seats, "seats")
                assert len(seats.held) == 1
                confirmed = [p for p in (first, second)
                             if load_sync(replica_a, p, MatchProposal, "match").status == "confirmed"]
                assert seats.held == confirmed
            print(f"optimistic-concurrency conflicts seen: {conflicts} in {ROUNDS} rounds")
        finally:
            replica_a.close()
            replica_b.close()
