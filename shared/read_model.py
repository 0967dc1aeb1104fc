"""Queryable documents projected from the service's own notification log.

One table serves every list endpoint: a document per aggregate with the fields
lists filter on (tenant, program, status, tags such as `role:mentor` or
`topic:python`) and its public JSON body. Rows and the projector's position are
written in one transaction, so the read model never skips or doubles an event.
The table is made by the migrations (migrations/shared/).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import orjson

from shared.aggregate_tracker import AggregateTracker
from shared.eventstore import ServiceApplication, run_blocking
from shared.http.pagination import decode_cursor, encode_cursor
from shared.log_follower import LogFollower

@dataclass(frozen=True)
class Document:
    kind: str
    id: UUID
    tenant: str
    status: str
    version: int
    created_at: datetime
    body: dict[str, Any]
    program_id: UUID | None = None
    tags: list[str] = field(default_factory=list)


ToDocument = Callable[[Any], Document | None]

# Sent in the projector's transaction (so on commit) with the kinds written, comma
# separated: timers that read documents wake on it instead of waiting for their poll.
DOCUMENTS_WRITTEN = "documents_written"

# A projector far behind (a rebuild) grows its batches up to this: one transaction
# rewrites fewer documents per event when an aggregate's events share a batch.
CATCH_UP_BATCH = 2000

UPSERT_DOCUMENT = """
    INSERT INTO documents (kind, id, tenant, program_id, status, tags, version, created_at, body)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
    ON CONFLICT (kind, id) DO UPDATE SET tenant = EXCLUDED.tenant,
      program_id = EXCLUDED.program_id, status = EXCLUDED.status, tags = EXCLUDED.tags,
      version = EXCLUDED.version, body = EXCLUDED.body
    -- a parked notification retried late must not undo newer state
    WHERE documents.version <= EXCLUDED.version"""


class Projector(LogFollower):
    def __init__(self, app: ServiceApplication, pool: asyncpg.Pool, to_document: ToDocument, **options: Any) -> None:
        super().__init__(app, pool, "projector:documents", **{"max_batch_size": CATCH_UP_BATCH, **options})
        self._to_document = to_document
        self._tracker = AggregateTracker(app)

    async def handle(self, notifications: list[Any], connection: asyncpg.Connection, retrying: bool = False) -> None:
        documents = await run_blocking(self._documents_for, notifications)
        async with connection.transaction():
            # One round trip for the batch's documents, not one per document.
            await connection.executemany(UPSERT_DOCUMENT, [
                (document.kind, document.id, document.tenant, document.program_id, document.status,
                 document.tags, document.version, document.created_at, json.dumps(document.body, default=str))
                for document in documents.values()
            ])
            if not retrying:
                await self.position.save(connection, notifications[-1].id)
            if documents:
                kinds = ",".join(sorted({kind for kind, _ in documents}))
                await connection.execute("SELECT pg_notify($1, $2)", DOCUMENTS_WRITTEN, kinds)

    async def on_rewind(self, connection: asyncpg.Connection, to: int) -> None:
        if to != 0:
            raise ValueError("the read model is rebuilt from the start only")
        await connection.execute("TRUNCATE documents")

    def _documents_for(self, notifications: list[Any]) -> dict[tuple[str, UUID], Document]:
        newest: dict[UUID, Any] = {}
        for notification in notifications:
            event = self.app.mapper.to_domain_event(notification)
            newest[event.originator_id] = self._tracker.state_after(event)
        # Only each aggregate's newest state becomes a document: the batch would overwrite
        # the earlier ones anyway, and building documents is a good part of the work.
        documents = {}
        for aggregate in newest.values():
            document = self._to_document(aggregate)
            if document is not None:
                documents[(document.kind, document.id)] = document
        return documents


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


async def list_documents(
    pool: asyncpg.Pool, kind: str, *, tenant: str | None, program_id: UUID | None = None,
    status: str | None = None, tags: list[str] | None = None, cursor: str | None = None, limit: int = 50,
) -> Page:
    """Keyset pagination on (created_at, id); tenant None means all tenants (operators)."""
    after = decode_cursor(cursor)
    rows = await pool.fetch(
        """SELECT id, created_at, body, version FROM documents
           WHERE kind = $1 AND ($2::text IS NULL OR tenant = $2)
             AND ($3::uuid IS NULL OR program_id = $3) AND ($4::text IS NULL OR status = $4)
             AND tags @> $5::text[]
             AND ($6::timestamptz IS NULL OR (created_at, id) > ($6, $7::uuid))
           ORDER BY created_at, id LIMIT $8""",
        kind, tenant, program_id, status, tags or [],
        datetime.fromisoformat(after["t"]) if after else None, UUID(after["id"]) if after else None,
        limit + 1,
    )
    items = [orjson.loads(row["body"]) for row in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor({"t": last["created_at"].isoformat(), "id": str(last["id"])})
    return Page(items, next_cursor)
