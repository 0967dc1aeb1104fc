"""Whole-pool runs over the HTTP API: a dry run writes nothing; a run proposes and
publishes its figures. The pool is seeded straight into matching's event store."""

from uuid import uuid4

import pytest

from shared.contracts.vocabulary import ProgramTerms
from services.matching.application import MatchingApplication
from services.matching.domain.match_request import MatchRequest
from services.matching.domain.replicas import PoolMember, ProgramPolicy
from services.matching.domain.seats import Seats
from services.matching.main import build
from tests.integration.conftest import service_client
from tests.support.api_client import eventually, profile, token

pytestmark = pytest.mark.integration
TOPICS = ["speaking", "sql", "hiring", "finance"]


def seed_batch_program(app: MatchingApplication, mentees: int = 6, mentors: int = 3) -> object:
    program_id = uuid4()
    terms = ProgramTerms(name="Batch", formats=["one_to_one"], organizations=["acme"], matching_mode="batch")
    app.save(ProgramPolicy(id=program_id, terms=terms.model_dump(mode="json"), status="open", policy_version=1))
    for n in range(mentors):
        mentor = PoolMember(id=uuid4(), program_id=program_id, organization_id="globex", profile_version=1,
                            profile=profile("mentor", [(TOPICS[n], "expert"), (TOPICS[n + 1], "basic")], [], 15,
                                            "globex", capacity=2))
        app.save(mentor, Seats.open(mentor.id, "mentor", 2))
    for n in range(mentees):
        mentee = PoolMember(id=uuid4(), program_id=program_id, organization_id="acme", profile_version=1,
                            profile=profile("mentee", [], [TOPICS[n % 4]], 3, "acme"))
        request = MatchRequest(id=uuid4(), program_id=program_id, organization_id="acme", details={
            "mentee_id": str(mentee.id), "format": "one_to_one", "meeting_modes": ["video"],
            "goals": [{"topic": TOPICS[n % 4], "outcome": "better"}], "preferences": {"must_have": [], "avoid": []}})
        app.save(mentee, Seats.open(mentee.id, "mentee", 1), request)
    return program_id


def test_a_dry_run_reports_the_pairs_and_figures_and_writes_nothing_then_a_run_proposes(server_settings):
    with service_client(server_settings, "matching", build) as (client, settings):
        app = client.app.state.runtime.app
        program_id = seed_batch_program(app)
        operator = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}
        eventually(lambda: len(client.get("/v1/matches", headers=operator).json()["items"]) == 0 and
                   client.app.state.runtime.projector.done_up_to >= app.recorder.max_notification_id(),
                   what="the pool in the read model")
        notifications_before = app.recorder.max_notification_id()

        dry = client.post(f"/v1/programs/{program_id}/matching-runs", headers=operator,
                          json={"objective": "stable", "dry_run": True})
        assert dry.status_code == 200, dry.text
        figures = dry.json()["summary"]
        assert figures["proposals"] == 6 and figures["matched_ratio"] == 1.0
        assert figures["blocking_pairs"] == 0 and figures["min_score"] > 0
        assert app.recorder.max_notification_id() == notifications_before, "a dry run writes nothing"

        real = client.post(f"/v1/programs/{program_id}/matching-runs", headers=operator,
                           json={"objective": "max_total_score"})
        assert real.status_code == 200 and real.json()["run_id"]
        proposals = eventually(lambda: (lambda items: items if len(items) == 6 else None)(
            client.get("/v1/matches", headers=operator, params={"program": str(program_id)}).json()["items"]),
            what="six proposals")
        assert {p["origin"] for p in proposals} == {"matching_run"}
        assert {p["provenance"]["algorithm"] for p in proposals} == {"min-cost-flow-assignment/v1"}


def test_batch_programs_wait_for_a_run_while_on_demand_programs_get_proposals(server_settings):
    with service_client(server_settings.model_copy(update={"timer_poll_seconds": 0.2}), "matching", build) as (
            client, settings):
        app = client.app.state.runtime.app
        batch = seed_batch_program(app, mentees=2, mentors=1)
        on_demand = seed_batch_program(app, mentees=1, mentors=1)
        policy = app.repository.get(on_demand)
        policy.learn({**policy.terms, "matching_mode": "on_demand"}, "open", 2)
        app.save(policy)
        operator = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}
        eventually(lambda: client.get("/v1/matches", headers=operator, params={"program": str(on_demand)})
                   .json()["items"], what="the on-demand proposal")
        batch_matches = client.get("/v1/matches", headers=operator, params={"program": str(batch)}).json()
        assert batch_matches["items"] == []


def test_only_operators_run_matching(server_settings):
    with service_client(server_settings, "matching", build) as (client, settings):
        partner = {"authorization": f"Bearer {token(settings, 'acme', 'partner')}"}
        refused = client.post(f"/v1/programs/{uuid4()}/matching-runs", headers=partner, json={"dry_run": True})
        assert refused.status_code == 403
