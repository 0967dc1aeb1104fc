"""A relationship's whole life through the three services, as separate processes,
over real Kafka and PostgreSQL: request, mutual acceptance, agreement and ground
rules, three sessions, check-ins, close, and paying it forward."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from tests.support.api_client import Caller, eventually, once_started, profile, starting_soon, token
from tests.support.servers import read_topic

pytestmark = pytest.mark.e2e

NOTE_TEXT = "private-note-7f3a: I felt nervous about the keynote"
COMMENT_TEXT = "private-comment-91c2: mentor seems rushed"
REFLECTION_TEXT = "private-reflection-55d0: I grew a lot"
MENTEE_EMAIL = "ada.lovelace.e2e@example.com"


@pytest.fixture(scope="module")
def journey(stack):
    settings, services = stack["settings"], stack["services"]
    operator = Caller(services["intake"].url, token(settings, "operator-org", "operator"))
    acme = Caller(services["intake"].url, token(settings, "acme", "partner"))
    globex = Caller(services["intake"].url, token(settings, "globex", "partner"))

    program = operator.post("/v1/programs", {"name": "Leaders", "formats": ["one_to_one"],
                                             "organizations": ["acme", "globex"], "cadence_days": 7})
    assert program.status_code == 201, program.text
    program_id = program.json()["id"]
    mentee = acme.post("/v1/participants", {
        "program_id": program_id, "name": "Ada", "contact_email": MENTEE_EMAIL, "consent_given": True,
        "profile": profile("mentee", [("data analysis", "expert")], ["public speaking"], 4, "acme")})
    mentor = globex.post("/v1/participants", {
        "program_id": program_id, "name": "Grace", "contact_email": "grace.e2e@example.com", "consent_given": True,
        "profile": profile("mentor", [("public speaking", "expert")], ["data analysis"], 15, "globex")})
    assert mentee.status_code == mentor.status_code == 201, (mentee.text, mentor.text)
    mentee_id, mentor_id = UUID(mentee.json()["id"]), UUID(mentor.json()["id"])

    request = acme.post("/v1/requests", {"program_id": program_id, "mentee_id": str(mentee_id),
                                         "goals": [{"topic": "public speaking", "outcome": "give a keynote"}],
                                         "meeting_modes": ["video"]})
    assert request.status_code == 201, request.text
    relationship_id = request.json()["id"]

    as_mentee = {name: Caller(services[name].url, token(settings, "acme", "participant", mentee_id))
                 for name in ("intake", "matching", "sessions")}
    as_mentor = {name: Caller(services[name].url, token(settings, "globex", "participant", mentor_id))
                 for name in ("matching", "sessions")}

    proposal = eventually(lambda: as_mentee["matching"].get(
        "/v1/matches", params={"request": relationship_id}).json()["items"], what="a proposal")[0]
    accepted_once = as_mentee["matching"].post(f"/v1/matches/{proposal['id']}/accept")
    confirmed = as_mentor["matching"].post(f"/v1/matches/{proposal['id']}/accept")

    sessions_mentee, sessions_mentor = as_mentee["sessions"], as_mentor["sessions"]
    base = f"/v1/relationships/{relationship_id}"
    eventually(lambda: sessions_mentee.get(base).status_code == 200, what="the relationship to start")
    premature = sessions_mentee.post(f"{base}/sessions", {"starts_at": _in(days=1), "minutes": 60, "mode": "video"})
    agreement = sessions_mentee.post(f"{base}/agreement", {
        "goals": {str(mentee_id): [{"topic": "public speaking", "outcome": "give a keynote"}],
                  str(mentor_id): [{"topic": "data analysis", "outcome": "read dashboards"}]},
        "end_date": (datetime.now(UTC) + timedelta(weeks=12)).date().isoformat(), "cadence_days": 7,
        "logistics": {"meeting_mode": "video", "channel_or_place": "team video room"}})
    sessions_mentee.post(f"{base}/agreement/sign", {"version": 1})
    sessions_mentor.post(f"{base}/agreement/sign", {"version": 1})
    agreement_signed_at = datetime.now(UTC)
    sessions_mentee.post(f"{base}/ground-rules/acknowledge")
    activated = sessions_mentor.post(f"{base}/ground-rules/acknowledge")

    session_ids = []
    for number in range(3):
        scheduled = sessions_mentee.post(f"{base}/sessions", {"starts_at": starting_soon(), "minutes": 60,
                                                              "mode": "video", "agenda": f"session {number}"})
        assert scheduled.status_code == 200, scheduled.text
        session_id = next(sid for sid in scheduled.json()["sessions"] if sid not in session_ids)
        session_ids.append(session_id)
        held = once_started(lambda: sessions_mentor.post(f"{base}/sessions/{session_id}/held", {
            "minutes": 55, "goals_touched": [0],
            "learned": {str(mentee_id): ["opening with a story"], str(mentor_id): ["pivot tables"]}}))
        assert held.status_code == 200, held.text
    sessions_mentee.post(f"{base}/sessions/{session_ids[0]}/notes", {"text": NOTE_TEXT})
    sessions_mentee.post(f"{base}/check-ins", {"fit": 5, "progress": 4, "comment": COMMENT_TEXT})
    sessions_mentor.post(f"{base}/check-ins", {"fit": 4, "progress": 4})
    sessions_mentee.post(f"{base}/pairing-fit", {"answer": "good_fit"})
    closed = sessions_mentee.post(f"{base}/close", {"outcome": "completed", "reason": "keynote given"})
    sessions_mentee.post(f"{base}/reflection", {"text": REFLECTION_TEXT, "goal_outcomes": {"0": "met"}})
    paid_forward = sessions_mentee.post(f"{base}/pay-it-forward")
    return {
        "stack": stack, "ids": {"program": program_id, "mentee": mentee_id, "mentor": mentor_id,
                                "relationship": relationship_id, "proposal": proposal["id"]},
        "responses": {"accepted_once": accepted_once, "confirmed": confirmed, "premature": premature,
                      "agreement": agreement, "activated": activated, "closed": closed,
                      "paid_forward": paid_forward},
        "callers": {"mentee": as_mentee, "mentor": as_mentor, "acme": acme, "operator": operator},
        "agreement_signed_at": agreement_signed_at, "base": base,
    }


def _in(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def test_a_request_becomes_a_proposal_that_is_confirmed_only_when_both_accept(journey):
    first, second = journey["responses"]["accepted_once"], journey["responses"]["confirmed"]
    assert first.status_code == 200 and first.json()["status"] == "proposed"
    assert first.json()["accepted_by"] == ["mentee"]
    assert second.json()["status"] == "confirmed"


def test_the_proposal_explains_itself_in_both_directions(journey):
    proposal = journey["callers"]["mentee"]["matching"].get(f"/v1/matches/{journey['ids']['proposal']}").json()
    assert "mentor offers public speaking at expert level, which is goal 1" in proposal["explanation"]
    assert "mentee offers data analysis, which the mentor wants to learn" in proposal["explanation"]
    assert proposal["provenance"]["factor_contributions"]["reciprocity"] > 0


def test_sessions_cannot_be_scheduled_before_agreement_and_ground_rules(journey):
    premature = journey["responses"]["premature"]
    assert premature.status_code == 409
    assert premature.headers["content-type"] == "application/problem+json"
    assert premature.json()["type"].endswith("/relationship-not-active")
    assert "agreement signed by both" in premature.json()["detail"]


def test_the_relationship_activates_once_agreement_and_ground_rules_are_signed_by_both(journey):
    assert journey["responses"]["agreement"].json()["status"] == "forming"
    assert journey["responses"]["activated"].json()["status"] == "active"


def test_the_relationship_closes_completed_with_three_sessions_held(journey):
    closed = journey["responses"]["closed"].json()
    assert closed["status"] == "closed" and closed["outcome"] == "completed"
    assert sum(1 for s in closed["sessions"].values() if s["state"] == "held") == 3


def test_paying_it_forward_shows_as_a_pending_mentor_enrolment_in_intake(journey):
    assert journey["responses"]["paid_forward"].status_code == 200
    mentee = journey["ids"]["mentee"]
    person = eventually(lambda: (lambda body: body if body.get("pending_mentor_offer") else None)(
        journey["callers"]["mentee"]["intake"].get(f"/v1/participants/{mentee}").json()),
        what="the pending mentor enrolment")
    assert person["pending_mentor_offer"] == journey["ids"]["relationship"]


def test_the_timeline_tells_the_whole_life_in_order_across_services(journey):
    timeline = journey["callers"]["mentee"]["sessions"].get(f"{journey['base']}/timeline").json()
    facts = [entry["fact"] for entry in timeline["entries"]]
    expected_order = ["MentorshipRequested", "MatchProposed", "MatchAccepted", "MatchConfirmed",
                      "RelationshipStarted", "AgreementProposed", "AgreementInEffect", "RelationshipActivated",
                      "SessionHeld", "RelationshipClosed", "PayItForwardOffered"]
    positions = [facts.index(fact) for fact in expected_order]
    assert positions == sorted(positions), facts
    assert facts.count("SessionHeld") == 3
    assert facts.count("MatchAccepted") == 2
    times = [entry["at"] for entry in timeline["entries"]]
    assert times == sorted(times)


def test_the_timeline_lists_every_event_of_the_relationship_one_by_one(journey):
    timeline = journey["callers"]["mentee"]["sessions"].get(f"{journey['base']}/timeline").json()
    # Reminders are timer-driven, so when they land among the others depends on timing.
    own = [e["fact"] for e in timeline["entries"] if e["source"] == "sessions" and e["fact"] != "SessionReminderDue"]
    assert own == [
        "RelationshipStarted", "AgreementProposed", "AgreementSigned", "AgreementSigned", "AgreementInEffect",
        "GroundRulesAcknowledged", "GroundRulesAcknowledged", "RelationshipActivated",
        "SessionScheduled", "SessionHeld", "SessionScheduled", "SessionHeld", "SessionScheduled", "SessionHeld",
        "PrivateNoteAdded", "CheckInRecorded", "CheckInRecorded", "PairingFitReported", "RelationshipClosed",
        "ReflectionRecorded", "PayItForwardOffered",
    ]
    prelude = [e["fact"] for e in timeline["entries"] if e["source"] != "sessions"]
    assert prelude == ["MentorshipRequested", "MatchProposed", "MatchAccepted", "MatchAccepted", "MatchConfirmed"]


def test_the_timeline_as_of_each_entry_shows_exactly_what_had_happened_by_then(journey):
    sessions = journey["callers"]["mentee"]["sessions"]
    entries = sessions.get(f"{journey['base']}/timeline").json()["entries"]
    for index, entry in enumerate(entries):
        then = sessions.get(f"{journey['base']}/timeline", params={"as_of": entry["at"]}).json()
        expected = [e for e in entries if e["at"] <= entry["at"]]
        assert [e["fact"] for e in then["entries"]] == [e["fact"] for e in expected], index
        held_by_then = sum(1 for e in expected if e["fact"] == "SessionHeld")
        if then["state"] is not None:
            assert then["state"]["sessions_held"] == held_by_then


def test_the_timeline_as_of_a_moment_shows_the_state_then(journey):
    moment = journey["agreement_signed_at"].isoformat()
    then = journey["callers"]["mentee"]["sessions"].get(f"{journey['base']}/timeline", params={"as_of": moment}).json()
    assert then["state"]["agreement_in_force"] == 1
    assert then["state"]["status"] == "forming"
    assert then["state"]["sessions_held"] == 0
    assert all(datetime.fromisoformat(entry["at"]) <= journey["agreement_signed_at"] for entry in then["entries"])
    assert "SessionHeld" not in [entry["fact"] for entry in then["entries"]]


def test_private_text_is_readable_by_its_author_only(journey):
    base = journey["base"]
    mine = journey["callers"]["mentee"]["sessions"].get(f"{base}/timeline").json()
    theirs = journey["callers"]["mentor"]["sessions"].get(f"{base}/timeline").json()
    assert NOTE_TEXT in [entry.get("private") for entry in mine["entries"]]
    assert REFLECTION_TEXT in [entry.get("private") for entry in mine["entries"]]
    assert not any("private" in entry for entry in theirs["entries"])
    assert NOTE_TEXT not in str(theirs)


def test_confidential_text_never_reaches_kafka_or_the_logs(journey):
    import asyncio

    settings = journey["stack"]["settings"]
    secrets = [NOTE_TEXT, COMMENT_TEXT, REFLECTION_TEXT, MENTEE_EMAIL]
    everything = b""
    for service in ("intake", "matching", "sessions"):
        records = asyncio.run(read_topic(settings, settings.topic_for(service), expected=10_000, timeout_ms=4000))
        assert records, f"nothing on the {service} topic"
        everything += b"".join(record.value for record in records)
    logs = "".join(path.read_text() for path in journey["stack"]["log_dir"].glob("*.log"))
    for secret in secrets:
        assert secret.encode() not in everything
        assert secret not in logs
    assert b"mentoring.matching.MatchConfirmed.v1" in everything
    assert b"mentoring.sessions.PayItForwardOffered.v1" in everything
