"""Stores one partition's batch of public events exactly once, with the partition's
position, the facts that scope them to organizations and one delivery per matching
endpoint, all in one transaction: an event is either stored with its deliveries or
not at all, and a redelivered record (at or below the position) is skipped.

A record that is not a public event we can read is parked with its reason and passed."""

from datetime import datetime
from uuid import UUID

import asyncpg
import orjson
from aiokafka import ConsumerRecord

from services.webhooks.endpoint_rules import wants_type
from shared import public_concerns as concerns
from shared.contracts import intake, matching, sessions  # noqa: F401  (registers the contracts)
from shared.envelope import CloudEvent, UndecodableMessage, decode
from shared.parking import park
from shared.read_side.ingest import FOLLOWER


async def store_batch(pool: asyncpg.Pool, records: list[ConsumerRecord]) -> int:
    """How many deliveries the batch created. A handful of statements per batch, not per
    event: at hundreds of events a second, round trips are what ingest costs."""
    topic, partition = records[0].topic, records[0].partition
    async with pool.acquire() as connection, connection.transaction():
        position = await connection.fetchval(
            'SELECT "offset" FROM positions WHERE topic = $1 AND partition = $2 FOR UPDATE',
            topic,
            partition,
        )
        fresh: list[tuple[ConsumerRecord, CloudEvent, str]] = []
        for record in records:
            if position is not None and record.offset <= position:
                continue
            try:
                event = decode(record.value)
                event.contract()
                fresh.append((record, event, record.value.decode()))
            except (UndecodableMessage, UnicodeDecodeError) as error:
                address = f"{topic}:{partition}:{record.offset}"
                await park(connection, FOLLOWER, address, str(error)[:2000])
        created = await _store_events(connection, fresh) if fresh else 0
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


async def _store_events(
    connection: asyncpg.Connection, fresh: list[tuple[ConsumerRecord, CloudEvent, str]]
) -> int:
    created = 0
    # The batch's facts first: an event then sees the facts of the whole batch, and a
    # fact widens only events stored by earlier batches.
    for _, event, _ in fresh:
        for entity, organization in concerns.facts_of(event):
            created += await _remember_fact(connection, entity, organization)
    entities = [concerns.entities_of(event) for _, event, _ in fresh]
    organizations = await _organizations(connection, [event for _, event, _ in fresh], entities)
    stored = await connection.fetch(
        """INSERT INTO events (topic, partition, "offset", id, type, subject, entities,
                               organizations, body)
           SELECT r.topic, r.partition, r."offset", r.id, r.type, r.subject,
                  array(SELECT jsonb_array_elements_text(r.entities)),
                  array(SELECT jsonb_array_elements_text(r.organizations)), r.body
           FROM jsonb_to_recordset($1::jsonb) AS r(topic text, partition int, "offset" bigint,
                id text, type text, subject text, entities jsonb, organizations jsonb,
                body text)
           ON CONFLICT DO NOTHING RETURNING seq, "offset" """,
        orjson.dumps(
            [
                {
                    "topic": record.topic,
                    "partition": record.partition,
                    "offset": record.offset,
                    "id": event.id,
                    "type": event.type,
                    "subject": subject_of(event),
                    "entities": named,
                    "organizations": orgs,
                    "body": body,
                }
                for (record, event, body), named, orgs in zip(
                    fresh, entities, organizations, strict=True
                )
            ]
        ).decode(),
    )
    if not stored:
        return created
    seq_of = {row["offset"]: row["seq"] for row in stored}
    endpoints = await _endpoints_of(connection, {org for orgs in organizations for org in orgs})
    rows: list[tuple[UUID, int, str]] = []
    for (record, event, _), orgs in zip(fresh, organizations, strict=True):
        if record.offset not in seq_of:
            continue
        for org in orgs:
            for endpoint_id, types in endpoints.get(org, ()):
                if wants_type(types, event.type):
                    rows.append((endpoint_id, seq_of[record.offset], subject_of(event)))
    return created + await _insert_deliveries(connection, rows)


async def _organizations(
    connection: asyncpg.Connection, events: list[CloudEvent], entities: list[list[str]]
) -> list[list[str]]:
    known: dict[str, set[str]] = {}
    for row in await connection.fetch(
        "SELECT entity, organization FROM entity_organizations WHERE entity = ANY($1::text[])",
        sorted({entity for named in entities for entity in named}),
    ):
        known.setdefault(row["entity"], set()).add(row["organization"])
    return [
        sorted(
            {org for entity in named for org in known.get(entity, ())}
            | concerns.direct_organizations(event)
        )
        for event, named in zip(events, entities, strict=True)
    ]


async def _endpoints_of(
    connection: asyncpg.Connection, organizations: set[str], stored_at: datetime | None = None
) -> dict[str, list[tuple[UUID, list[str]]]]:
    """Enabled endpoints of these organizations that existed when the event was stored
    (an endpoint receives from its creation on), by organization."""
    found: dict[str, list[tuple[UUID, list[str]]]] = {}
    for row in await connection.fetch(
        """SELECT id, organization, types FROM endpoints
           WHERE organization = ANY($1::text[]) AND enabled
             AND created_at <= coalesce($2, now())""",
        sorted(organizations),
        stored_at,
    ):
        found.setdefault(row["organization"], []).append((row["id"], list(row["types"])))
    return found


async def _insert_deliveries(
    connection: asyncpg.Connection, rows: list[tuple[UUID, int, str]]
) -> int:
    if not rows:
        return 0
    # In the given order, so that one relationship's deliveries are numbered as its
    # events came.
    status = await connection.execute(
        """INSERT INTO deliveries (endpoint_id, event_seq, subject)
           SELECT endpoint_id, event_seq, subject
           FROM unnest($1::uuid[], $2::bigint[], $3::text[])
                WITH ORDINALITY AS d(endpoint_id, event_seq, subject, position)
           ORDER BY position ON CONFLICT DO NOTHING""",
        [row[0] for row in rows],
        [row[1] for row in rows],
        [row[2] for row in rows],
    )
    return int(status.split()[-1])


async def _queue_deliveries(
    connection: asyncpg.Connection,
    seq: int,
    event_type: str,
    subject: str,
    organization: str,
    stored_at: datetime,
) -> int:
    endpoints = await _endpoints_of(connection, {organization}, stored_at)
    rows = [
        (endpoint_id, seq, subject)
        for endpoint_id, types in endpoints.get(organization, ())
        if wants_type(types, event_type)
    ]
    return await _insert_deliveries(connection, rows)


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
           RETURNING seq, type, subject, stored_at""",
        entity,
        organization,
    )
    created = 0
    for row in sorted(widened, key=lambda row: row["seq"]):
        created += await _queue_deliveries(
            connection, row["seq"], row["type"], row["subject"], organization, row["stored_at"]
        )
    return created
