"""The `mentoring` CLI against the services as processes: tokens that outlive a day,
status (the read side's too: ingest, consumer lag, parked records, deliveries), dead
letters with their reasons, a timeline as a table, a program's CSV."""

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from uuid import UUID

import jwt
import pytest
from aiokafka import AIOKafkaProducer

from mentoring_cli.topics import depth
from shared.topics import REDRIVE_FOR
from tests.e2e.webhooks_kit import Partner
from tests.support.api_client import Caller, eventually, profile, token
from tests.support.processes import REPO, insights_process, webhooks_process
from tests.support.servers import create_database_sync, drop_database_sync

pytestmark = pytest.mark.e2e

CONTACT = "cli.mentee@example.com"


def cli(stack, *args: str) -> subprocess.CompletedProcess:
    settings, services = stack["settings"], stack["services"]
    env = {**os.environ, "TOPIC_NAMESPACE": settings.topic_namespace,
           "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers, "COLUMNS": "250",
           **{f"{name.upper()}_URL": service.url for name, service in services.items()}}
    return subprocess.run([sys.executable, "-m", "mentoring_cli.main", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def read_side(stack):
    """Insights and webhooks beside the three, on fresh databases and the stack's topics:
    `cli` then reaches all five."""
    settings, services = stack["settings"], stack["services"]
    databases = {**stack["databases"], "insights": f"{stack['databases']['intake']}_insights",
                 "webhooks": f"{stack['databases']['intake']}_webhooks"}
    for name in ("insights", "webhooks"):
        create_database_sync(settings, databases[name])
    extra = {"TOPIC_NAMESPACE": settings.topic_namespace}
    started = {"insights": insights_process(settings, databases, stack["log_dir"], extra),
               "webhooks": webhooks_process(settings, databases["webhooks"], stack["log_dir"])}
    try:
        for name, service in started.items():
            service.start()
            services[name] = service
        yield started
    finally:
        for name, service in started.items():
            service.stop()
            services.pop(name, None)
            drop_database_sync(settings, databases[name])


def status_report(stack) -> tuple[int, dict]:
    shown = cli(stack, "status", "--json")
    assert shown.stdout, shown.stderr
    return shown.returncode, json.loads(shown.stdout)


@pytest.fixture(scope="module")
def confirmed(stack):
    settings, services = stack["settings"], stack["services"]
    operator = Caller(services["intake"].url, token(settings, "ops", "operator"))
    acme = Caller(services["intake"].url, token(settings, "acme", "partner"))
    program = operator.post("/v1/programs", {"name": "CLI", "formats": ["one_to_one"], "organizations": ["acme"]})
    program_id = program.json()["id"]
    people = {}
    for name, roles, offers, wants, years in (("mentee", "mentee", [("sql", "expert")], ["negotiation"], 3),
                                              ("mentor", "mentor", [("negotiation", "expert")], ["sql"], 12)):
        made = acme.post("/v1/participants", {
            "program_id": program_id, "name": name, "contact_email": CONTACT if name == "mentee" else "m@example.com",
            "consent_given": True, "profile": profile(roles, offers, wants, years, "acme")})
        assert made.status_code == 201, made.text
        people[name] = UUID(made.json()["id"])
    request = acme.post("/v1/requests", {"program_id": program_id, "mentee_id": str(people["mentee"]),
                                         "goals": [{"topic": "negotiation", "outcome": "close a deal"}],
                                         "meeting_modes": ["video"]})
    request_id = request.json()["id"]
    matching = Caller(services["matching"].url, token(settings, "acme", "partner"))
    proposal = eventually(lambda: matching.get("/v1/matches", params={"request": request_id}).json()["items"],
                          what="a proposal")[0]
    for person in people.values():
        as_person = Caller(services["matching"].url, token(settings, "acme", "participant", person))
        assert as_person.post(f"/v1/matches/{proposal['id']}/accept").status_code == 200
    sessions = Caller(services["sessions"].url, token(settings, "acme", "partner"))
    eventually(lambda: sessions.get(f"/v1/relationships/{request_id}").status_code == 200,
               what="the relationship to start")
    return {"program_id": program_id, "relationship_id": request_id}


def test_token_lives_as_long_as_asked_and_is_accepted(stack):
    minted = cli(stack, "token", "--roles", "dashboard", "--org", "acme", "--lifetime", "30d")
    assert minted.returncode == 0, minted.stderr
    bearer = minted.stdout.strip()
    claims = jwt.decode(bearer, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == int(timedelta(days=30).total_seconds())
    scraped = Caller(stack["services"]["intake"].url, bearer).get("/metrics")
    assert scraped.status_code == 200


def test_token_refuses_unknown_roles_and_unbounded_lifetimes(stack):
    assert cli(stack, "token", "--roles", "root", "--org", "acme").returncode != 0
    assert cli(stack, "token", "--roles", "operator", "--org", "acme", "--lifetime", "5000d").returncode != 0


def test_status_reports_every_service_ready_and_the_dead_letter_depths(stack, read_side):
    code, report = status_report(stack)
    assert code == 0, report
    assert [entry["service"] for entry in report["services"]] == [
        "intake", "matching", "sessions", "insights", "webhooks"]
    assert all(entry["ready"] for entry in report["services"])
    assert set(report["dead_letters"]) == {f"{stack['settings'].topic_namespace}.{s}.v1.dlq"
                                           for s in ("intake", "matching", "sessions")}


def test_status_shows_the_read_side_caught_up_with_its_deliveries_and_endpoints(stack, read_side, confirmed):
    settings = stack["settings"]
    acme = Partner(settings, read_side["webhooks"].url, "acme")
    endpoint = acme.register("http://127.0.0.1:9/hook")
    assert acme.client.post(f"/v1/webhooks/{endpoint['id']}/disable").status_code == 200

    def caught_up() -> dict | None:
        code, report = status_report(stack)
        behind = [lag for topics in report["consumer_lag"].values() for lag in topics.values()]
        return report if code == 0 and behind and all(lag == 0 for lag in behind) else None

    report = eventually(caught_up, timeout=60, what="the read side to have read every public event")
    topics = {settings.topic_for(s) for s in ("intake", "matching", "sessions")}
    assert {service: set(lags) for service, lags in report["consumer_lag"].items()} == {
        "insights": topics, "webhooks": topics}
    checks = {entry["service"]: entry["checks"] for entry in report["services"]}
    assert checks["insights"]["ingest"] == {"running": True, "parked": 0}
    assert checks["webhooks"]["ingest"] == {"running": True, "parked": 0}
    assert checks["webhooks"]["dispatch"] == {
        "running": True, "pending": 0, "in_flight": 0, "failed": 0, "disabled_endpoints": 1}
    table = cli(stack, "status")
    assert "consumer lag on the public topics" in table.stdout
    assert "dispatch.disabled_endpoints: 1" in table.stdout


async def test_status_shows_what_a_stopped_read_side_service_has_not_read(stack, read_side, confirmed):
    settings, webhooks = stack["settings"], read_side["webhooks"]
    intake_topic = settings.topic_for("intake")
    webhooks.stop()
    try:
        producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
        await producer.start()
        try:
            # Marked as redriven for a consumer that does not exist: the writing services'
            # consumers pass it by (the dead-letter tests' counts stay theirs), while the
            # read side reads every record, cannot read this one, and parks it.
            await producer.send_and_wait(intake_topic, b"not even json", key=b"read-side-status",
                                         headers=[(REDRIVE_FOR, b"nobody")])
        finally:
            await producer.stop()
        code, report = status_report(stack)
        assert code == 1  # a service not answering is not a deployment in order
        assert [e["ready"] for e in report["services"] if e["service"] == "webhooks"] == [False]
        assert report["consumer_lag"]["webhooks"][intake_topic] >= 1
    finally:
        webhooks.start()

    def read_again() -> dict | None:
        code, report = status_report(stack)
        return report if code == 0 and report["consumer_lag"]["webhooks"][intake_topic] == 0 else None

    report = eventually(read_again, timeout=60, what="webhooks to read what it missed")
    # Neither read side can read it: each parks it, and status counts it.
    assert parked(report, "webhooks") >= 1
    eventually(lambda: parked(status_report(stack)[1], "insights") >= 1, what="insights to park it")


def parked(report: dict, service: str) -> int:
    [entry] = [entry for entry in report["services"] if entry["service"] == service]
    return entry["checks"]["ingest"]["parked"]


async def test_a_dead_letter_is_listed_and_shown_with_its_reason(stack, confirmed):
    settings = stack["settings"]
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(settings.topic_for("intake"), b'{"not": "a cloudevent"}', key=b"poison-cli")
    finally:
        await producer.stop()
    dlq = f"{settings.topic_for('intake')}.dlq"

    def poison_listed() -> list[dict]:
        listed = cli(stack, "dlq", "list", dlq, "--json")
        assert listed.returncode == 0, listed.stderr
        return [letter for letter in json.loads(listed.stdout) if "not a valid CloudEvent" in letter["reason"]]

    letters = eventually(poison_listed, what="the dead letter", timeout=60)
    # Both consumers of intake's topic refused it, each saying so.
    both = eventually(lambda: (found := poison_listed()) and len(found) == 2 and found, what="both refusals")
    assert {letter["consumer"].split(".")[1] for letter in both} == {"matching", "sessions"}
    address = letters[0]["address"]
    table = cli(stack, "dlq", "list", dlq)
    assert address in table.stdout
    shown = cli(stack, "dlq", "show", address)
    assert shown.returncode == 0, shown.stderr
    letter = json.loads(shown.stdout)
    assert letter["message"] == {"not": "a cloudevent"}
    assert "not a valid CloudEvent" in letter["reason"]


def test_timeline_prints_the_relationship_across_services(stack, confirmed):
    shown = cli(stack, "timeline", confirmed["relationship_id"])
    assert shown.returncode == 0, shown.stderr
    for fact in ("MentorshipRequested", "MatchProposed", "MatchConfirmed", "RelationshipStarted"):
        assert fact in shown.stdout
    before = cli(stack, "timeline", confirmed["relationship_id"], "--as-of",
                 (datetime.now(UTC) - timedelta(days=1)).isoformat())
    assert "MatchConfirmed" not in before.stdout


def test_timeline_refuses_a_moment_without_offset(stack, confirmed):
    refused = cli(stack, "timeline", confirmed["relationship_id"], "--as-of", "2027-01-01T00:00:00")
    assert refused.returncode != 0
    assert "offset" in refused.stderr


def test_export_program_is_csv_of_public_facts_only(stack, confirmed):
    exported = cli(stack, "export", "program", confirmed["program_id"])
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    types = {row["type"] for row in rows}
    assert {"mentoring.intake.MentorshipRequested.v1", "mentoring.matching.MatchConfirmed.v1"} <= types
    assert all(row["relationship"] in ("", confirmed["relationship_id"]) for row in rows)
    assert CONTACT not in exported.stdout


async def test_a_redriven_dead_letter_goes_back_only_to_the_consumer_that_refused_it(stack, confirmed):
    settings = stack["settings"]
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(settings.topic_for("matching"), b'{"redrive": "me"}', key=b"redrive-cli")
    finally:
        await producer.stop()
    dlq = f"{settings.topic_for('matching')}.dlq"

    def letters() -> list[dict]:
        listed = cli(stack, "dlq", "list", dlq, "--json")
        assert listed.returncode == 0, listed.stderr
        return [letter for letter in json.loads(listed.stdout) if "not a valid CloudEvent" in letter["reason"]]

    first = eventually(lambda: (found := letters()) and len(found) == 2 and found, what="both refusals", timeout=60)
    refused_by = first[0]["consumer"]
    redriven = cli(stack, "dlq", "redrive", first[0]["address"])
    assert redriven.returncode == 0, redriven.stderr
    assert refused_by in redriven.stdout
    # Still not a CloudEvent (nothing was fixed), so it comes back, from that consumer alone.
    after = eventually(lambda: (found := letters()) and len(found) == 3 and found, what="the redrive's refusal")
    assert after[-1]["consumer"] == refused_by
    assert after[-1]["origin"] != first[0]["origin"], "the redriven copy, not the original"


def test_parked_lists_every_service_and_refuses_an_unknown_one(stack, confirmed):
    listed = cli(stack, "parked", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == []
    unknown = cli(stack, "parked", "list", "billing")
    assert unknown.returncode != 0 and "intake, matching or sessions" in unknown.stderr
    missing = cli(stack, "parked", "skip", "intake", "projector:documents", "12345")
    assert missing.returncode != 0 and "404" in missing.stderr


def test_rebuild_replays_the_read_model_to_the_same_documents(stack, confirmed):
    settings, services = stack["settings"], stack["services"]
    operator = Caller(services["intake"].url, token(settings, "ops", "operator"))
    before = operator.get("/v1/requests", params={"program": confirmed["program_id"]}).json()["items"]
    rebuilt = cli(stack, "rebuild", "intake", "documents")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "notifications in" in rebuilt.stdout
    after = eventually(lambda: operator.get("/v1/requests", params={"program": confirmed["program_id"]})
                       .json()["items"] or None, what="the rebuilt documents")
    assert after == before


async def test_republish_sends_the_stores_events_again_and_consumers_skip_them(stack, confirmed):
    settings, services = stack["settings"], stack["services"]
    topic = settings.topic_for("intake")
    sessions = Caller(services["sessions"].url, token(settings, "ops", "operator"))
    timeline = f"/v1/relationships/{confirmed['relationship_id']}/timeline"
    entries_before = sessions.get(timeline).json()["entries"]
    before = await depth(settings, topic)
    republished = cli(stack, "republish", "intake", "--from", "0")
    assert republished.returncode == 0, republished.stderr
    assert "notifications in" in republished.stdout
    after = await depth(settings, topic)
    assert after is not None and before is not None and after > before
    # Everything arrived again; the consumers had applied it all already and changed nothing.
    assert sessions.get(timeline).json()["entries"] == entries_before
