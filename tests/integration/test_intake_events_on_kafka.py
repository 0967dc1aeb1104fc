"""Intake's events land on its topic as CloudEvents whose data validates against the
published JSON Schema of their type, keyed so a participant's events stay together."""

import json
import jsonschema
import pytest

from scripts.export_event_schemas import rendered_schemas
from services.intake.main import build
from tests.integration.conftest import service_client
from tests.support.api_client import profile, token
from tests.support.servers import read_topic

pytestmark = pytest.mark.integration


async def test_intake_events_reach_kafka_valid_against_their_published_schemas(server_settings):
    with service_client(server_settings, "intake", build) as (client, settings):
        operator = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}
        partner = {"authorization": f"Bearer {token(settings, 'acme', 'partner')}"}
        program = client.post("/v1/programs", headers=operator, json={
            "name": "P", "formats": ["one_to_one"], "organizations": ["acme"]}).json()
        mentee = client.post("/v1/participants", headers=partner, json={
            "program_id": program["id"], "name": "N", "contact_email": "secret-contact@example.com",
            "consent_given": True, "profile": profile("mentee", [], ["x"], 1, "acme")}).json()
        client.post(f"/v1/participants/{mentee['id']}/pause", headers=partner)
        client.post(f"/v1/participants/{mentee['id']}/resume", headers=partner)
        client.post("/v1/requests", headers=partner, json={
            "program_id": program["id"], "mentee_id": mentee["id"], "meeting_modes": ["video"],
            "goals": [{"topic": "x", "outcome": "y"}]})
        # Read while the service runs: its relay publishes in the background.
        records = await read_topic(settings, settings.topic_for("intake"), expected=5)

    schemas = {name.removesuffix(".json"): json.loads(text) for name, text in rendered_schemas().items()}
    types = [json.loads(record.value)["type"] for record in records]
    assert types.count("mentoring.intake.ParticipantAvailabilityChanged.v1") == 2
    assert {"mentoring.intake.ProgramOpened.v1", "mentoring.intake.ParticipantEnrolled.v1",
            "mentoring.intake.MentorshipRequested.v1"} <= set(types)
    for record in records:
        envelope = json.loads(record.value)
        jsonschema.validate(envelope["data"], schemas[envelope["type"]])
        assert b"secret-contact" not in record.value
    participant_keys = {record.key for record in records
                        if json.loads(record.value)["type"].startswith("mentoring.intake.Participant")}
    assert participant_keys == {mentee["id"].encode()}
    partitions = {record.partition for record in records if record.key == mentee["id"].encode()}
    assert len(partitions) == 1, "one participant's events share a partition"
