"""Intake consuming the other services' events over real Kafka."""

import json
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from shared.contracts.matching import MatchConfirmed
from shared.contracts.sessions import PayItForwardOffered, RematchRequested
from shared.contracts.vocabulary import GroundRulesTemplate
from shared.envelope import CloudEvent
from shared.kafka_clients import idempotent_producer
from shared.topics import dead_letter_topic
from services.intake.main import build
from tests.integration.conftest import service_client
from tests.support.api_client import eventually, profile, token
from tests.support.servers import read_topic

pytestmark = pytest.mark.integration


def envelope(contract, sequence: int) -> bytes:  # noqa: ANN001
    return CloudEvent(
        id=str(uuid4()), source=f"/mentoring/{contract.service}", type=contract.cloudevent_type(),
        subject="subject", time=datetime.now(UTC), dataschema="urn:test", tenant="acme",
        correlationid="test", sequence=str(sequence), data=contract.model_dump(mode="json"),
    ).to_bytes()


async def test_a_rematch_request_opens_a_new_request_avoiding_the_previous_mentor(server_settings):
    with service_client(server_settings, "intake", build) as (client, settings):
        operator = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}
        partner = {"authorization": f"Bearer {token(settings, 'acme', 'partner')}"}
        program = client.post("/v1/programs", headers=operator, json={
            "name": "P", "formats": ["one_to_one"], "organizations": ["acme"]}).json()
        mentee = client.post("/v1/participants", headers=partner, json={
            "program_id": program["id"], "name": "N", "contact_email": "n@example.com", "consent_given": True,
            "profile": profile("mentee", [], ["speaking"], 2, "acme")}).json()
        ended = client.post("/v1/requests", headers=partner, json={
            "program_id": program["id"], "mentee_id": mentee["id"], "meeting_modes": ["video"],
            "goals": [{"topic": "speaking", "outcome": "keynote"}]}).json()
        previous_mentor = uuid4()
        confirmed = MatchConfirmed(
            proposal_id=uuid4(), request_id=ended["id"], program_id=program["id"], organization_id="acme",
            mentee_id=mentee["id"], mentor_id=previous_mentor, format="one_to_one", goals=ended["goals"],
            cadence_days=14, length_weeks=12, ground_rules=GroundRulesTemplate())
        rematch = RematchRequested(relationship_id=ended["id"], program_id=program["id"],
                                   mentee_id=mentee["id"], excluded_mentor_id=previous_mentor)
        producer = idempotent_producer(settings)
        await producer.start()
        try:
            await producer.send_and_wait(settings.topic_for("matching"), envelope(confirmed, 1),
                                         key=ended["id"].encode())
            eventually(lambda: client.get(f"/v1/requests/{ended['id']}", headers=partner).json()["status"]
                       == "matched", what="the match to settle the request")
            for sequence in (1, 1):  # delivered twice: the effect happens once
                await producer.send_and_wait(settings.topic_for("sessions"), envelope(rematch, sequence),
                                             key=ended["id"].encode())
        finally:
            await producer.stop()

        requests = eventually(lambda: (lambda items: items if len(items) == 2 else None)(
            client.get("/v1/requests", headers=partner, params={"participant": mentee["id"]}).json()["items"]),
            what="the new request")
        new = next(r for r in requests if r["id"] != ended["id"])
        assert new["goals"] == ended["goals"]
        assert f"participant:{previous_mentor}" in new["preferences"]["avoid"]


async def test_an_event_intake_cannot_apply_goes_to_the_dead_letter_topic_with_the_reason(server_settings):
    with service_client(server_settings, "intake", build) as (client, settings):
        unknown = RematchRequested(relationship_id=uuid4(), program_id=uuid4(), mentee_id=uuid4(),
                                   excluded_mentor_id=uuid4())
        producer = idempotent_producer(settings)
        await producer.start()
        try:
            await producer.send_and_wait(settings.topic_for("sessions"), envelope(unknown, 1))
        finally:
            await producer.stop()
        dead = await read_topic(settings, dead_letter_topic(settings.topic_for("sessions")), expected=1)
    assert len(dead) == 1
    headers = dict(dead[0].headers)
    assert headers["dlq-reason"].decode().startswith("not-found")
    assert json.loads(dead[0].value)["data"]["relationship_id"] == str(unknown.relationship_id)


async def test_a_pay_it_forward_from_someone_who_already_mentors_changes_nothing_and_is_not_dead_lettered(
        server_settings):
    with service_client(server_settings, "intake", build) as (client, settings):
        operator = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}
        partner = {"authorization": f"Bearer {token(settings, 'acme', 'partner')}"}
        program = client.post("/v1/programs", headers=operator, json={
            "name": "P", "formats": ["one_to_one"], "organizations": ["acme"]}).json()
        both = client.post("/v1/participants", headers=partner, json={
            "program_id": program["id"], "name": "B", "contact_email": "b@example.com", "consent_given": True,
            "profile": profile("both", [("sql", "expert")], ["speaking"], 9, "acme")}).json()
        offered = PayItForwardOffered(relationship_id=uuid4(), program_id=program["id"],
                                      participant_id=both["id"], organization_id="acme")
        # A later event for the same person shows the offer was handled before it.
        paused_marker = RematchRequested(relationship_id=uuid4(), program_id=program["id"],
                                         mentee_id=both["id"], excluded_mentor_id=uuid4())
        producer = idempotent_producer(settings)
        await producer.start()
        try:
            await producer.send_and_wait(settings.topic_for("sessions"), envelope(offered, 1), key=both["id"].encode())
            await producer.send_and_wait(settings.topic_for("sessions"), envelope(paused_marker, 2),
                                         key=both["id"].encode())
        finally:
            await producer.stop()
        dead = await read_topic(settings, dead_letter_topic(settings.topic_for("sessions")), expected=1)
        person = client.get(f"/v1/participants/{both['id']}", headers=partner).json()
    # Only the marker (an unknown relationship) is dead-lettered; the offer was a no-op.
    assert [json.loads(record.value)["type"] for record in dead] == [paused_marker.cloudevent_type()]
    assert (person["version"], person["profile"]["roles"]) == (1, "both")
