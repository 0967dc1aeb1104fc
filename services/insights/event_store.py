"""Stores one partition's batch of records exactly once: the events, their facts and
the partition's position in one transaction. A record that is not a public event we
can read is parked with its reason and passed over in the same transaction."""

import asyncpg
from aiokafka import ConsumerRecord

from shared.contracts import intake, matching, sessions  # noqa: F401  (registers every public contract)
from shared.envelope import CloudEvent, UndecodableMessage, decode
from shared.parking import park
from shared.read_side.ingest import FOLLOWER
from shared import public_concerns as concerns
from services.insights.stored_event import StoredEvent


async def store_batch(
    pool: asyncpg.Pool, service: str, records: list[ConsumerRecord]
) -> list[StoredEvent]:
    """The events newly stored, in offset order (records at or below the stored position
    are a redelivery and are skipped)."""
    topic, partition = records[0].topic, records[0].partition
    stored: list[StoredEvent] = []
    async with pool.acquire() as connection, connection.transaction():
        position = await connection.fetchval(
            'SELECT "offset" FROM positions WHERE topic = $1 AND partition = $2 FOR UPDATE',
            topic,
            partition,
        )
        for record in records:
            if position is not None and record.offset <= position:
                continue
            try:
                event = decode(record.value)
                event.contract()
                record.value.decode()  # stored and streamed as text
            except (UndecodableMessage, UnicodeDecodeError) as error:
                await park(
                    connection, FOLLOWER, f"{topic}:{partition}:{record.offset}", str(error)[:2000]
                )
                continue
            stored.append(await _store_event(connection, service, record, event))
        await connection.execute(
            """INSERT INTO positions (topic, partition, "offset") VALUES ($1, $2, $3)
               ON CONFLICT (topic, partition) DO UPDATE SET "offset" = EXCLUDED."offset" """,
            topic,
            partition,
            records[-1].offset,
        )
    return stored


async def _store_event(
    connection: asyncpg.Connection, service: str, record: ConsumerRecord, event: CloudEvent
) -> StoredEvent:
    for entity, organization in concerns.facts_of(event):
        await _remember_fact(connection, entity, organization)
    entities = concerns.entities_of(event)
    known = await connection.fetchval(
        """SELECT coalesce(array_agg(DISTINCT organization), '{}') FROM entity_organizations
           WHERE entity = ANY($1)""",
        entities,
    )
    organizations = sorted(set(known) | concerns.direct_organizations(event))
    body = record.value.decode()
    program, relationship = concerns.program_of(event), concerns.relationship_of(event)
    await connection.execute(
        """INSERT INTO events (topic, partition, "offset", service, id, type, time, program,
                               relationship, entities, organizations, body)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING""",
        record.topic,
        record.partition,
        record.offset,
        service,
        event.id,
        event.type,
        event.time,
        program,
        relationship,
        entities,
        organizations,
        body,
    )
    return StoredEvent(
        service,
        record.partition,
        record.offset,
        event.type,
        event.time,
        program,
        relationship,
        frozenset(organizations),
        body,
    )


async def _remember_fact(connection: asyncpg.Connection, entity: str, organization: str) -> None:
    new = await connection.fetchval(
        """INSERT INTO entity_organizations (entity, organization) VALUES ($1, $2)
           ON CONFLICT DO NOTHING RETURNING true""",
        entity,
        organization,
    )
    if new:
        # Topics are read side by side, so a fact may arrive after events it explains
        # (a mentor's enrolment after a proposal naming them): those become visible too.
        await connection.execute(
            """UPDATE events SET organizations = array_append(organizations, $2)
               WHERE entities @> ARRAY[$1::text] AND NOT organizations @> ARRAY[$2::text]""",
            entity,
            organization,
        )
