"""Intake over real Kafka: a match confirmed while the mentee withdrew the request is
accepted as a no-op, not dead-lettered; the withdrawal stands (issue 8, docs/adr/0004)."""

from uuid import uuid4

import pytest

from shared.contracts.matching import MatchConfirmed
from shared.contracts.vocabulary import GroundRulesTemplate
from shared.kafka_clients import idempotent_producer
from shared.topics import dead_letter_topic
from services.intake.main import build
from tests.integration.conftest import service_client
from tests.integration.test_intake_consumers import envelope
from tests.support.api_client import eventually, profile, token
from tests.support.servers import read_topic

pytestmark = pytest.mark.integration


def confirmed(request: dict, mentee: dict) -> MatchConfirmed:
    return MatchConfirmed(
        proposal_id=uuid4(), request_id=request["id"], program_id=request["program_id"], organization_id="acme",
        mentee_id=mentee["id"], mentor_id=uuid4(), format="one_to_one", goals=request["goals"], cadence_days=14,
        length_weeks=12, ground_rules=GroundRulesTemplate())


async def test_a_match_confirmed_after_the_withdrawal_is_not_dead_lettered_and_the_request_stays_withdrawn(
        server_settings):
    with service_client(server_settings, "intake", build) as (client, settings):
        operator = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}
        partner = {"authorization": f"Bearer {token(settings, 'acme', 'partner')}"}
        program = client.post("/v1/programs", headers=operator, json={
            "name": "P", "formats": ["one_to_one"], "organizations": ["acme"]}).json()

        def ask(name: str) -> tuple[dict, dict]:
            mentee = client.post("/v1/participants", headers=partner, json={
                "program_id": program["id"], "name": name, "contact_email": f"{name}@example.com",
                "consent_given": True, "profile": profile("mentee", [], ["speaking"], 2, "acme")}).json()
            request = client.post("/v1/requests", headers=partner, json={
                "program_id": program["id"], "mentee_id": mentee["id"], "meeting_modes": ["video"],
                "goals": [{"topic": "speaking", "outcome": "keynote"}]}).json()
            return request, mentee

        withdrawn, withdrew = ask("w")
        pending, waiting = ask("p")
        assert client.post(f"/v1/requests/{withdrawn['id']}/withdraw", headers=partner).status_code == 200
        producer = idempotent_producer(settings)
        await producer.start()
        try:
            # One key: the second is applied only after the first, so once it shows, the first was handled.
            for sequence, match in enumerate((confirmed(withdrawn, withdrew), confirmed(pending, waiting)), 1):
                await producer.send_and_wait(settings.topic_for("matching"), envelope(match, sequence), key=b"one")
        finally:
            await producer.stop()
        eventually(lambda: client.get(f"/v1/requests/{pending['id']}", headers=partner).json()["status"]
                   == "matched", what="the later match to be applied")

        dead = await read_topic(settings, dead_letter_topic(settings.topic_for("matching")), expected=1,
                                timeout_ms=3_000)
        assert dead == [], [dict(record.headers) for record in dead]
        assert client.get(f"/v1/requests/{withdrawn['id']}", headers=partner).json()["status"] == "withdrawn"
