"""A request waits for a mentor rather than dying, and the reporting-line ban follows
the line of managers through people who are not mentors. Separate processes over real
Kafka and PostgreSQL."""

import time
from uuid import UUID

import pytest

from tests.support.api_client import Caller, eventually, profile, token

pytestmark = pytest.mark.e2e

GOAL = {"topic": "public speaking", "outcome": "give a keynote"}
MATCHMAKER_TICKS = 4.0  # seconds: several ticks of the matchmaker (TIMER_POLL_SECONDS=0.5 in e2e)


@pytest.fixture(scope="module")
def callers(stack):
    settings, services = stack["settings"], stack["services"]
    return {
        "operator": Caller(services["intake"].url, token(settings, "operator-org", "operator")),
        "acme": Caller(services["intake"].url, token(settings, "acme", "partner")),
        "matching": Caller(services["matching"].url, token(settings, "acme", "partner")),
        "timeline": Caller(services["sessions"].url, token(settings, "operator-org", "operator")),
    }


def open_program(callers, name):
    program = callers["operator"].post("/v1/programs", {"name": name, "formats": ["one_to_one"],
                                                        "organizations": ["acme"]})
    assert program.status_code == 201, program.text
    return program.json()["id"]


def enrol(callers, program_id, name, person_profile):
    enrolled = callers["acme"].post("/v1/participants", {
        "program_id": program_id, "name": name, "contact_email": f"{name.lower()}.wait@example.com",
        "consent_given": True, "profile": person_profile})
    assert enrolled.status_code == 201, enrolled.text
    return UUID(enrolled.json()["id"])


def ask(callers, program_id, mentee_id):
    request = callers["acme"].post("/v1/requests", {"program_id": program_id, "mentee_id": str(mentee_id),
                                                    "goals": [GOAL], "meeting_modes": ["video"]})
    assert request.status_code == 201, request.text
    return request.json()["id"]


def intake_status(callers, request_id):
    return callers["acme"].get(f"/v1/requests/{request_id}").json()["status"]


def proposals(callers, request_id):
    return callers["matching"].get("/v1/matches", params={"request": request_id}).json()["items"]


def test_a_request_made_before_any_mentor_enrols_waits_and_is_proposed_once_one_does(callers):
    program_id = open_program(callers, "Waiting")
    mentee = enrol(callers, program_id, "Ada", profile("mentee", [], ["public speaking"], 3, "acme"))
    request_id = ask(callers, program_id, mentee)
    # Give the matchmaker several ticks with an empty pool: a request that dies of it is
    # closed in intake within a tick, so this bounded wait ends early when the bug is there.
    deadline = time.monotonic() + MATCHMAKER_TICKS
    while time.monotonic() < deadline and intake_status(callers, request_id) != "closed":
        time.sleep(0.25)
    assert intake_status(callers, request_id) == "pending", "the request ended while no mentor was enrolled yet"
    mentor = enrol(callers, program_id, "Grace", profile("mentor", [("public speaking", "expert")], [], 15, "acme",
                                                         department="sales"))
    proposal = eventually(lambda: proposals(callers, request_id), what="a proposal once a mentor enrolled")[0]
    assert proposal["mentor_id"] == str(mentor)


def test_a_skip_level_manager_is_never_proposed_though_the_manager_between_is_no_mentor(callers):
    program_id = open_program(callers, "Reporting lines")
    director = enrol(callers, program_id, "Dora", profile("mentor", [("public speaking", "expert")], [], 25, "acme"))
    # The manager in between is enrolled as a mentee only: matching's mentors do not include them.
    manager = enrol(callers, program_id, "Max", profile("mentee", [], ["negotiation"], 10, "acme",
                                                        manager_id=str(director)))
    mentee = enrol(callers, program_id, "Ada", profile("mentee", [], ["public speaking"], 3, "acme",
                                                       manager_id=str(manager)))
    request_id = ask(callers, program_id, mentee)
    unmatched = eventually(lambda: [entry for entry in callers["timeline"].get(
        f"/v1/relationships/{request_id}/timeline").json().get("entries", [])
        if entry["fact"] in ("RequestUnmatched", "MatchProposed")], what="matching's answer")
    assert [entry["fact"] for entry in unmatched] == ["RequestUnmatched"], unmatched
    assert "the two are in the same reporting line (1 mentor)" in unmatched[0]["attributes"]["reason"]
    assert unmatched[0]["attributes"]["reason_code"] == "no-mentor-fits"
    assert proposals(callers, request_id) == []
