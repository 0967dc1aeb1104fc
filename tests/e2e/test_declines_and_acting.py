"""A declined proposal moves on to the next-best mentor; in sessions, partners act
only for their own people and strangers see nothing."""

from uuid import UUID, uuid4

import pytest

from tests.support.api_client import Caller, eventually, profile, token

pytestmark = pytest.mark.e2e


def test_a_decline_proposes_the_next_best_mentor_and_never_the_decliner_again(stack):
    settings, services = stack["settings"], stack["services"]
    operator = Caller(services["intake"].url, token(settings, "ops", "operator"))
    acme = Caller(services["intake"].url, token(settings, "acme", "partner"))
    program = operator.post("/v1/programs", {"name": "Declines", "formats": ["one_to_one"],
                                             "organizations": ["acme"]}).json()
    mentee = acme.post("/v1/participants", {"program_id": program["id"], "name": "M", "contact_email": "m@e.com",
                                            "consent_given": True,
                                            "profile": profile("mentee", [], ["negotiation"], 2, "acme")}).json()
    mentors = {}
    for level in ("expert", "intermediate"):
        response = acme.post("/v1/participants", {
            "program_id": program["id"], "name": level, "contact_email": f"{level}@e.com", "consent_given": True,
            "profile": profile("mentor", [("negotiation", level)], [], 14, "acme", department=level)})
        mentors[level] = response.json()["id"]
    request = acme.post("/v1/requests", {"program_id": program["id"], "mentee_id": mentee["id"],
                                         "goals": [{"topic": "negotiation", "outcome": "a raise"}],
                                         "meeting_modes": ["video"]}).json()
    matching = Caller(services["matching"].url, token(settings, "acme", "partner"))
    listed = lambda: matching.get("/v1/matches", params={"request": request["id"]}).json()["items"]  # noqa: E731
    first = eventually(listed, what="a first proposal")[0]
    assert first["mentor_id"] == mentors["expert"], "the best-scored mentor first"
    declined = matching.post(f"/v1/matches/{first['id']}/decline",
                             {"reason": "fully booked", "acting_as": "mentor"})
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    second = eventually(lambda: [p for p in listed() if p["id"] != first["id"]], what="the next proposal")[0]
    assert second["mentor_id"] == mentors["intermediate"] and second["attempt"] == 2
    matching.post(f"/v1/matches/{second['id']}/decline", {"reason": "no", "acting_as": "mentor"})
    unmatched = eventually(lambda: [e for e in Caller(services["sessions"].url, token(settings, "ops", "operator"))
                                    .get(f"/v1/relationships/{request['id']}/timeline").json().get("entries", [])
                                    if e["fact"] == "RequestUnmatched"], what="RequestUnmatched")
    assert "meets the hard rules" in unmatched[0]["attributes"]["reason"]
    intake_view = eventually(lambda: (lambda r: r if r["status"] == "closed" else None)(
        acme.get(f"/v1/requests/{request['id']}").json()), what="intake to close the request")
    assert intake_view["status"] == "closed"


def test_partners_act_for_their_own_people_only_and_strangers_see_nothing(stack):
    settings, services = stack["settings"], stack["services"]
    operator = Caller(services["intake"].url, token(settings, "ops", "operator"))
    program = operator.post("/v1/programs", {"name": "Acting", "formats": ["one_to_one"],
                                             "organizations": ["acme", "globex"]}).json()
    people = {}
    for org, role, offers, wants in (("acme", "mentee", [], ["design"]), ("globex", "mentor", [("design", "expert")],
                                                                          [])):
        partner = Caller(services["intake"].url, token(settings, org, "partner"))
        people[role] = UUID(partner.post("/v1/participants", {
            "program_id": program["id"], "name": role, "contact_email": f"{role}@e.com", "consent_given": True,
            "profile": profile(role, offers, wants, 2 if role == "mentee" else 12, org)}).json()["id"])
    acme_intake = Caller(services["intake"].url, token(settings, "acme", "partner"))
    request = acme_intake.post("/v1/requests", {"program_id": program["id"], "mentee_id": str(people["mentee"]),
                                                "goals": [{"topic": "design", "outcome": "a portfolio"}],
                                                "meeting_modes": ["video"]}).json()
    acme, globex = (Caller(services[name].url, token(settings, org, "partner"))
                    for name, org in (("matching", "acme"), ("matching", "globex")))
    proposal = eventually(lambda: acme.get("/v1/matches", params={"request": request["id"]}).json()["items"],
                          what="a proposal")[0]
    unnamed = acme.post(f"/v1/matches/{proposal['id']}/accept", {})
    assert unnamed.status_code == 422 and unnamed.json()["errors"][0]["field"] == "body.acting_as"
    wrong_side = acme.post(f"/v1/matches/{proposal['id']}/accept", {"acting_as": "mentor"})
    assert wrong_side.status_code == 403 and wrong_side.json()["type"].endswith("/not-your-participant")
    acme.post(f"/v1/matches/{proposal['id']}/accept", {"acting_as": "mentee"})
    assert globex.post(f"/v1/matches/{proposal['id']}/accept", {"acting_as": "mentor"}).json()["status"] == "confirmed"

    base = f"/v1/relationships/{request['id']}"
    acme_sessions = Caller(services["sessions"].url, token(settings, "acme", "partner"))
    eventually(lambda: acme_sessions.get(base).status_code == 200, what="the relationship")
    for acting_for in ({}, {"acting_for": str(uuid4())}):
        unnamed = acme_sessions.post(f"{base}/ground-rules/acknowledge", params=acting_for)
        assert unnamed.status_code == 422 and unnamed.json()["errors"][0]["field"] == "query.acting_for"
    for_mentor = acme_sessions.post(f"{base}/ground-rules/acknowledge", params={"acting_for": str(people["mentor"])})
    assert for_mentor.status_code == 403 and for_mentor.json()["type"].endswith("/not-your-participant")
    for_mentee = acme_sessions.post(f"{base}/ground-rules/acknowledge", params={"acting_for": str(people["mentee"])})
    assert for_mentee.status_code == 200
    assert for_mentee.json()["ground_rules_acknowledged_by"] == [str(people["mentee"])]
    stranger = Caller(services["sessions"].url, token(settings, "initech", "participant", uuid4()))
    assert stranger.get(base).status_code == 404
    assert stranger.get(f"{base}/timeline").status_code == 404
    outsider_partner = Caller(services["sessions"].url, token(settings, "initech", "partner"))
    assert outsider_partner.post(f"{base}/pause", {"reason": "x"}).status_code == 404


def test_where_the_program_says_so_people_answer_for_themselves_and_a_partners_answer_is_on_record(stack):
    settings, services = stack["settings"], stack["services"]
    operator = Caller(services["intake"].url, token(settings, "ops", "operator"))
    acme = Caller(services["intake"].url, token(settings, "acme", "partner"))
    matching = Caller(services["matching"].url, token(settings, "acme", "partner"))
    for may_answer in (False, True):
        program = operator.post("/v1/programs", {"name": f"Answers {may_answer}", "formats": ["one_to_one"],
                                                 "organizations": ["acme"],
                                                 "partners_answer_for_people": may_answer}).json()
        people = {}
        for role, offers, wants, years in (("mentee", [], ["pricing"], 2), ("mentor", [("pricing", "expert")], [], 12)):
            people[role] = acme.post("/v1/participants", {
                "program_id": program["id"], "name": role, "contact_email": f"{role}@e.com", "consent_given": True,
                "profile": profile(role, offers, wants, years, "acme", department=role)}).json()["id"]
        request = acme.post("/v1/requests", {"program_id": program["id"], "mentee_id": people["mentee"],
                                             "goals": [{"topic": "pricing", "outcome": "a price list"}],
                                             "meeting_modes": ["video"]}).json()
        proposal = eventually(lambda: matching.get("/v1/matches", params={"request": request["id"]}).json()["items"],
                              what="a proposal")[0]
        by_partner = matching.post(f"/v1/matches/{proposal['id']}/accept", {"acting_as": "mentee"})
        if not may_answer:
            assert by_partner.status_code == 403, by_partner.text
            assert by_partner.json()["type"].endswith("/people-answer-for-themselves")
            mentee = Caller(services["matching"].url, token(settings, "acme", "participant", UUID(people["mentee"])))
            assert mentee.post(f"/v1/matches/{proposal['id']}/accept").status_code == 200
            continue
        assert by_partner.status_code == 200, by_partner.text
        history = matching.get(f"/v1/matches/{proposal['id']}/events").json()["items"]
        accepted = [item for item in history if item["type"].endswith(".MatchAccepted.v1")]
        assert accepted[0]["data"]["answered_for_by"] == "partner-acme-", "the record says who answered for whom"
