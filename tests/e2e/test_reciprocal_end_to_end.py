"""Co-mentoring through the three services (issue 8): a junior files a reciprocal request
naming a senior leader; matching proposes exactly those two, both accept, both hold a seat,
sessions' relationship has both as parties in both roles, and closing it frees both seats.
A third person who offers what the junior asks for is in the pool and must not be proposed.
Separate processes over real Kafka and PostgreSQL."""

import time
from uuid import UUID

import pytest

from tests.support.api_client import Caller, eventually, profile, token

pytestmark = pytest.mark.e2e

# The seeds' example: leadership experience but meagre social media skills, and the reverse.
GOAL = {"topic": "leadership", "outcome": "manage people in my first team"}


@pytest.fixture(scope="module")
def pair(stack):
    settings, services = stack["settings"], stack["services"]
    operator = Caller(services["intake"].url, token(settings, "operator-org", "operator"))
    acme = Caller(services["intake"].url, token(settings, "acme", "partner"))
    globex = Caller(services["intake"].url, token(settings, "globex", "partner"))
    program = operator.post("/v1/programs", {"name": "Co-mentoring", "formats": ["one_to_one", "reciprocal"],
                                             "organizations": ["acme", "globex"]})
    assert program.status_code == 201, program.text
    program_id = program.json()["id"]

    def enrol(partner: Caller, name: str, person_profile: dict) -> UUID:
        enrolled = partner.post("/v1/participants", {"program_id": program_id, "name": name, "consent_given": True,
                                                     "contact_email": f"{name.lower()}.reciprocal@example.com",
                                                     "profile": person_profile})
        assert enrolled.status_code == 201, enrolled.text
        return UUID(enrolled.json()["id"])

    leader = enrol(acme, "Barbara", profile("both", [("leadership", "expert")], ["social media"], 30, "acme",
                                            department="board"))
    junior = enrol(acme, "Milo", profile("both", [("social media", "expert")], ["leadership"], 2, "acme",
                                         department="marketing"))
    # Outside the junior's organization and offering exactly the goal: the search's favourite.
    third = enrol(globex, "Grace", profile("mentor", [("leadership", "expert")], ["social media"], 15, "globex"))

    def caller(service: str, participant: UUID, organization: str = "acme") -> Caller:
        return Caller(services[service].url, token(settings, organization, "participant", participant))

    request = acme.post("/v1/requests", {"program_id": program_id, "mentee_id": str(junior),
                                         "co_mentee_id": str(leader), "format": "reciprocal", "goals": [GOAL],
                                         "meeting_modes": ["video"]})
    assert request.status_code == 201, request.text
    relationship_id = request.json()["id"]
    as_junior, as_leader = caller("matching", junior), caller("matching", leader)
    operator_matching = Caller(services["matching"].url, token(settings, "operator-org", "operator"))

    proposal = settled(lambda: operator_matching.get("/v1/matches", params={"request": relationship_id})
                       .json()["items"], bool)
    request_status = acme.get(f"/v1/requests/{relationship_id}").json()
    if not proposal:
        return {"proposal": None, "request": request_status}
    proposal = proposal[0]
    accepted = [as_junior.post(f"/v1/matches/{proposal['id']}/accept"),
                as_leader.post(f"/v1/matches/{proposal['id']}/accept")]
    found = {"ids": {"leader": leader, "junior": junior, "third": third}, "relationship_id": relationship_id,
             "proposal": proposal, "request": request_status, "accepted": accepted}
    if accepted[1].status_code != 200 or accepted[1].json()["status"] != "confirmed":
        return found  # the tests say what went wrong; nothing more would start

    def capacity(person: UUID):  # noqa: ANN202
        return operator_matching.get(f"/v1/mentors/{person}/capacity")

    held = {who: settled(lambda p=person: capacity(p).json(), lambda body: body.get("held") == 1)
            for who, person in (("leader", leader), ("junior", junior))}
    sessions_junior, sessions_leader = caller("sessions", junior), caller("sessions", leader)
    base = f"/v1/relationships/{relationship_id}"
    eventually(lambda: sessions_junior.get(base).status_code == 200, what="the relationship to start")
    relationship = {"junior": sessions_junior.get(base).json(), "leader": sessions_leader.get(base)}
    closed = sessions_leader.post(f"{base}/close", {"outcome": "ended_early", "reason": "trying the format"})
    assert closed.status_code == 200, closed.text
    freed = {who: settled(lambda p=person: capacity(p).json(), lambda body: body.get("held") == 0)
             for who, person in (("leader", leader), ("junior", junior))}
    return {**found, "held": held, "relationship": relationship, "freed": freed}


def settled(probe, done, timeout=30):  # noqa: ANN001, ANN201
    """The last answer once `done` holds, or when time runs out: the test then says what was wrong."""
    deadline = time.monotonic() + timeout
    while True:
        last = probe()
        if done(last) or time.monotonic() > deadline:
            return last
        time.sleep(0.25)


def test_the_proposal_pairs_exactly_the_two_named_people(pair):
    proposal = pair["proposal"]
    assert proposal is not None, f"no proposal; the request is {pair['request']}"
    ids = pair["ids"]
    assert (proposal["mentee_id"], proposal["mentor_id"]) == (str(ids["junior"]), str(ids["leader"])), proposal
    assert str(ids["third"]) not in (proposal["mentee_id"], proposal["mentor_id"])


def test_the_explanation_and_score_count_what_each_gains_from_the_other(pair):
    proposal = pair["proposal"]
    assert proposal is not None, f"no proposal; the request is {pair['request']}"
    assert "the co-mentee offers leadership at expert level, which the requester wants to learn" \
        in proposal["explanation"], proposal["explanation"]
    assert "the requester offers social media at expert level, which the co-mentee wants to learn" \
        in proposal["explanation"], proposal["explanation"]
    contributions = proposal["provenance"]["factor_contributions"]
    assert contributions["learning"] > 0 and contributions["reciprocity"] > 0, contributions


def test_both_accept_and_both_hold_a_seat(pair):
    assert pair["proposal"] is not None, f"no proposal; the request is {pair['request']}"
    first, second = pair["accepted"]
    assert first.status_code == 200 and second.status_code == 200, (first.text, second.text)
    assert second.json()["status"] == "confirmed", second.json()
    for who in ("leader", "junior"):
        assert pair["held"][who]["held"] == 1, (who, pair["held"][who])
        assert pair["held"][who]["relationships"] == [pair["relationship_id"]], (who, pair["held"][who])


def test_the_relationship_has_both_people_as_parties_in_both_roles(pair):
    assert "relationship" in pair, f"the match was not confirmed: {[a.text for a in pair.get('accepted', [])]}"
    assert pair["relationship"]["leader"].status_code == 200, pair["relationship"]["leader"].text
    parties = {party["participant_id"]: party["role"] for party in pair["relationship"]["junior"]["parties"]}
    assert parties == {str(pair["ids"]["junior"]): "both", str(pair["ids"]["leader"]): "both"}, parties


def test_closing_the_relationship_frees_both_seats(pair):
    assert "relationship" in pair, f"the match was not confirmed: {[a.text for a in pair.get('accepted', [])]}"
    for who in ("leader", "junior"):
        assert pair["freed"][who]["held"] == 0, (who, pair["freed"][who])
