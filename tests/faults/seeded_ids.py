"""Real ids for the generated requests' path parameters: with only random ids nearly
every case stops at 404, before the code that could fail. A program, a mentor and a
mentee, the mentee's request and, once matching proposed it, the match."""

from typing import Any

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
