"""Erasing a mentee, with the three services as separate processes over real Kafka and
PostgreSQL: their keys are gone from intake's and sessions' own databases, so the
private note they wrote in sessions can never be opened again; their relationship
closes with the reason; and no timer fires for it again, even when one falls due."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import psycopg
import pytest

from shared.runtime import use_standard_uuids
from shared.vault import Erased, Vault
from services.sessions.application import SessionsApplication
from services.sessions.domain.closing import A_PARTY_LEFT
from tests.support.api_client import Caller, eventually, profile, token

pytestmark = pytest.mark.e2e
HOUR = 3600
NOTE_TEXT = "private-note-e2e-erasure: I am afraid of the board"


def active_pair(stack, name: str, topic: str, session_in_hours: int) -> dict[str, Any]:
    """Mentee and mentor in a program of their own, an active relationship, and a session
    far enough ahead that its reminder is not yet due."""
    settings, services = stack["settings"], stack["services"]
    operator = Caller(services["intake"].url, token(settings, "ops", "operator"))
    partner = Caller(services["intake"].url, token(settings, "acme", "partner"))
    program = operator.post("/v1/programs", {"name": name, "formats": ["one_to_one"], "organizations": ["acme"],
                                             "cadence_days": 7}).json()
    people = {}
    for role, offers, wants, years in (("mentee", [], [topic], 2), ("mentor", [(topic, "expert")], [], 14)):
        enrolled = partner.post("/v1/participants", {
            "program_id": program["id"], "name": f"{name} {role}", "contact_email": f"{role}@example.com",
            "consent_given": True, "profile": profile(role, offers, wants, years, "acme", department=role)})
        assert enrolled.status_code == 201, enrolled.text
        people[role] = UUID(enrolled.json()["id"])
    request = partner.post("/v1/requests", {"program_id": program["id"], "mentee_id": str(people["mentee"]),
                                            "goals": [{"topic": topic, "outcome": "get better"}],
                                            "meeting_modes": ["video"]}).json()
    matching = {role: Caller(services["matching"].url, token(settings, "acme", "participant", people[role]))
                for role in people}
    proposal = eventually(lambda: matching["mentee"].get("/v1/matches", params={"request": request["id"]})
                          .json()["items"], what="a proposal")[0]
    for role in people:
        matching[role].post(f"/v1/matches/{proposal['id']}/accept")
    sessions = {role: Caller(services["sessions"].url, token(settings, "acme", "participant", people[role]))
                for role in people}
    base = f"/v1/relationships/{request['id']}"
    eventually(lambda: sessions["mentee"].get(base).status_code == 200, what="the relationship")
    sessions["mentee"].post(f"{base}/agreement", {
        "goals": {str(people["mentee"]): [{"topic": topic, "outcome": "get better"}]},
        "end_date": (datetime.now(UTC) + timedelta(weeks=10)).date().isoformat(), "cadence_days": 7,
        "logistics": {"meeting_mode": "video"}})
    for role in people:
        sessions[role].post(f"{base}/agreement/sign", {"version": 1})
        sessions[role].post(f"{base}/ground-rules/acknowledge")
    starts_at = datetime.now(UTC) + timedelta(hours=session_in_hours)
    scheduled = sessions["mentee"].post(f"{base}/sessions", {"starts_at": starts_at.isoformat(), "minutes": 45,
                                                             "mode": "video"})
    assert scheduled.status_code == 200 and scheduled.json()["status"] == "active", scheduled.text
    return {**people, "relationship": UUID(request["id"]), "base": base, "sessions": sessions, "partner": partner,
            "session": next(iter(scheduled.json()["sessions"]))}


def key_rows(stack, service: str, person: UUID) -> int:
    settings = stack["settings"]
    with psycopg.connect(settings.postgres_dsn(stack["databases"][service])) as database:
        return database.execute("SELECT count(*) FROM subject_keys WHERE subject_id = %s",
                                (person,)).fetchone()[0]


def sessions_events(stack, relationship_id: UUID) -> list[Any]:
    """Sessions' own history, read from its event store as the service reads it."""
    settings = stack["settings"].model_copy(update={"sessions_database": stack["databases"]["sessions"]})
    store = SessionsApplication(settings)
    try:
        return list(store.events.get(relationship_id))
    finally:
        store.close()


def open_with_sessions_key(stack, person: UUID, sealed: str) -> str:
    settings = stack["settings"]

    async def run() -> str:
        pool = await asyncpg.create_pool(settings.postgres_dsn(stack["databases"]["sessions"]), min_size=1,
                                         max_size=1, init=use_standard_uuids)
        try:
            return await Vault(pool, settings.vault_ring()).open(person, sealed)
        finally:
            await pool.close()

    return asyncio.run(run())


def reminders_in(pair: dict[str, Any], reader: str) -> int:
    timeline = pair["sessions"][reader].get(f"{pair['base']}/timeline").json()
    return sum(1 for entry in timeline["entries"] if entry["fact"] == "SessionReminderDue")


def test_erasing_a_mentee_shreds_their_keys_everywhere_and_closes_their_relationship(stack):
    erased = active_pair(stack, "Erasure", "negotiation", session_in_hours=47)
    control = active_pair(stack, "Control", "forecasting", session_in_hours=49)
    mentee, base = erased["mentee"], erased["base"]
    noted = erased["sessions"]["mentee"].post(f"{base}/sessions/{erased['session']}/notes", {"text": NOTE_TEXT})
    assert noted.status_code == 200, noted.text
    commented = erased["sessions"]["mentor"].post(f"{base}/check-ins", {"fit": 4, "progress": 4,
                                                                       "comment": "the mentor's own words"})
    assert commented.status_code == 200, commented.text
    sealed_note = next(event.note_ciphertext for event in sessions_events(stack, erased["relationship"])
                       if type(event).__name__ == "PrivateNoteAdded")
    assert open_with_sessions_key(stack, mentee, sealed_note) == NOTE_TEXT
    assert key_rows(stack, "intake", mentee) == key_rows(stack, "sessions", mentee) == 1
    assert key_rows(stack, "sessions", erased["mentor"]) == 1

    response = erased["partner"].post(f"/v1/participants/{mentee}/erase")
    assert response.status_code == 200, response.text

    assert key_rows(stack, "intake", mentee) == 0
    eventually(lambda: key_rows(stack, "sessions", mentee) == 0, what="sessions to delete the mentee's keys")
    with pytest.raises(Erased):
        open_with_sessions_key(stack, mentee, sealed_note)
    closed = eventually(lambda: (lambda view: view if view["status"] == "closed" else None)(
        erased["sessions"]["mentor"].get(base).json()), what="the relationship to close")
    assert closed["outcome"] == "ended_early" and closed["next_timer_at"] is None
    closings = [event for event in sessions_events(stack, erased["relationship"])
                if type(event).__name__ == "RelationshipClosed"]
    assert [(event.reason, event.by) for event in closings] == [(A_PARTY_LEFT, None)]
    assert key_rows(stack, "sessions", erased["mentor"]) == 1, "only the erased person's keys go"

    # A day and a half later both sessions' reminders are due; only the control's fires.
    services = stack["services"]
    services["sessions"].restart(CLOCK_OFFSET_SECONDS=str(36 * HOUR))
    try:
        eventually(lambda: reminders_in(control, "mentee") == 1, what="the control relationship's reminder")
        assert reminders_in(erased, "mentor") == 0
        assert [type(event).__name__ for event in sessions_events(stack, erased["relationship"])][-1] \
            == "RelationshipClosed"
    finally:
        services["sessions"].restart(CLOCK_OFFSET_SECONDS="0")
