"""A group through the three services: a mentee files a group request naming two others;
matching proposes ONE mentor for the three (never the manager of one of them, who would
score best), the mentor and every mentee accept, and the group takes one of the mentor's
seats and one of each mentee's. Sessions holds one relationship with four parties: everyone
signs and acknowledges, a session is held with what each learned, each checks in. One mentee
withdraws from the program: they leave the group (their seat is free) and the others go on;
another leaves the group by choice. Closing frees the mentor's seat. Separate processes over
real Kafka and PostgreSQL."""

import time
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from tests.support.api_client import Caller, eventually, once_started, profile, starting_soon, token

pytestmark = pytest.mark.e2e

GOAL = {"topic": "public speaking", "outcome": "give a talk at the all-hands"}


@pytest.fixture(scope="module")
def group(stack):
    settings, services = stack["settings"], stack["services"]
    operator = Caller(services["intake"].url, token(settings, "operator-org", "operator"))
    acme = Caller(services["intake"].url, token(settings, "acme", "partner"))
    globex = Caller(services["intake"].url, token(settings, "globex", "partner"))
    program = operator.post("/v1/programs", {"name": "Speaking circle", "formats": ["one_to_one", "group"],
                                             "organizations": ["acme", "globex"]})
    assert program.status_code == 201, program.text
    program_id = program.json()["id"]

    def enrol(partner: Caller, name: str, person_profile: dict) -> UUID:
        enrolled = partner.post("/v1/participants", {"program_id": program_id, "name": name, "consent_given": True,
                                                     "contact_email": f"{name.lower()}.group@example.com",
                                                     "profile": person_profile})
        assert enrolled.status_code == 201, enrolled.text
        return UUID(enrolled.json()["id"])

    # The manager of one mentee: teaches the goal best and wants what the mentees offer, so
    # only the reporting-line rule, held for every member, keeps them from the group.
    boss = enrol(acme, "Bruno", profile("mentor", [("public speaking", "expert")], ["data analysis"], 20, "acme",
                                        department="leadership", capacity=3))
    mentor = enrol(globex, "Grace", profile("mentor", [("public speaking", "intermediate")], [], 15, "globex",
                                            capacity=2))
    mentees = [enrol(acme, name, profile("mentee", [("data analysis", "expert")], ["public speaking"], 3, "acme",
                                         department=department, capacity=1,
                                         **({"manager_id": str(boss)} if name == "Cleo" else {})))
               for name, department in (("Ada", "eng"), ("Ben", "sales"), ("Cleo", "finance"))]
    requester, ben, cleo = mentees

    refused = acme.post("/v1/requests", {"program_id": program_id, "mentee_id": str(requester), "format": "group",
                                         "co_mentee_ids": [str(ben), str(ben)], "goals": [GOAL],
                                         "meeting_modes": ["video"]})
    request = acme.post("/v1/requests", {"program_id": program_id, "mentee_id": str(requester), "format": "group",
                                         "co_mentee_ids": [str(ben), str(cleo)], "goals": [GOAL],
                                         "meeting_modes": ["video"]})
    assert request.status_code == 201, request.text
    relationship_id = request.json()["id"]
    found = {"ids": {"boss": boss, "mentor": mentor, "mentees": mentees}, "relationship_id": relationship_id,
             "refused": refused, "request": request.json()}

    def caller(service: str, participant: UUID, organization: str = "acme") -> Caller:
        return Caller(services[service].url, token(settings, organization, "participant", participant))

    operator_matching = Caller(services["matching"].url, token(settings, "operator-org", "operator"))
    proposals = settled(lambda: operator_matching.get("/v1/matches", params={"request": relationship_id})
                        .json()["items"], bool)
    if not proposals:
        return {**found, "proposal": None, "matching_request": acme.get(f"/v1/requests/{relationship_id}").json()}
    proposal = proposals[0]
    found["proposal"] = proposal
    answers = [caller("matching", person).post(f"/v1/matches/{proposal['id']}/accept") for person in mentees]
    found["before_mentor"] = operator_matching.get(f"/v1/matches/{proposal['id']}").json()
    answers.append(caller("matching", UUID(proposal["mentor_id"]), "globex")
                   .post(f"/v1/matches/{proposal['id']}/accept"))
    found["answers"] = answers
    if answers[-1].status_code != 200 or answers[-1].json()["status"] != "confirmed":
        return found  # the tests say what went wrong; nothing more would start

    def seats(person: UUID, role: str = "mentor") -> dict:
        return operator_matching.get(f"/v1/mentors/{person}/capacity", params={"role": role}).json()

    found["mentor_seats"] = settled(lambda: seats(mentor), lambda body: body.get("held") == 1)
    found["mentee_seats"] = {person: settled(lambda p=person: seats(p, "mentee"), lambda b: b.get("held") == 1)
                             for person in mentees}

    on_sessions = {person: caller("sessions", person) for person in mentees}
    on_sessions[mentor] = caller("sessions", mentor, "globex")
    base = f"/v1/relationships/{relationship_id}"
    eventually(lambda: on_sessions[requester].get(base).status_code == 200, what="the relationship to start")
    found["started"] = on_sessions[requester].get(base).json()
    end_date = (datetime.now(UTC) + timedelta(weeks=12)).date().isoformat()
    agreement = on_sessions[mentor].post(f"{base}/agreement", {
        "goals": {str(person): [GOAL] for person in mentees}, "end_date": end_date, "cadence_days": 14,
        "logistics": {"meeting_mode": "video", "channel_or_place": "team video room"}})
    assert agreement.status_code == 200, agreement.text
    for party in on_sessions.values():
        party.post(f"{base}/agreement/sign", {"version": 1})
        found["last_acknowledgement"] = party.post(f"{base}/ground-rules/acknowledge")
    scheduled = on_sessions[requester].post(f"{base}/sessions", {
        "starts_at": starting_soon(), "minutes": 60, "mode": "video"})
    assert scheduled.status_code == 200, scheduled.text
    session_id = next(iter(scheduled.json()["sessions"]))
    learned = {str(requester): ["structure"], str(ben): ["pauses"], str(cleo): ["openings"]}
    found["held"] = once_started(lambda: on_sessions[mentor].post(
        f"{base}/sessions/{session_id}/held", {"minutes": 60, "goals_touched": [0], "learned": learned}))
    found["check_ins"] = [party.post(f"{base}/check-ins", {"fit": 4, "progress": 4})
                          for party in on_sessions.values()]

    withdrawn = acme.post(f"/v1/participants/{ben}/withdraw")
    assert withdrawn.status_code == 200, withdrawn.text
    found["after_leaving"] = settled(lambda: on_sessions[requester].get(base).json(),
                                     lambda body: len(body.get("parties", [])) == 3)
    found["ben_seat_after_leaving"] = settled(lambda: seats(ben, "mentee"), lambda b: b.get("held") == 0)
    found["mentor_seats_after_leaving"] = seats(mentor)
    found["check_in_after_leaving"] = on_sessions[cleo].post(f"{base}/check-ins", {"fit": 5, "progress": 4})
    # Leaving the group without leaving the program: the same fact, by choice.
    found["cleo_left"] = on_sessions[cleo].post(f"{base}/leave-group")
    found["cleo_seat_after_leaving"] = settled(lambda: seats(cleo, "mentee"), lambda b: b.get("held") == 0)
    found["last_mentee_may_not_leave"] = on_sessions[requester].post(f"{base}/leave-group")

    closed = on_sessions[mentor].post(f"{base}/close", {"outcome": "completed", "reason": "talks given"})
    found["closed"] = closed
    found["mentor_seats_after_close"] = settled(lambda: seats(mentor), lambda body: body.get("held") == 0)
    found["requester_seat_after_close"] = settled(lambda: seats(requester, "mentee"), lambda b: b.get("held") == 0)
    return found


def settled(probe, done, timeout=30):
    """The last answer once `done` holds, or when time runs out: the test then says what was wrong."""
    deadline = time.monotonic() + timeout
    while True:
        last = probe()
        if done(last) or time.monotonic() > deadline:
            return last
        time.sleep(0.25)


def confirmed(group) -> None:
    assert group["proposal"] is not None, f"no proposal; the request is {group.get('matching_request')}"
    assert "mentor_seats" in group, f"not confirmed: {[a.text for a in group.get('answers', [])]}"


def test_a_group_request_naming_someone_twice_is_refused_naming_the_field(group):
    refused = group["refused"]
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in refused.json()["errors"]] == ["body.co_mentee_ids.1"], refused.json()


def test_one_mentor_is_proposed_for_the_whole_group_never_a_members_manager(group):
    proposal = group["proposal"]
    assert proposal is not None, f"no proposal; the request is {group.get('matching_request')}"
    ids = group["ids"]
    assert proposal["mentor_id"] == str(ids["mentor"]), proposal
    assert proposal["mentor_id"] != str(ids["boss"])
    assert proposal["mentee_id"] == str(ids["mentees"][0])
    assert proposal["co_mentee_ids"] == [str(person) for person in ids["mentees"][1:]]
    assert "the score is the mean of the members' scores" in proposal["explanation"], proposal["explanation"]


def test_nothing_is_confirmed_until_the_mentor_and_every_mentee_accepted(group):
    assert group["proposal"] is not None, f"no proposal; the request is {group.get('matching_request')}"
    answers = group["answers"]
    assert [a.status_code for a in answers] == [200] * 4, [a.text for a in answers]
    assert [a.json()["status"] for a in answers] == ["proposed"] * 3 + ["confirmed"]
    assert group["before_mentor"]["awaiting"] == ["mentor"], group["before_mentor"]


def test_the_group_holds_one_of_the_mentors_seats_and_one_of_each_mentees(group):
    confirmed(group)
    assert (group["mentor_seats"]["held"], group["mentor_seats"]["free"]) == (1, 1), group["mentor_seats"]
    assert group["mentor_seats"]["relationships"] == [group["relationship_id"]]
    for person, seats in group["mentee_seats"].items():
        assert seats["held"] == 1, (person, seats)


def test_the_relationship_has_the_mentor_and_every_mentee_as_parties(group):
    confirmed(group)
    parties = {party["participant_id"]: party["role"] for party in group["started"]["parties"]}
    ids = group["ids"]
    assert parties == {str(ids["mentor"]): "mentor", **{str(p): "mentee" for p in ids["mentees"]}}, parties
    assert group["started"]["format"] == "group"


def test_everyone_signs_a_session_is_held_for_the_group_and_each_checks_in(group):
    confirmed(group)
    assert group["last_acknowledgement"].json()["status"] == "active", group["last_acknowledgement"].text
    assert group["held"].status_code == 200, group["held"].text
    assert [c.status_code for c in group["check_ins"]] == [200] * 4, [c.text for c in group["check_ins"]]


def test_a_mentee_who_withdraws_leaves_the_group_their_seat_is_free_and_the_rest_goes_on(group):
    confirmed(group)
    after = group["after_leaving"]
    ben = str(group["ids"]["mentees"][1])
    assert after["status"] == "active", after
    assert ben not in {party["participant_id"] for party in after["parties"]}
    assert len(after["parties"]) == 3, after["parties"]
    assert group["ben_seat_after_leaving"]["held"] == 0, group["ben_seat_after_leaving"]
    assert group["mentor_seats_after_leaving"]["held"] == 1, group["mentor_seats_after_leaving"]
    assert group["check_in_after_leaving"].status_code == 200, group["check_in_after_leaving"].text


def test_a_mentee_may_leave_the_group_without_leaving_the_program_but_not_the_last_one(group):
    confirmed(group)
    assert group["cleo_left"].status_code == 200, group["cleo_left"].text
    assert {p["participant_id"] for p in group["cleo_left"].json()["parties"]} == {
        str(group["ids"]["mentor"]), str(group["ids"]["mentees"][0])}
    assert group["cleo_seat_after_leaving"]["held"] == 0, group["cleo_seat_after_leaving"]
    last = group["last_mentee_may_not_leave"]
    assert last.status_code == 409 and last.json()["type"].endswith("/cannot-leave-group"), last.text


def test_closing_the_group_frees_the_mentors_seat_and_the_remaining_mentees(group):
    confirmed(group)
    assert group["closed"].status_code == 200, group["closed"].text
    assert group["mentor_seats_after_close"]["held"] == 0, group["mentor_seats_after_close"]
    assert group["requester_seat_after_close"]["held"] == 0, group["requester_seat_after_close"]
