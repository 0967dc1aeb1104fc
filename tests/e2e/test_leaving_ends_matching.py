"""Someone who leaves the program leaves matching at once (issue 8): an erased mentor's
open proposal is cancelled with the reason as the erasure arrives, not by a timer, and
matching keeps no text of their profile; they are never proposed again; a mentee who
withdraws has their proposal cancelled and their request ended.
Separate processes over real Kafka and PostgreSQL."""

import json
from uuid import UUID

import asyncpg
import pytest

from tests.e2e.test_seats_come_back import settled
from tests.support.api_client import Caller, eventually, profile, token

pytestmark = pytest.mark.e2e

GOAL = {"topic": "public speaking", "outcome": "give a keynote"}
LEFT = "a participant left the program"
# Profile text only the erased mentor has, to look for in matching's documents.
TRACE = "zanzibar-lighthouse-desk"


@pytest.fixture(scope="module")
def people(stack):
    settings, services = stack["settings"], stack["services"]
    operator = Caller(services["intake"].url, token(settings, "operator-org", "operator"))
    partners = {org: Caller(services["intake"].url, token(settings, org, "partner")) for org in ("acme", "globex")}
    program = operator.post("/v1/programs", {"name": "Leaving", "formats": ["one_to_one"],
                                             "organizations": ["acme", "globex"]})
    assert program.status_code == 201, program.text
    program_id = program.json()["id"]

    def enrol(org: str, name: str, person_profile: dict) -> UUID:
        enrolled = partners[org].post("/v1/participants", {
            "program_id": program_id, "name": name, "consent_given": True,
            "contact_email": f"{name.lower()}.leaving@example.com", "profile": person_profile})
        assert enrolled.status_code == 201, enrolled.text
        return UUID(enrolled.json()["id"])

    def mentor(name: str, **overrides) -> UUID:  # noqa: ANN003
        return enrol("globex", name, profile("mentor", [("public speaking", "expert")], [], 15, "globex",
                                             **overrides))

    return {"settings": settings, "database": stack["databases"]["matching"], "program": program_id,
            "partners": partners, "enrol_mentor": mentor,
            "mentee": enrol("acme", "Ada", profile("mentee", [], ["public speaking"], 3, "acme")),
            "matching": Caller(services["matching"].url, token(settings, "operator-org", "operator"))}


def open_proposal(people, request_id: str):  # noqa: ANN001, ANN201
    items = people["matching"].get("/v1/matches", params={"request": request_id}).json()["items"]
    return next((item for item in items if item["status"] == "proposed"), None)


def match(people, match_id: str) -> dict:  # noqa: ANN001
    return people["matching"].get(f"/v1/matches/{match_id}").json()


async def documents_of(people, participant: UUID) -> list[tuple[str, str, dict]]:  # noqa: ANN001
    connection = await asyncpg.connect(people["settings"].postgres_dsn(people["database"]))
    try:
        rows = await connection.fetch("SELECT kind, status, body FROM documents WHERE id = $1 OR body::text LIKE $2",
                                      participant, f"%{TRACE}%")
        return [(row["kind"], row["status"], json.loads(row["body"])) for row in rows]
    finally:
        await connection.close()


@pytest.fixture(scope="module")
def journey(people):
    grace = people["enrol_mentor"]("Grace", department=TRACE, location=TRACE)
    asked = people["partners"]["acme"].post("/v1/requests", {"program_id": people["program"],
                                                             "mentee_id": str(people["mentee"]),
                                                             "goals": [GOAL], "meeting_modes": ["video"]})
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["id"]
    to_grace = eventually(lambda: open_proposal(people, request_id), what="a proposal to Grace")
    assert to_grace["mentor_id"] == str(grace)
    erased = people["partners"]["globex"].post(f"/v1/participants/{grace}/erase")
    assert erased.status_code == 200, erased.text
    # Promptly: well before the acceptance window, and the reason says it was the leaving.
    cancelled = settled(lambda: match(people, to_grace["id"]), lambda m: m["status"] != "proposed", timeout=15)
    mary = people["enrol_mentor"]("Mary")
    to_mary = eventually(lambda: open_proposal(people, request_id), what="a proposal to the next mentor")
    withdrew = people["partners"]["acme"].post(f"/v1/participants/{people['mentee']}/withdraw")
    assert withdrew.status_code == 200, withdrew.text
    after_withdrawal = settled(lambda: match(people, to_mary["id"]), lambda m: m["status"] != "proposed", timeout=15)
    request_in_intake = settled(lambda: people["partners"]["acme"].get(f"/v1/requests/{request_id}").json(),
                                lambda r: r["status"] != "pending", timeout=15)
    return {"grace": grace, "mary": mary, "cancelled": cancelled, "to_mary": to_mary,
            "after_withdrawal": after_withdrawal, "request_in_intake": request_in_intake}


def test_an_erased_mentors_open_proposal_is_cancelled_at_once_with_the_reason(journey):
    assert (journey["cancelled"]["status"], journey["cancelled"]["ended_reason"]) == ("cancelled", LEFT)


async def test_matching_keeps_no_profile_text_of_an_erased_person(journey, people):
    found = await documents_of(people, journey["grace"])
    assert found == [("member", "erased", {"id": str(journey["grace"]), "status": "erased"})], found


def test_an_erased_mentor_is_never_proposed_again(journey):
    assert journey["to_mary"]["mentor_id"] == str(journey["mary"])


def test_a_withdrawn_mentees_proposal_is_cancelled_and_their_request_ended(journey):
    assert (journey["after_withdrawal"]["status"], journey["after_withdrawal"]["ended_reason"]) == ("cancelled", LEFT)
    assert journey["request_in_intake"]["status"] == "closed"
