"""Kafka stopped mid-traffic (the deploy/ broker these tests run on): writes are still
accepted into the outbox, a service restarted meanwhile starts, and when the broker is
back every write is delivered, in order per key. Runs last in its module: it stops the
broker everything else uses."""

import asyncio
import subprocess

import pytest

from tests.faults.topic_snapshot import read_until
from tests.support.api_client import Caller, profile, token
from tests.support.processes import REPO

pytestmark = pytest.mark.e2e
ENROLLED = "mentoring.intake.ParticipantEnrolled.v1"
PAUSED = "mentoring.intake.ParticipantAvailabilityChanged.v1"


def broker(action: str) -> None:
    subprocess.run(["bash", "deploy/kafka.sh", action], cwd=REPO, check=True, capture_output=True, timeout=180)


def test_with_the_broker_away_writes_are_accepted_and_all_delivered_in_order_after(stack):
    settings, services = stack["settings"], stack["services"]
    operator = Caller(services["intake"].url, token(settings, "ops", "operator"))
    partner = Caller(services["intake"].url, token(settings, "acme", "partner"))
    opened = operator.post("/v1/programs", {"name": "Outage", "formats": ["one_to_one"], "organizations": ["acme"]})
    assert opened.status_code == 201, opened.text
    program = opened.json()["id"]

    def enrol_and_pause(n: int) -> str:
        made = partner.post("/v1/participants", {"program_id": program, "name": f"O{n}", "consent_given": True,
                                                 "contact_email": f"o{n}@example.com",
                                                 "profile": profile("mentee", [], ["sql"], 2, "acme")})
        assert made.status_code == 201, made.text
        person = made.json()["id"]
        assert partner.post(f"/v1/participants/{person}/pause").status_code == 200
        return person

    before = [enrol_and_pause(n) for n in range(5)]
    broker("stop")
    try:
        during = [enrol_and_pause(n) for n in range(5, 25)]  # accepted: they wait in the outbox
        services["matching"].restart()  # starts, and is ready, without a broker
    finally:
        broker("start")
    after = [enrol_and_pause(n) for n in range(25, 30)]
    people = set(before + during + after)

    def delivered(envelopes: list[dict]) -> bool:
        return {e["data"]["participant_id"] for e in envelopes if e["type"] == PAUSED} >= people

    envelopes = asyncio.run(read_until(settings, settings.topic_for("intake"), delivered, timeout=120))
    for person in people:
        mine = [e["type"] for e in envelopes if e["data"].get("participant_id") == person]
        assert ENROLLED in mine and PAUSED in mine, f"{person}: {mine}"
        assert mine.index(ENROLLED) < mine.index(PAUSED), "per-key order kept"
    print(f"broker outage: {len(people)} people, {len(during)} enrolled while Kafka was down, all delivered")
