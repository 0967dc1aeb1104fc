"""Deadlines survive restarts: the timer state lives in the event store, so a service
restarted after a deadline passed still records it, and the history shows it.

Services are restarted with CLOCK_OFFSET_SECONDS to stand hours or days later.
"""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from tests.support.api_client import Caller, eventually, profile, token

pytestmark = pytest.mark.e2e
HOUR = 3600


def enrol_pair_and_request(stack) -> tuple[Caller, dict]:
    settings, services = stack["settings"], stack["services"]
    operator = Caller(services["intake"].url, token(settings, "ops", "operator"))
    partner = Caller(services["intake"].url, token(settings, "acme", "partner"))
    program = operator.post("/v1/programs", {"name": "Timers", "formats": ["one_to_one"], "organizations": ["acme"],
                                             "acceptance_window_hours": 2, "cadence_days": 7}).json()
    people = {}
    for role, offers, wants, years in (("mentee", [], ["negotiation"], 2),
                                       ("mentor", [("negotiation", "expert")], [], 14)):
        response = partner.post("/v1/participants", {
            "program_id": program["id"], "name": role, "contact_email": f"{role}@example.com", "consent_given": True,
            "profile": profile(role, offers, wants, years, "acme", department=role)})
        people[role] = UUID(response.json()["id"])
    request = partner.post("/v1/requests", {"program_id": program["id"], "mentee_id": str(people["mentee"]),
                                            "goals": [{"topic": "negotiation", "outcome": "close a deal"}],
                                            "meeting_modes": ["video"]}).json()
    return partner, {"program": program, "request": request, **people}


def test_a_proposal_expires_when_its_window_passed_while_matching_was_down(stack):
    settings, services = stack["settings"], stack["services"]
    _, world = enrol_pair_and_request(stack)
    operator = Caller(services["matching"].url, token(settings, "ops", "operator"))
    proposal = eventually(lambda: operator.get("/v1/matches", params={"request": world["request"]["id"]})
                          .json()["items"], what="a proposal")[0]
    assert proposal["status"] == "proposed"

    services["matching"].restart(CLOCK_OFFSET_SECONDS=str(3 * HOUR))

    expired = eventually(lambda: (lambda p: p if p["status"] == "expired" else None)(
        operator.get(f"/v1/matches/{proposal['id']}").json()), what="the expiry")
    history = [entry["type"].split(".")[2] for entry in
               operator.get(f"/v1/matches/{proposal['id']}/events").json()["items"]]
    assert history[0] == "MatchProposed" and "MatchExpiryReminderDue" in history and history[-1] == "MatchExpired"
    assert expired["ended_reason"] == "the acceptance window passed"
    services["matching"].restart(CLOCK_OFFSET_SECONDS="0")


def test_a_session_reminder_fires_after_a_restart_and_shows_in_the_timeline(stack):
    settings, services = stack["settings"], stack["services"]
    _, world = enrol_pair_and_request(stack)
    matching = {role: Caller(services["matching"].url, token(settings, "acme", "participant", world[role]))
                for role in ("mentee", "mentor")}
    proposal = eventually(lambda: matching["mentee"].get("/v1/matches", params={"request": world["request"]["id"]})
                          .json()["items"], what="a proposal")[0]
    for role in ("mentee", "mentor"):
        matching[role].post(f"/v1/matches/{proposal['id']}/accept")
    people = {role: Caller(services["sessions"].url, token(settings, "acme", "participant", world[role]))
              for role in ("mentee", "mentor")}
    base = f"/v1/relationships/{world['request']['id']}"
    eventually(lambda: people["mentee"].get(base).status_code == 200, what="the relationship")
    people["mentee"].post(f"{base}/agreement", {
        "goals": {str(world["mentee"]): [{"topic": "negotiation", "outcome": "close a deal"}]},
        "end_date": (datetime.now(UTC) + timedelta(weeks=10)).date().isoformat(), "cadence_days": 7,
        "logistics": {"meeting_mode": "video"}})
    for role in ("mentee", "mentor"):
        people[role].post(f"{base}/agreement/sign", {"version": 1})
        people[role].post(f"{base}/ground-rules/acknowledge")
    starts_at = datetime.now(UTC) + timedelta(days=2)
    scheduled = people["mentee"].post(f"{base}/sessions", {"starts_at": starts_at.isoformat(), "minutes": 45,
                                                           "mode": "video"})
    assert scheduled.status_code == 200, scheduled.text

    services["sessions"].restart(CLOCK_OFFSET_SECONDS=str(36 * HOUR))

    timeline = eventually(lambda: (lambda t: t if "SessionReminderDue" in [e["fact"] for e in t["entries"]] else None)(
        people["mentee"].get(f"{base}/timeline").json()), what="the reminder")
    reminders = [e for e in timeline["entries"] if e["fact"] == "SessionReminderDue"]
    assert len(reminders) == 1
    services["sessions"].restart(CLOCK_OFFSET_SECONDS="0")
