"""Webhooks' store on real PostgreSQL: each record stored once with its deliveries (one
per enabled endpoint of the organizations it concerns that wants its type), a late fact
queuing the earlier events it explains, bad records parked, and the dispatcher's queue
handing out one delivery per endpoint and relationship at a time."""

import base64
import os
from datetime import UTC, datetime
from uuid import uuid4

import asyncpg
import pytest
from aiokafka import ConsumerRecord

from services.webhooks.delivery_queue import claim
from services.webhooks.endpoints import Endpoints
from services.webhooks.event_store import store_batch
from services.webhooks.secret_box import SecretBox
from shared.envelope import CloudEvent
from tests.support.servers import fresh_database

pytestmark = pytest.mark.integration
PROGRAM = str(uuid4())


@pytest.fixture
async def pool(server_settings):
    async with fresh_database(server_settings, migrated_for="webhooks") as name:
        created = await asyncpg.create_pool(
            server_settings.postgres_dsn(name), min_size=1, max_size=2
        )
        try:
            yield created
        finally:
            await created.close()


@pytest.fixture
def endpoints(pool):
    return Endpoints(pool, SecretBox(base64.b64encode(os.urandom(32)).decode()), 24)


def record(partition: int, offset: int, value: bytes) -> ConsumerRecord:
    return ConsumerRecord(
        "t.sessions.v1", partition, offset, 0, 0, None, value, None, 0, len(value), ()
    )


def event(kind: str, data: dict, tenant: str, **envelope) -> bytes:
    return CloudEvent(
        id=str(uuid4()),
        source="/t",
        type=f"mentoring.{kind}.v1",
        subject="s",
        time=datetime.now(UTC),
        dataschema="x",
        tenant=tenant,
        correlationid="c",
        sequence="1",
        data=data,
        **envelope,
    ).to_bytes()


def paused(relationship: str, tenant: str = "acme") -> bytes:
    return event(
        "sessions.RelationshipPaused",
        {"relationship_id": relationship, "program_id": PROGRAM, "by": str(uuid4())},
        tenant,
        program=PROGRAM,
        relationship=relationship,
    )


async def deliveries(pool, endpoint_id) -> list[str]:
    rows = await pool.fetch(
        """SELECT e.id FROM deliveries d JOIN events e ON e.seq = d.event_seq
                               WHERE d.endpoint_id = $1 ORDER BY d.seq""",
        endpoint_id,
    )
    return [row["id"] for row in rows]


async def test_an_event_queues_one_delivery_per_wanting_endpoint_of_its_organizations(
    pool, endpoints
):
    everything, _ = await endpoints.register("acme", "https://a.example/h", [], "")
    only_sessions, _ = await endpoints.register(
        "acme", "https://b.example/h", ["mentoring.sessions."], ""
    )
    only_intake, _ = await endpoints.register(
        "acme", "https://c.example/h", ["mentoring.intake."], ""
    )
    disabled, _ = await endpoints.register("acme", "https://d.example/h", [], "")
    await endpoints.set_enabled("acme", disabled["id"], enabled=False)
    globex, _ = await endpoints.register("globex", "https://e.example/h", [], "")
    batch = [record(0, 0, paused(str(uuid4()))), record(0, 1, b"{not json")]
    assert await store_batch(pool, batch) == 2
    assert await store_batch(pool, batch) == 0  # a redelivered batch queues nothing again
    assert len(await deliveries(pool, everything["id"])) == 1
    assert len(await deliveries(pool, only_sessions["id"])) == 1
    for nothing in (only_intake, disabled, globex):
        assert await deliveries(pool, nothing["id"]) == []
    parked = await pool.fetch("SELECT address FROM parked_records")
    assert [row["address"] for row in parked] == ["t.sessions.v1:0:1"]


async def test_a_fact_arriving_late_queues_the_events_it_explains_for_that_organization(
    pool, endpoints
):
    globex, _ = await endpoints.register("globex", "https://g.example/h", [], "")
    relationship, mentor = str(uuid4()), str(uuid4())
    proposal = event(
        "matching.MatchDeclined",
        {
            "proposal_id": str(uuid4()),
            "request_id": relationship,
            "program_id": PROGRAM,
            "by": "mentor",
            "participant_id": mentor,
            "reason": "no time",
        },
        "acme",
        program=PROGRAM,
        relationship=relationship,
    )
    await store_batch(pool, [record(1, 0, proposal)])
    assert await deliveries(pool, globex["id"]) == []  # nothing ties the mentor to globex yet
    declined = CloudEvent.model_validate_json(proposal).id
    enrolment = enrolled(mentor, "globex")
    await store_batch(pool, [record(0, 0, enrolment)])
    # the decline, now known to concern globex's mentor, then the enrolment itself
    assert await deliveries(pool, globex["id"]) == [
        declined,
        CloudEvent.model_validate_json(enrolment).id,
    ]


def enrolled(participant: str, organization: str) -> bytes:
    profile = {
        "roles": "mentor",
        "years_experience": 5,
        "career_stage": "mid",
        "organization": organization,
        "time_zone": "Europe/Paris",
        "meeting_modes": ["video"],
        "languages": ["en"],
        "capacity": 1,
    }
    return event(
        "intake.ParticipantEnrolled",
        {
            "participant_id": participant,
            "program_id": PROGRAM,
            "organization_id": organization,
            "profile_version": 1,
            "profile": profile,
        },
        organization,
        program=PROGRAM,
    )


async def test_the_queue_hands_out_one_delivery_per_endpoint_and_relationship_at_a_time(
    pool, endpoints
):
    endpoint, _ = await endpoints.register("acme", "https://a.example/h", [], "")
    first, second = str(uuid4()), str(uuid4())
    await store_batch(
        pool, [record(0, n, paused(r)) for n, r in enumerate([first, first, second, second, first])]
    )
    claimed = await claim(pool, 10, per_endpoint=10, lease_seconds=30)
    assert len(claimed) == 2  # the head of each relationship, nothing behind them
    assert await claim(pool, 10, per_endpoint=10, lease_seconds=30) == []
    await pool.execute("UPDATE deliveries SET state = 'delivered' WHERE seq = $1", claimed[0].seq)
    [next_one] = await claim(pool, 10, per_endpoint=10, lease_seconds=30)
    assert next_one.seq > claimed[0].seq
    # An endpoint at its limit gets nothing more, though work is due: its two requests in
    # flight are counted from the table, so another replica's claims count too.
    third = str(uuid4())
    await store_batch(pool, [record(0, 5, paused(third))])
    assert await claim(pool, 10, per_endpoint=2, lease_seconds=30) == []
    assert len(await claim(pool, 10, per_endpoint=3, lease_seconds=30)) == 1
