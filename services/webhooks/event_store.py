"""Stores one partition's batch of public events exactly once, with the partition's
position, the facts that scope them to organizations and one delivery per matching
endpoint, all in one transaction: an event is either stored with its deliveries or
not at all, and a redelivered record (at or below the position) is skipped.

A record that is not a public event we can read is parked with its reason and passed."""

import asyncpg
from aiokafka import ConsumerRecord

from services.webhooks.endpoint_rules import wants_type
from shared import public_concerns as concerns
from shared.contracts import intake, matching, sessions  # noqa: F401  (registers the contracts)
from shared.envelope import CloudEvent, UndecodableMessage, decode
from shared.parking import park

FOLLOWER = "ingest"


async def stored_position(pool: asyncpg.Pool, topic: str, partition: int) -> int | None:
    offset: int | None = await pool.fetchval(
        'SELECT "offset" FROM positions WHERE topic = $1 AND partition = $2', topic, partition
    )
    return offset


async def store_batch(pool: asyncpg.Pool, records: list[ConsumerRecord]) -> int:
    """How many deliveries the batch created."""
    topic, partition = records[0].topic, records[0].partition
    created = 0
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
                body = record.value.decode()
            except (UndecodableMessage, UnicodeDecodeError) as error:
                address = f"{topic}:{partition}:{record.offset}"
                await park(connection, FOLLOWER, address, str(error)[:2000])
                continue
            created += await _store_event(connection, record, event, body)
        await connection.execute(
            """INSERT INTO positions (topic, partition, "offset") VALUES ($1, $2, $3)
               ON CONFLICT (topic, partition) DO UPDATE SET "offset" = EXCLUDED."offset" """,
            topic,
            partition,
            records[-1].offset,
        )
    return created


def subject_of(event: CloudEvent) -> str:
    """What an endpoint's deliveries are ordered by: the relationship, else the subject."""
    return concerns.relationship_of(event) or event.subject


async def _store_event(
    connection: asyncpg.Connection, record: ConsumerRecord, event: CloudEvent, body: str
) -> int:
    created = 0
    for entity, organization in concerns.facts_of(event):
        created += await _remember_fact(connection, entity, organization)
    entities = concerns.entities_of(event)
    known = await connection.fetchval(
        """SELECT coalesce(array_agg(DISTINCT organization), '{}') FROM entity_organizations
           WHERE entity = ANY($1)""",
        entities,
    )
    organizations = sorted(set(known) | concerns.direct_organizations(event))
    seq = await connection.fetchval(
        """INSERT INTO events (topic, partition, "offset", id, type, subject, entities,
                               organizations, body)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING seq""",
        record.topic,
        record.partition,
        record.offset,
        event.id,
        event.type,
        subject_of(event),
        entities,
        organizations,
        body,
    )
    if seq is None:
        return created
    return created + await _queue_deliveries(connection, seq, event.type, organizations)


async def _queue_deliveries(
    connection: asyncpg.Connection, seq: int, event_type: str, organizations: list[str]
) -> int:
    """One delivery per enabled endpoint of these organizations that wants this type
    and existed when the event was stored (an endpoint receives from its creation on)."""
    endpoints = await connection.fetch(
        """SELECT p.id, p.types FROM endpoints p, events e
           WHERE e.seq = $1 AND p.organization = ANY($2) AND p.enabled
             AND p.created_at <= e.stored_at""",
        seq,
        organizations,
    )
    wanted = [row["id"] for row in endpoints if wants_type(list(row["types"]), event_type)]
    if not wanted:
        return 0
    status = await connection.execute(
        """INSERT INTO deliveries (endpoint_id, event_seq, subject)
           SELECT endpoint, $1, e.subject FROM unnest($2::uuid[]) AS endpoint, events e
           WHERE e.seq = $1 ON CONFLICT DO NOTHING""",
        seq,
        wanted,
    )
    return int(status.split()[-1])


async def _remember_fact(connection: asyncpg.Connection, entity: str, organization: str) -> int:
    new = await connection.fetchval(
        """INSERT INTO entity_organizations (entity, organization) VALUES ($1, $2)
           ON CONFLICT DO NOTHING RETURNING true""",
        entity,
        organization,
    )
    if not new:
        return 0
    # Topics are read side by side, so a fact may arrive after events it explains (a
    # mentor's enrolment after a proposal naming them): their organization's endpoints
    # get those events now, after the ones already queued.
    widened = await connection.fetch(
        """UPDATE events SET organizations = array_append(organizations, $2)
           WHERE entities @> ARRAY[$1::text] AND NOT organizations @> ARRAY[$2::text]
           RETURNING seq, type""",
        entity,
        organization,
    )
    created = 0
    for row in sorted(widened, key=lambda row: row["seq"]):
        created += await _queue_deliveries(connection, row["seq"], row["type"], [organization])
    return created
