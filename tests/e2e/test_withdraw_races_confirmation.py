"""A mentee's request is withdrawn in intake while the mentor's acceptance confirms the
match in matching, at the same moment: whichever wins, the three services end up
telling the same story (issue 8, docs/adr/0004). Withdrawn everywhere: intake says
withdrawn, matching holds no seat and no confirmed match, sessions runs no relationship.
Or matched everywhere. Never split. Separate processes over real Kafka and PostgreSQL."""

from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

import pytest

from tests.e2e.test_seats_come_back import settled
from tests.support.api_client import Caller, eventually, profile, token

pytestmark = pytest.mark.e2e

GOAL = {"topic": "public speaking", "outcome": "give a keynote"}
RACES = 4
COMPENSATED = "the request was withdrawn before the match started"


@pytest.fixture(scope="module")
def races(stack):
    settings, services = stack["settings"], stack["services"]
    operator = Caller(services["intake"].url, token(settings, "operator-org", "operator"))
    acme = Caller(services["intake"].url, token(settings, "acme", "partner"))
    program = operator.post("/v1/programs", {"name": "Races", "formats": ["one_to_one"], "organizations": ["acme"]})
    assert program.status_code == 201, program.text
    program_id = program.json()["id"]

    def enrol(name: str, person_profile: dict) -> UUID:
        enrolled = acme.post("/v1/participants", {"program_id": program_id, "name": name, "consent_given": True,
                                                  "contact_email": f"{name.lower()}.races@example.com",
                                                  "profile": person_profile})
        assert enrolled.status_code == 201, enrolled.text
        return UUID(enrolled.json()["id"])

    mentor = enrol("Grace", profile("mentor", [("public speaking", "expert")], [], 15, "acme", capacity=RACES))
    as_mentor = Caller(services["matching"].url, token(settings, "acme", "participant", mentor))
    ops = Caller(services["matching"].url, token(settings, "operator-org", "operator"))
    sessions = Caller(services["sessions"].url, token(settings, "operator-org", "operator"))
    outcomes = []
    for race in range(RACES):
        mentee = enrol(f"Ada{race}", profile("mentee", [], ["public speaking"], 3, "acme"))
        as_mentee = Caller(services["matching"].url, token(settings, "acme", "participant", mentee))
        asked = acme.post("/v1/requests", {"program_id": program_id, "mentee_id": str(mentee), "goals": [GOAL],
                                           "meeting_modes": ["video"]})
        assert asked.status_code == 201, asked.text
        request_id = asked.json()["id"]
        proposal = eventually(lambda: as_mentee.get("/v1/matches", params={"request": request_id}).json()["items"],
                              what="a proposal")[0]
        assert as_mentee.post(f"/v1/matches/{proposal['id']}/accept").status_code == 200
        with ThreadPoolExecutor(2) as both:
            accepted = both.submit(as_mentor.post, f"/v1/matches/{proposal['id']}/accept")
            withdrawn = both.submit(acme.post, f"/v1/requests/{request_id}/withdraw")
            answers = (accepted.result().status_code, withdrawn.result().status_code)

        def story(request_id: str = request_id, proposal_id: str = proposal["id"]) -> tuple:
            relationship = sessions.get(f"/v1/relationships/{request_id}")
            match = ops.get(f"/v1/matches/{proposal_id}").json()
            return (acme.get(f"/v1/requests/{request_id}").json()["status"], match["status"], match["ended_reason"],
                    request_id in ops.get(f"/v1/mentors/{mentor}/capacity").json()["relationships"],
                    relationship.json()["status"] if relationship.status_code == 200 else None)

        outcomes.append((answers, settled(story, agreed, timeout=30)))
    return outcomes


def agreed(story: tuple) -> bool:
    in_intake, in_matching, why, seat_held, in_sessions = story
    # A confirmation that was undone started a relationship, which must have closed.
    withdrawn = (in_intake == "withdrawn" and in_matching == "cancelled" and not seat_held
                 and in_sessions == ("closed" if why == COMPENSATED else None))
    matched = (in_intake == "matched" and in_matching == "confirmed" and seat_held
               and in_sessions not in (None, "closed"))
    return withdrawn or matched


def test_whoever_wins_the_race_intake_matching_and_sessions_tell_the_same_story(races):
    assert all(agreed(story) for _, story in races), races


def test_a_withdrawal_that_answered_yes_wins_everywhere(races):
    for (_, withdrawal), story in races:
        if withdrawal == 200:
            assert story[0] == "withdrawn" and story[1] == "cancelled" and not story[3], story
