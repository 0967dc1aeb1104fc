"""Insights' event stream over the real stack: the three services and insights as
processes, real Kafka and PostgreSQL. Events driven through intake, matching and
sessions reach SSE clients filtered, scoped to a dashboard's organization, resumable
with Last-Event-ID across a restart of insights, and a client too far behind is cut
off with an id it resumes from."""

from uuid import uuid4

import httpx
import pytest

from tests.e2e.insights_stack import STAND_IN_APP, STREAM_ENV, drive_a_relationship
from tests.support.api_client import eventually, token
from tests.support.processes import insights_process, running_services
from tests.support.servers import create_database_sync, drop_database_sync
from tests.support.sse_client import SseReader

pytestmark = pytest.mark.e2e
STREAM = "/v1/streams/events"


@pytest.fixture(scope="module")
def insights_stack(server_settings, tmp_path_factory):
    suffix = uuid4().hex[:8]
    databases = {name: f"e2e_{name}_{suffix}" for name in ("intake", "matching", "sessions", "insights")}
    for database in databases.values():
        create_database_sync(server_settings, database)
    settings = server_settings.model_copy(update={"topic_namespace": f"e2e{suffix}"})
    log_dir = tmp_path_factory.mktemp("service-logs")
    env = {"TOPIC_NAMESPACE": settings.topic_namespace}
    insights = insights_process(settings, databases, log_dir, {**env, **STREAM_ENV}, factory=STAND_IN_APP)
    try:
        with running_services(settings, databases, log_dir, env) as services:
            insights.start()
            try:
                journey = drive_a_relationship(settings, services)
                yield {"settings": settings, "services": services, "insights": insights, "journey": journey,
                       "databases": databases, "log_dir": log_dir}
            finally:
                insights.stop()
    finally:
        for database in databases.values():
            drop_database_sync(server_settings, database)


def reader(stack, tenant="ops", role="operator", params=(), last_event_id=None) -> SseReader:
    bearer = token(stack["settings"], tenant, role)
    return SseReader(stack["insights"].url + STREAM, bearer, list(params), last_event_id)


def since_start(stack) -> tuple[str, str]:
    return "since", stack["journey"].started_at.isoformat()


def full_history(stack, params=(), until=None) -> list:
    """Every event of the journey so far, read once the stream has them all."""
    stream = reader(stack, params=[since_start(stack), *params])
    try:
        eventually(lambda: until is None or until(stream.messages()), what="the journey's events on the stream")
        eventually(lambda: stream.comments.count("heartbeat") >= 1, what="history fully sent")
        return stream.messages()
    finally:
        stream.close()


def types_of(events) -> list[str]:
    return [event.json["type"] for event in events]


def has_relationship_started(events) -> bool:
    return any(t.endswith(".AgreementProposed.v1") for t in types_of(events))


def test_the_stream_delivers_the_events_driven_through_intake_matching_and_sessions(insights_stack):
    events = full_history(insights_stack, until=has_relationship_started)
    kinds = types_of(events)
    for expected in ("intake.ProgramOpened", "intake.ParticipantEnrolled", "intake.MentorshipRequested",
                     "matching.MatchProposed", "matching.MatchConfirmed", "sessions.RelationshipStarted",
                     "sessions.AgreementProposed"):
        assert f"mentoring.{expected}.v1" in kinds, (expected, kinds)
    first = events[0].json
    assert first["specversion"] == "1.0" and {"id", "source", "time", "data", "sequence"} <= set(first)
    # CloudEvents are unique by source and id (sessions' RelationshipStarted shares intake's id)
    assert len({(event.json["source"], event.json["id"]) for event in events}) == len(events), "sent twice"
    assert all(event.id for event in events), "every event carries an SSE id"


def test_filters_by_type_prefix_exact_type_program_and_relationship(insights_stack):
    journey = insights_stack["journey"]
    everything = full_history(insights_stack, until=has_relationship_started)
    sessions_only = full_history(insights_stack, [("type", "mentoring.sessions.")])
    assert sessions_only and all(t.startswith("mentoring.sessions.") for t in types_of(sessions_only))
    assert len(sessions_only) == sum(t.startswith("mentoring.sessions.") for t in types_of(everything))
    two_types = full_history(insights_stack, [("type", "mentoring.matching.MatchConfirmed.v1"),
                                              ("type", "mentoring.intake.ProgramOpened.v1")])
    assert sorted(types_of(two_types)) == ["mentoring.intake.ProgramOpened.v1"] * 2 + [
        "mentoring.matching.MatchConfirmed.v1"]
    program_b = full_history(insights_stack, [("program", journey.programs["B"])])
    assert types_of(program_b) == ["mentoring.intake.ProgramOpened.v1", "mentoring.intake.ParticipantEnrolled.v1"]
    one_relationship = full_history(insights_stack, [("relationship", journey.relationship)])
    assert {event.json.get("relationship") or event.json["data"].get("request_id")
            for event in one_relationship} == {journey.relationship}
    assert "mentoring.sessions.RelationshipStarted.v1" in types_of(one_relationship)


def test_a_dashboard_token_sees_only_its_organizations_events(insights_stack):
    journey = insights_stack["journey"]
    full_history(insights_stack, until=has_relationship_started)

    def seen_by(tenant):
        stream = reader(insights_stack, tenant, "dashboard", [since_start(insights_stack)])
        try:
            eventually(lambda: "heartbeat" in stream.comments, what="history fully sent")
            return [event.json for event in stream.messages()]
        finally:
            stream.close()

    initech, globex = seen_by("initech"), seen_by("globex")
    assert [e["type"] for e in initech] == ["mentoring.intake.ProgramOpened.v1",
                                            "mentoring.intake.ParticipantEnrolled.v1"]
    assert {e.get("program") or e["data"].get("program_id") for e in initech} == {journey.programs["B"]}
    # globex's mentor is in the relationship: its events, but not the acme mentee's own enrolment
    assert "mentoring.matching.MatchConfirmed.v1" in [e["type"] for e in globex]
    assert "mentoring.sessions.RelationshipStarted.v1" in [e["type"] for e in globex]
    enrolled = {e["data"]["participant_id"] for e in globex if e["type"].endswith("ParticipantEnrolled.v1")}
    assert enrolled == {str(journey.people["mentor"])}
    assert journey.programs["B"] not in {e.get("program") for e in globex}
    asking_for_another = httpx.get(insights_stack["insights"].url + STREAM, params={"organization": "acme"},
                                   headers={"authorization": f"Bearer {token(insights_stack['settings'], 'globex', 'dashboard')}"})
    assert asking_for_another.status_code == 403
