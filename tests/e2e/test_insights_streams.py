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
SMALL_QUEUE = "5"


@pytest.fixture(scope="module")
def insights_stack(server_settings, tmp_path_factory):
    suffix = uuid4().hex[:8]
    databases = {
        name: f"e2e_{name}_{suffix}" for name in ("intake", "matching", "sessions", "insights")
    }
    for database in databases.values():
        create_database_sync(server_settings, database)
    settings = server_settings.model_copy(update={"topic_namespace": f"e2e{suffix}"})
    log_dir = tmp_path_factory.mktemp("service-logs")
    env = {"TOPIC_NAMESPACE": settings.topic_namespace}
    insights = insights_process(
        settings, databases, log_dir, {**env, **STREAM_ENV}, factory=STAND_IN_APP
    )
    try:
        with running_services(settings, databases, log_dir, env) as services:
            insights.start()
            try:
                journey = drive_a_relationship(settings, services)
                yield {
                    "settings": settings,
                    "services": services,
                    "insights": insights,
                    "journey": journey,
                    "databases": databases,
                    "log_dir": log_dir,
                }
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
        eventually(
            lambda: until is None or until(stream.messages()),
            what="the journey's events on the stream",
        )
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
    for expected in (
        "intake.ProgramOpened",
        "intake.ParticipantEnrolled",
        "intake.MentorshipRequested",
        "matching.MatchProposed",
        "matching.MatchConfirmed",
        "sessions.RelationshipStarted",
        "sessions.AgreementProposed",
    ):
        assert f"mentoring.{expected}.v1" in kinds, (expected, kinds)
    first = events[0].json
    assert first["specversion"] == "1.0" and {"id", "source", "time", "data", "sequence"} <= set(
        first
    )
    # CloudEvents are unique by source and id (sessions' RelationshipStarted shares intake's id)
    assert len({(event.json["source"], event.json["id"]) for event in events}) == len(events), (
        "sent twice"
    )
    assert all(event.id for event in events), "every event carries an SSE id"


def test_filters_by_type_prefix_exact_type_program_and_relationship(insights_stack):
    journey = insights_stack["journey"]
    everything = full_history(insights_stack, until=has_relationship_started)
    sessions_only = full_history(insights_stack, [("type", "mentoring.sessions.")])
    assert sessions_only and all(
        t.startswith("mentoring.sessions.") for t in types_of(sessions_only)
    )
    assert len(sessions_only) == sum(
        t.startswith("mentoring.sessions.") for t in types_of(everything)
    )
    two_types = full_history(
        insights_stack,
        [
            ("type", "mentoring.matching.MatchConfirmed.v1"),
            ("type", "mentoring.intake.ProgramOpened.v1"),
        ],
    )
    assert sorted(types_of(two_types)) == ["mentoring.intake.ProgramOpened.v1"] * 2 + [
        "mentoring.matching.MatchConfirmed.v1"
    ]
    program_b = full_history(insights_stack, [("program", journey.programs["B"])])
    assert types_of(program_b) == [
        "mentoring.intake.ProgramOpened.v1",
        "mentoring.intake.ParticipantEnrolled.v1",
    ]
    one_relationship = full_history(insights_stack, [("relationship", journey.relationship)])
    assert {
        event.json.get("relationship") or event.json["data"].get("request_id")
        for event in one_relationship
    } == {journey.relationship}
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
    assert [e["type"] for e in initech] == [
        "mentoring.intake.ProgramOpened.v1",
        "mentoring.intake.ParticipantEnrolled.v1",
    ]
    assert {e.get("program") or e["data"].get("program_id") for e in initech} == {
        journey.programs["B"]
    }
    # globex's mentor is in the relationship: its events, but not the acme mentee's own enrolment
    assert "mentoring.matching.MatchConfirmed.v1" in [e["type"] for e in globex]
    assert "mentoring.sessions.RelationshipStarted.v1" in [e["type"] for e in globex]
    enrolled = {
        e["data"]["participant_id"] for e in globex if e["type"].endswith("ParticipantEnrolled.v1")
    }
    assert enrolled == {str(journey.people["mentor"])}
    assert journey.programs["B"] not in {e.get("program") for e in globex}
    asking_for_another = httpx.get(
        insights_stack["insights"].url + STREAM,
        params={"organization": "acme"},
        headers={
            "authorization": f"Bearer {token(insights_stack['settings'], 'globex', 'dashboard')}"
        },
    )
    assert asking_for_another.status_code == 403


def keys_of(events) -> list[tuple[str, str]]:
    return [(event.json["source"], event.json["id"]) for event in events]


def test_last_event_id_resumes_across_a_restart_of_insights_with_no_loss_and_no_repeat(
    insights_stack,
):
    journey, settings = insights_stack["journey"], insights_stack["settings"]
    before = full_history(insights_stack, until=has_relationship_started)
    cut = len(before) // 2
    seen, resume_from = before[:cut], before[cut - 1].id
    assert "," in resume_from, "the id names several partitions' offsets"

    # With the small queue the cut-off test needs: one restart of insights fewer.
    insights_stack["insights"].restart(STREAM_CLIENT_QUEUE=SMALL_QUEUE)
    initech = httpx.post(
        insights_stack["services"]["intake"].url + "/v1/participants",
        json={
            "program_id": journey.programs["B"],
            "name": "Late",
            "consent_given": True,
            "contact_email": "late.insights@example.com",
            "profile": {**_profile("initech")},
        },
        headers={
            "authorization": f"Bearer {token(settings, 'initech', 'partner')}",
            "idempotency-key": uuid4().hex,
        },
    )
    assert initech.status_code == 201, initech.text
    late = initech.json()["id"]

    def has_late(events):
        return any(event.json["data"].get("participant_id") == late for event in events)

    resumed = reader(
        insights_stack, params=[since_start(insights_stack)], last_event_id=resume_from
    )
    try:
        eventually(lambda: has_late(resumed.messages()), what="the event after the restart")
        eventually(lambda: "heartbeat" in resumed.comments, what="the rest sent")
        combined = seen + resumed.messages()
    finally:
        resumed.close()
    everything = full_history(insights_stack, until=has_late)
    assert len(keys_of(combined)) == len(set(keys_of(combined))), "an event was repeated"
    assert set(keys_of(combined)) == set(keys_of(everything)), "an event was lost"


def test_since_starts_from_history_at_that_time(insights_stack):
    everything = full_history(insights_stack, until=has_relationship_started)
    middle = everything[len(everything) // 2].json["time"]
    stream = reader(insights_stack, params=[("since", middle)])
    try:
        eventually(lambda: "heartbeat" in stream.comments, what="history sent")
        later = stream.messages()
    finally:
        stream.close()
    expected = {
        key for key, event in zip(keys_of(everything), everything, strict=True) if event.json["time"] >= middle
    }
    assert later and set(keys_of(later)) == expected
    assert all(event.json["time"] >= middle for event in later)


def test_a_live_stream_sets_retry_and_sends_heartbeats_while_idle(insights_stack):
    stream = reader(insights_stack)
    try:
        eventually(lambda: stream.comments.count("heartbeat") >= 2, what="heartbeats")
        assert stream.retry == 250 and stream.messages() == []
        assert stream.last_id, "the first id names where the stream started"
    finally:
        stream.close()


def test_a_client_further_behind_than_its_queue_is_cut_off_with_an_id_it_resumes_from(
    insights_stack,
):
    from tests.e2e.insights_burst import paused, send_burst

    journey, settings, insights = (
        insights_stack["journey"],
        insights_stack["settings"],
        insights_stack["insights"],
    )
    if insights.env.get("STREAM_CLIENT_QUEUE") != SMALL_QUEUE:
        insights.restart(STREAM_CLIENT_QUEUE=SMALL_QUEUE)
    relationship = str(uuid4())
    mine = [("relationship", relationship)]
    live = reader(insights_stack, params=mine)
    eventually(lambda: live.retry is not None, what="the stream to open")
    burst = [paused(relationship, journey.programs["A"], number).to_bytes() for number in range(30)]
    send_burst(
        settings.kafka_bootstrap_servers,
        settings.topic_for("sessions"),
        burst,
        relationship.encode(),
    )
    eventually(lambda: live.ended, what="the slow client to be cut off")
    assert live.events[-1].event == "cut-off" and live.events[-1].id == live.last_id
    delivered = live.messages()
    assert len(delivered) < 30
    resumed = reader(insights_stack, params=mine, last_event_id=live.last_id)
    try:
        eventually(
            lambda: len(delivered) + len(resumed.messages()) >= 30, what="the rest of the burst"
        )
        eventually(lambda: "heartbeat" in resumed.comments, what="nothing more")
        both = keys_of(delivered) + keys_of(resumed.messages())
    finally:
        resumed.close()
    assert len(both) == len(set(both)) == 30


def test_refusals_name_what_is_wrong(insights_stack):
    url, settings = insights_stack["insights"].url + STREAM, insights_stack["settings"]

    def get(tenant_role=None, params=None, headers=None):
        auth = {"authorization": f"Bearer {token(settings, *tenant_role)}"} if tenant_role else {}
        return httpx.get(url, params=params, headers={**auth, **(headers or {})}, timeout=10)

    assert get().status_code == 401
    assert get(("acme", "partner")).status_code == 403
    assert get(("acme", "participant")).status_code == 403
    for params, headers, field in (
        ({"since": "2027-03-01T12:00:00"}, None, "query.since"),
        ({"since": "yesterday"}, None, "query.since"),
        ({"program": "not-a-uuid"}, None, "query.program"),
        ({"type": "mentoring sessions"}, None, "query.type.0"),
        ({"organisation": "acme"}, None, "query.organisation"),
        (None, {"last-event-id": "intake/zero:1"}, "header.Last-Event-ID"),
    ):
        refused = get(("ops", "operator"), params, headers)
        assert refused.status_code == 422, (params, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        assert field in [error["field"] for error in refused.json()["errors"]], refused.json()


def _profile(organization):
    from tests.support.api_client import profile

    return profile("mentee", [("budgets", "expert")], ["hiring"], 5, organization)


def test_an_undecodable_record_is_parked_with_its_reason_and_ingest_goes_on(insights_stack):
    import psycopg

    from tests.e2e.insights_burst import paused, send_burst

    journey, settings = insights_stack["journey"], insights_stack["settings"]
    relationship = str(uuid4())
    stream = reader(
        insights_stack, params=[since_start(insights_stack), ("relationship", relationship)]
    )
    try:
        send_burst(
            settings.kafka_bootstrap_servers,
            settings.topic_for("sessions"),
            [b"{not json", paused(relationship, journey.programs["A"], 1).to_bytes()],
            relationship.encode(),
        )
        eventually(lambda: stream.messages(), what="the event after the bad record")
    finally:
        stream.close()
    database = settings.postgres_dsn(insights_stack["databases"]["insights"])
    with psycopg.connect(database) as connection:
        reasons = [
            row[0]
            for row in connection.execute(
                "SELECT reason FROM parked_records WHERE follower = 'ingest' AND state = 'parked'"
            )
        ]
    assert any("not a valid CloudEvent" in reason for reason in reasons), reasons


def test_health_is_folded_from_the_stored_events_scoped_and_as_of(insights_stack):
    journey, settings = insights_stack["journey"], insights_stack["settings"]
    url = insights_stack["insights"].url
    everything = full_history(insights_stack, until=has_relationship_started)
    of_a = [event for event in everything if event.json.get("program") == journey.programs["A"]]

    def get(path, tenant, role, **params):
        return httpx.get(
            url + path,
            params=params,
            timeout=10,
            headers={"authorization": f"Bearer {token(settings, tenant, role)}"},
        )

    program_a = f"/v1/programs/{journey.programs['A']}/health"
    whole = get(program_a, "ops", "operator")
    assert whole.status_code == 200, whole.text
    assert whole.json()["events"] >= len(of_a) > 0
    early = get(program_a, "ops", "operator", as_of=of_a[1].json["time"])
    assert early.json()["events"] < whole.json()["events"] and early.json()["as_of"]
    assert get(program_a, "globex", "dashboard").status_code == 200
    assert get(program_a, "initech", "dashboard").status_code == 404  # not initech's program
    assert get(program_a, "ops", "operator", as_of="tomorrow").status_code == 422
    assert get("/v1/health", "globex", "dashboard", organization="globex").json()["events"] > 0
    assert get("/v1/health", "initech", "dashboard", organization="globex").status_code == 403
    assert get("/v1/health", "ops", "operator").status_code == 422
    metrics = get("/metrics", "ops", "dashboard").text
    assert f'insights_stand_in_program_events{{program="{journey.programs["A"]}"}}' in metrics
