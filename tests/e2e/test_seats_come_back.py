"""Every ending frees what it held: a mentor with room for one mentee takes a second,
who asked while the seat was taken, once the first relationship closes; their capacity
says so at each step.
Separate processes over real Kafka and PostgreSQL."""

import time
from uuid import UUID

import pytest

from tests.support.api_client import Caller, eventually, profile, token

pytestmark = pytest.mark.e2e

GOAL = {"topic": "public speaking", "outcome": "give a keynote"}


@pytest.fixture(scope="module")
def people(stack):
    settings, services = stack["settings"], stack["services"]
    operator = Caller(services["intake"].url, token(settings, "operator-org", "operator"))
    acme = Caller(services["intake"].url, token(settings, "acme", "partner"))
    globex = Caller(services["intake"].url, token(settings, "globex", "partner"))
    program = operator.post("/v1/programs", {"name": "Seats", "formats": ["one_to_one"],
                                             "organizations": ["acme", "globex"]})
    assert program.status_code == 201, program.text
    program_id = program.json()["id"]

    def enrol(partner: Caller, name: str, person_profile: dict) -> UUID:
        enrolled = partner.post("/v1/participants", {"program_id": program_id, "name": name, "consent_given": True,
                                                     "contact_email": f"{name.lower()}.seats@example.com",
                                                     "profile": person_profile})
        assert enrolled.status_code == 201, enrolled.text
        return UUID(enrolled.json()["id"])

    mentor = enrol(globex, "Grace", profile("mentor", [("public speaking", "expert")], ["data analysis"], 15,
                                            "globex", capacity=1))
    first = enrol(acme, "Ada", profile("mentee", [("data analysis", "expert")], ["public speaking"], 4, "acme"))
    second = enrol(acme, "Alan", profile("mentee", [("data analysis", "basic")], ["public speaking"], 3, "acme"))

    def callers(service: str, organization: str, participant: UUID) -> Caller:
        return Caller(services[service].url, token(settings, organization, "participant", participant))

    return {
        "program": program_id, "mentor": mentor, "first": first, "second": second, "acme": acme,
        "matching": {who: callers("matching", org, ident)
                     for who, org, ident in (("mentor", "globex", mentor), ("first", "acme", first),
                                             ("second", "acme", second))},
        "sessions": {"first": callers("sessions", "acme", first)},
        "partners": {org: Caller(services["matching"].url, token(settings, org, "partner"))
                     for org in ("acme", "globex")},
        "operator": Caller(services["matching"].url, token(settings, "operator-org", "operator")),
    }


def settled(probe, done, timeout=30):
    """The last answer once `done` holds, or when time runs out: the test then says what was wrong."""
    deadline = time.monotonic() + timeout
    while True:
        last = probe()
        if done(last) or time.monotonic() > deadline:
            return last
        time.sleep(0.25)


def ask(people, mentee):
    request = people["acme"].post("/v1/requests", {"program_id": people["program"],
                                                   "mentee_id": str(people[mentee]), "goals": [GOAL],
                                                   "meeting_modes": ["video"]})
    assert request.status_code == 201, request.text
    return request.json()["id"]


def proposals(people, mentee, request_id):
    return people["matching"][mentee].get("/v1/matches", params={"request": request_id}).json()["items"]


def confirm(people, mentee, request_id):
    """Both accept the request's proposal; None when no proposal came."""
    found = settled(lambda: proposals(people, mentee, request_id), bool)
    if not found:
        return None
    proposal = found[0]
    assert proposal["mentor_id"] == str(people["mentor"]), proposal
    people["matching"][mentee].post(f"/v1/matches/{proposal['id']}/accept")
    return people["matching"]["mentor"].post(f"/v1/matches/{proposal['id']}/accept").json()


def capacity(people, caller=None):
    return (caller or people["matching"]["mentor"]).get(f"/v1/mentors/{people['mentor']}/capacity")


@pytest.fixture(scope="module")
def journey(people):
    first_relationship = ask(people, "first")
    first_match = confirm(people, "first", first_relationship)
    while_running = capacity(people).json()
    second_relationship = ask(people, "second")
    # Several matchmaker ticks while the only seat is taken (TIMER_POLL_SECONDS=0.5 in e2e).
    while_full = settled(lambda: proposals(people, "second", second_relationship), bool, timeout=3)
    second_status_while_full = people["acme"].get(f"/v1/requests/{second_relationship}").json()["status"]
    sessions = people["sessions"]["first"]
    eventually(lambda: sessions.get(f"/v1/relationships/{first_relationship}").status_code == 200,
               what="the first relationship to start")
    closed = sessions.post(f"/v1/relationships/{first_relationship}/close",
                           {"outcome": "ended_early", "reason": "moved to another team"})
    assert closed.status_code == 200, closed.text
    after_close = settled(lambda: capacity(people).json(), lambda body: body["held"] == 0)
    second_match = confirm(people, "second", second_relationship)
    return {"first": (first_relationship, first_match, while_running), "after_close": after_close,
            "while_full": (while_full, second_status_while_full), "second": (second_relationship, second_match)}


def test_a_request_made_while_the_mentor_is_full_waits_for_the_seat(journey):
    while_full, status_in_intake = journey["while_full"]
    assert while_full == [], "a mentor with no free seat was proposed"
    assert status_in_intake == "pending", "the request ended instead of waiting for the seat"


def test_a_running_relationship_holds_the_mentors_only_seat(journey):
    relationship, match, while_running = journey["first"]
    assert match["status"] == "confirmed"
    assert while_running["held"] == 1 and while_running["free"] == 0 and while_running["capacity"] == 1
    assert while_running["relationships"] == [relationship]


def test_the_seat_comes_back_when_the_relationship_closes(journey):
    assert journey["after_close"]["held"] == 0 and journey["after_close"]["free"] == 1
    assert journey["after_close"]["relationships"] == []


def test_a_mentor_of_capacity_one_takes_a_second_mentee_after_the_first_relationship_closes(journey, people):
    relationship, match = journey["second"]
    assert match is not None, "the second request was never proposed to the mentor"
    assert match["status"] == "confirmed", match
    assert capacity(people).json()["relationships"] == [relationship]


def test_the_mentors_capacity_is_seen_by_operator_own_partner_and_the_mentor_only(journey, people):
    assert capacity(people, people["operator"]).status_code == 200
    assert capacity(people, people["partners"]["globex"]).status_code == 200
    assert capacity(people).status_code == 200
    for stranger in (people["partners"]["acme"], people["matching"]["first"]):
        refused = capacity(people, stranger)
        assert refused.status_code == 404 and refused.headers["content-type"] == "application/problem+json"
