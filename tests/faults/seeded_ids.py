"""Real ids for the generated requests' path parameters: with only random ids nearly
every case stops at 404, before the code that could fail. A program, a mentor and a
mentee, the mentee's request and, once matching proposed it, the match."""

from typing import Any
from uuid import UUID

from tests.support.api_client import Caller, eventually, profile, token


def seed(stack: dict[str, Any]) -> dict[str, str]:
    settings, services = stack["settings"], stack["services"]
    operator = Caller(services["intake"].url, token(settings, "operator-org", "operator"))
    partners = {org: Caller(services["intake"].url, token(settings, org, "partner")) for org in ("acme", "globex")}
    program = operator.post("/v1/programs", {"name": "Fuzzed", "formats": ["one_to_one"],
                                             "organizations": ["acme", "globex"]}).json()["id"]

    def enrol(org: str, name: str, person_profile: dict[str, Any]) -> str:
        enrolled = partners[org].post("/v1/participants", {
            "program_id": program, "name": name, "consent_given": True,
            "contact_email": f"{name.lower()}.fuzzed@example.com", "profile": person_profile})
        assert enrolled.status_code == 201, enrolled.text
        return enrolled.json()["id"]

    mentor = enrol("globex", "Grace", profile("mentor", [("public speaking", "expert")], [], 15, "globex"))
    mentee = enrol("acme", "Ada", profile("mentee", [], ["public speaking"], 4, "acme"))
    request = partners["acme"].post("/v1/requests", {
        "program_id": program, "mentee_id": mentee, "meeting_modes": ["video"],
        "goals": [{"topic": "public speaking", "outcome": "give a keynote"}]})
    assert request.status_code == 201, request.text
    request_id = request.json()["id"]
    matches = Caller(services["matching"].url, token(settings, "operator-org", "operator"))
    match = eventually(lambda: matches.get("/v1/matches", params={"request": request_id}).json()["items"],
                       what="a proposal for the seeded request")[0]
    return {"program_id": program, "participant_id": mentee, "mentor_id": mentor,
            "request_id": request_id, "match_id": match["id"]}


def seed_relationship(stack: dict[str, Any], known: dict[str, str]) -> str:
    """A second mentee of the seeded program, matched with the seeded mentor, both accepted: the
    relationship sessions then holds (its id is the request's). The seeded match stays proposed."""
    settings, services = stack["settings"], stack["services"]
    acme = Caller(services["intake"].url, token(settings, "acme", "partner"))
    enrolled = acme.post("/v1/participants", {
        "program_id": known["program_id"], "name": "Alan", "consent_given": True,
        "contact_email": "alan.fuzzed@example.com",
        "profile": profile("mentee", [], ["public speaking"], 6, "acme")})
    assert enrolled.status_code == 201, enrolled.text
    mentee = enrolled.json()["id"]
    request = acme.post("/v1/requests", {
        "program_id": known["program_id"], "mentee_id": mentee, "meeting_modes": ["video"],
        "goals": [{"topic": "public speaking", "outcome": "chair a panel"}]})
    assert request.status_code == 201, request.text
    relationship = request.json()["id"]
    people = {mentee: "acme", known["mentor_id"]: "globex"}
    accepting = {person: Caller(services["matching"].url, token(settings, org, "participant", UUID(person)))
                 for person, org in people.items()}
    match = eventually(lambda: accepting[mentee].get("/v1/matches", params={"request": relationship}).json()["items"],
                       what="a proposal for the second seeded request")[0]
    for caller in accepting.values():
        accepted = caller.post(f"/v1/matches/{match['id']}/accept")
        assert accepted.status_code == 200, accepted.text
    sessions = Caller(services["sessions"].url, token(settings, "operator-org", "operator"))
    eventually(lambda: sessions.get(f"/v1/relationships/{relationship}").status_code == 200,
               what="the seeded relationship in sessions")
    return relationship
