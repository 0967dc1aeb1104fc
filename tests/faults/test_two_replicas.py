"""Two replicas of intake on one database behind a health check: both are ready
(the standby waits for the relay's lock, it is not behind); one is kill -9'd while a
client writes through both; the survivor keeps serving and takes over the relay, so
every write reaches the topic."""

import asyncio

import pytest

from tests.faults.topic_snapshot import read_until
from tests.support.api_client import Caller, profile, token
from tests.support.processes import ServiceProcess, free_port

pytestmark = pytest.mark.e2e
ENROLLED = "mentoring.intake.ParticipantEnrolled.v1"


def enrol(partner: Caller, program_id: str, n: int) -> str:
    made = partner.post("/v1/participants", {"program_id": program_id, "name": f"R{n}", "consent_given": True,
                                             "contact_email": f"r{n}@example.com",
                                             "profile": profile("mentee", [], ["sql"], 2, "acme")})
    assert made.status_code == 201, made.text
    return made.json()["id"]


def test_the_survivor_of_two_replicas_keeps_serving_and_publishes_every_write(stack):
    settings, services = stack["settings"], stack["services"]
    first = services["intake"]
    second = ServiceProcess("intake", free_port(), dict(first.env), first.log_path.with_name("intake-2.log"))
    second.start()  # waits for /readyz 200: a standby is ready
    try:
        operator = Caller(first.url, token(settings, "ops", "operator"))
        program = operator.post("/v1/programs", {"name": "Replicas", "formats": ["one_to_one"],
                                                 "organizations": ["acme"]}).json()["id"]
        partners = [Caller(replica.url, token(settings, "acme", "partner")) for replica in (first, second)]
        ids = [enrol(partners[n % 2], program, n) for n in range(20)]

        assert first.process is not None
        first.process.kill()  # the replica that started first, and held the relay
        first.process.wait()
        ids += [enrol(partners[1], program, n) for n in range(20, 40)]
        assert partners[1].get("/readyz").status_code == 200

        def all_published(envelopes: list[dict]) -> bool:
            return {e["data"]["participant_id"] for e in envelopes if e["type"] == ENROLLED} >= set(ids)

        envelopes = asyncio.run(read_until(settings, settings.topic_for("intake"), all_published, timeout=60))
        published = {e["data"]["participant_id"] for e in envelopes if e["type"] == ENROLLED}
        assert set(ids) <= published, f"{len(set(ids) - published)} of {len(ids)} writes never reached the topic"
        print(f"two replicas: {len(ids)} writes, one replica killed, 0 unpublished")
    finally:
        second.stop()
        first.start()
