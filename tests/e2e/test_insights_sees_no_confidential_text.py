"""Insights holds public facts only: a relationship lived with marked confidential text
(contact data, a private note, a check-in comment, a closing reason, a reflection, a
decline's words) leaves none of it in insights' database or log, though insights saw
every event of that life. The four services as processes, real Kafka and PostgreSQL."""

from uuid import UUID, uuid4

import psycopg
import pytest

from tests.support.api_client import Caller, eventually, once_started, profile, starting_soon, token
from tests.support.processes import insights_process, running_services
from tests.support.servers import create_database_sync, drop_database_sync

pytestmark = pytest.mark.e2e
MARKERS = {
    "email": "conf-email-5b1e@example.com", "name": "Conf-Name-77aa", "note": "conf-note-90c1",
    "comment": "conf-comment-3f4d", "close": "conf-close-reason-e2a9", "reflection": "conf-reflection-64b0",
    "decline": "conf-decline-words-1c7f", "learned": "conf-learned-label-8d2",
}


@pytest.fixture(scope="module")
def lived(server_settings, tmp_path_factory):
    suffix = uuid4().hex[:8]
    databases = {name: f"conf_{name}_{suffix}" for name in ("intake", "matching", "sessions", "insights")}
    for database in databases.values():
        create_database_sync(server_settings, database)
    settings = server_settings.model_copy(update={"topic_namespace": f"conf{suffix}"})
    log_dir = tmp_path_factory.mktemp("conf-logs")
    env = {"TOPIC_NAMESPACE": settings.topic_namespace}
    insights = insights_process(settings, databases, log_dir, env)
    try:
        with running_services(settings, databases, log_dir, env) as services:
            insights.start()
            try:
                yield settings, services, insights, live_a_relationship(settings, services), databases, log_dir
            finally:
                insights.stop()
    finally:
        for database in databases.values():
            drop_database_sync(server_settings, database)


def live_a_relationship(settings, services) -> dict:  # noqa: ANN001
    operator = Caller(services["intake"].url, token(settings, "ops", "operator"))
    acme = Caller(services["intake"].url, token(settings, "acme", "partner"))
    program = operator.post("/v1/programs", {"name": "Confidential", "formats": ["one_to_one"],
                                             "organizations": ["acme"]}).json()["id"]
    people = {}
    for role, offers, wants, years in (("mentee", [], ["hiring"], 2), ("mentor", [("hiring", "expert")], [], 14),
                                       ("mentor", [("hiring", "intermediate")], [], 9)):
        key = role if role not in people else "second"
        people[key] = UUID(acme.post("/v1/participants", {
            "program_id": program, "name": MARKERS["name"], "contact_email": MARKERS["email"], "consent_given": True,
            "profile": profile(role, offers, wants, years, "acme", department=key)}).json()["id"])
    request = acme.post("/v1/requests", {"program_id": program, "mentee_id": str(people["mentee"]),
                                         "goals": [{"topic": "hiring", "outcome": "hire two engineers"}],
                                         "meeting_modes": ["video"]}).json()["id"]
    matching = Caller(services["matching"].url, token(settings, "acme", "partner"))
    listed = lambda: matching.get("/v1/matches", params={"request": request}).json()["items"]  # noqa: E731
    first = eventually(listed, what="a first proposal")[0]
    declined = matching.post(f"/v1/matches/{first['id']}/decline", {"reason": MARKERS["decline"],
                                                                      "acting_as": "mentor"})
    assert declined.status_code == 200, declined.text
    second = eventually(lambda: [p for p in listed() if p["id"] != first["id"]], what="a second proposal")[0]
    person = {key: {name: Caller(services[name].url, token(settings, "acme", "participant", who))
                    for name in ("matching", "sessions")} for key, who in people.items()}
    mentor_key = "mentor" if second["mentor_id"] == str(people["mentor"]) else "second"
    for key in ("mentee", mentor_key):
        assert person[key]["matching"].post(f"/v1/matches/{second['id']}/accept").status_code == 200
    mentee, mentor = person["mentee"]["sessions"], person[mentor_key]["sessions"]
    base = f"/v1/relationships/{request}"
    eventually(lambda: mentee.get(base).status_code == 200, what="the relationship")
    mentee.post(f"{base}/agreement", {"goals": {str(people["mentee"]): [{"topic": "hiring", "outcome": "two"}]},
                                      "end_date": "2027-06-30", "cadence_days": 14,
                                      "logistics": {"meeting_mode": "video"}})
    for party in (mentee, mentor):
        party.post(f"{base}/agreement/sign", {"version": 1})
    for party in (mentee, mentor):
        party.post(f"{base}/ground-rules/acknowledge")
    scheduled = mentee.post(f"{base}/sessions", {"starts_at": starting_soon(), "minutes": 30, "mode": "video"})
    session = next(iter(scheduled.json()["sessions"]))
    held = once_started(lambda: mentor.post(f"{base}/sessions/{session}/held", {
        "minutes": 30, "goals_touched": [0], "learned": {str(people["mentee"]): [MARKERS["learned"]]}}))
    assert held.status_code == 200, held.text
    assert mentee.post(f"{base}/sessions/{session}/notes", {"text": MARKERS["note"]}).status_code == 200
    assert mentee.post(f"{base}/check-ins", {"fit": 4, "progress": 3, "comment": MARKERS["comment"]}).status_code \
        == 200
    assert mentee.post(f"{base}/close", {"outcome": "completed", "reason": MARKERS["close"]}).status_code == 200
    assert mentee.post(f"{base}/reflection", {"text": MARKERS["reflection"], "goal_outcomes": {"0": "met"}}) \
        .status_code == 200
    return {"program": program, "relationship": request}


def test_insights_saw_the_whole_life_but_holds_none_of_its_confidential_text(lived):
    settings, services, insights, life, databases, log_dir = lived
    dsn = settings.postgres_dsn(databases["insights"])

    def stored_types() -> set[str]:
        with psycopg.connect(dsn) as connection:
            return {row[0] for row in connection.execute("SELECT body::jsonb->>'type' FROM events")}

    eventually(lambda: {"mentoring.matching.MatchDeclined.v1", "mentoring.sessions.CheckInRecorded.v1",
                        "mentoring.sessions.RelationshipClosed.v1", "mentoring.sessions.GoalOutcomesRecorded.v1"}
               <= stored_types(), timeout=60, what="insights to have seen the whole life")
    with psycopg.connect(dsn) as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        everything = "\n".join(str(row[0]) for table in tables
                               for row in connection.execute(f'SELECT t::text FROM "{table}" t'))
    log = (log_dir / "insights.log").read_text()
    for what, marker in MARKERS.items():
        assert marker not in everything, f"the {what} reached insights' database"
        assert marker not in log, f"the {what} reached insights' log"
    health = Caller(insights.url, token(settings, "ops", "operator")).get(f"/v1/programs/{life['program']}/health")
    assert health.status_code == 200 and MARKERS["close"] not in health.text
