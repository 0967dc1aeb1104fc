"""Insights' store on real PostgreSQL: each record stored once with its partition's
position, bad records parked, late facts widening visibility, and the stream's filter
meaning the same in SQL (history) as in Python (live events)."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg
import pytest
from aiokafka import ConsumerRecord

from shared.envelope import CloudEvent
from services.insights.event_store import store_batch
from services.insights.event_stream import history_page
from services.insights.stored_event import COLUMNS, StoredEvent
from services.insights.stream_filter import StreamFilter
from services.insights.stream_position import StreamPosition
from tests.support.servers import fresh_database

pytestmark = pytest.mark.integration
T0 = datetime(2027, 3, 1, tzinfo=UTC)
PROGRAM = str(uuid4())


@pytest.fixture
async def pool(server_settings):
    async with fresh_database(server_settings, migrated_for="insights") as name:
        created = await asyncpg.create_pool(server_settings.postgres_dsn(name), min_size=1, max_size=2)
        try:
            yield created
        finally:
            await created.close()


def record(topic: str, partition: int, offset: int, value: bytes) -> ConsumerRecord:
    return ConsumerRecord(topic, partition, offset, 0, 0, None, value, None, 0, len(value), ())


def event(kind: str, data: dict, tenant: str = "acme", minutes: int = 0, **envelope) -> bytes:
    return CloudEvent(id=str(uuid4()), source="/t", type=f"mentoring.{kind}.v1", subject="s",
                      time=T0 + timedelta(minutes=minutes), dataschema="x", tenant=tenant,
                      correlationid="c", sequence="1", data=data, **envelope).to_bytes()


def paused(relationship: str, minutes: int = 0) -> bytes:
    return event("sessions.RelationshipPaused", {"relationship_id": relationship,
                                                 "program_id": PROGRAM, "by": str(uuid4())},
                 minutes=minutes, program=PROGRAM, relationship=relationship)


async def test_a_batch_is_stored_once_with_its_position_and_a_bad_record_is_parked(pool):
    relationship = str(uuid4())
    batch = [record("t.sessions.v1", 0, offset, paused(relationship)) for offset in (0, 1)]
    batch.append(record("t.sessions.v1", 0, 2, b"{not json"))
    first = await store_batch(pool, "sessions", batch)
    again = await store_batch(pool, "sessions", batch)
    assert [stored.offset for stored in first] == [0, 1] and again == []
    assert await pool.fetchval("SELECT count(*) FROM events") == 2
    assert await pool.fetchval('SELECT "offset" FROM positions') == 2
    parked = await pool.fetch("SELECT address, reason FROM parked_records")
    assert [row["address"] for row in parked] == ["t.sessions.v1:0:2"]
    assert "not a valid CloudEvent" in parked[0]["reason"]


async def test_a_fact_arriving_after_the_events_it_explains_makes_them_visible_too(pool):
    relationship = str(uuid4())
    started = event("sessions.RelationshipStarted", {
        "relationship_id": relationship, "program_id": PROGRAM, "organization_id": "acme",
        "format": "one_to_one", "goals": [{"topic": "public speaking", "outcome": "a keynote"}],
        "parties": [{"participant_id": str(uuid4()), "role": "mentee", "organization_id": "acme"},
                    {"participant_id": str(uuid4()), "role": "mentor",
                     "organization_id": "globex"}]}, program=PROGRAM, relationship=relationship)
    # read side by side, the pause (partition 1) is stored before the start (partition 0)
    await store_batch(pool, "sessions", [record("t.sessions.v1", 1, 0, paused(relationship))])
    await store_batch(pool, "sessions", [record("t.sessions.v1", 0, 0, started)])
    organizations = await pool.fetchval(
        "SELECT organizations FROM events WHERE partition = 1")
    assert sorted(organizations) == ["acme", "globex"]


async def test_history_in_sql_selects_exactly_what_the_live_filter_matches(pool):
    relationships = [str(uuid4()), str(uuid4())]
    for partition, relationship in enumerate(relationships):
        await store_batch(pool, "sessions", [record("t.sessions.v1", partition, offset,
                                                    paused(relationship, minutes=offset))
                                             for offset in range(3)])
    await store_batch(pool, "intake", [record("t.intake.v1", 0, 0, event(
        "intake.ProgramOpened", {"program_id": PROGRAM, "terms": {"organizations": ["initech"]}},
        tenant="operator", program=PROGRAM))])
    everything = [StoredEvent.from_row(row) for row in await pool.fetch(
        f"SELECT {COLUMNS} FROM events e ORDER BY ingest_seq")]
    filters = [StreamFilter(), StreamFilter(organization="acme"), StreamFilter(organization="initech"),
               StreamFilter(relationship=relationships[1]), StreamFilter(program=PROGRAM),
               StreamFilter(types=("mentoring.sessions.",)),
               StreamFilter(types=("mentoring.intake.ProgramOpened.v1", "mentoring.matching.")),
               StreamFilter(since=T0 + timedelta(minutes=1), organization="acme")]
    for wanted in filters:
        expected = [e for e in everything if wanted.matches(e)]
        assert await history_page(pool, StreamPosition(), wanted) == expected, wanted
    after = StreamPosition.decode("sessions/0:1")
    assert [(e.partition, e.offset) for e in await history_page(pool, after, StreamFilter(
        types=("mentoring.sessions.",)))] == [(0, 2), (1, 0), (1, 1), (1, 2)]
