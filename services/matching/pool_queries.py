"""Reads of the pool and of due work from matching's documents (async, asyncpg)."""

import json
from datetime import datetime
from uuid import UUID

import asyncpg

from services.matching.domain.pool import Candidate
from services.matching.domain.replicas import candidate_from

OPEN_STATUSES = ["proposed"]


async def mentors_of(pool: asyncpg.Pool, program_id: UUID) -> list[Candidate]:
    rows = await pool.fetch(
        """SELECT m.id, m.status, m.body, coalesce((s.body->>'held')::int, 0) AS held
           FROM documents m LEFT JOIN documents s
             ON s.kind = 'seats' AND s.body->>'participant_id' = m.id::text AND s.body->>'role' = 'mentor'
           WHERE m.kind = 'member' AND m.program_id = $1 AND m.tags @> ARRAY['role:mentor']""",
        program_id,
    )
    return [
        candidate_from(row["id"], program_id, body["profile"], body["profile_version"], row["status"] == "active",
                       row["held"])
        for row in rows for body in [json.loads(row["body"])]
    ]


async def awaiting_requests(pool: asyncpg.Pool, limit: int = 100) -> list[tuple[UUID, UUID]]:
    """Requests the on-demand matchmaker should propose for (batch programs wait for runs)."""
    rows = await pool.fetch(
        """SELECT r.id, r.program_id FROM documents r
           WHERE r.kind = 'request' AND r.status = 'awaiting'
             AND NOT EXISTS (SELECT 1 FROM documents p WHERE p.kind = 'program' AND p.id = r.program_id
                             AND p.body->>'matching_mode' = 'batch')
           ORDER BY r.created_at LIMIT $1""", limit)
    return [(row["id"], row["program_id"]) for row in rows]


async def proposals_past_expiry(pool: asyncpg.Pool, now: datetime) -> list[UUID]:
    rows = await pool.fetch(
        "SELECT id FROM documents WHERE kind = 'match' AND status = 'proposed' "
        "AND (body->>'expires_at')::timestamptz <= $1", now)
    return [row["id"] for row in rows]


async def proposals_due_a_reminder(pool: asyncpg.Pool, now: datetime, share_left: float) -> list[UUID]:
    rows = await pool.fetch(
        """SELECT id FROM documents WHERE kind = 'match' AND status = 'proposed'
             AND NOT (body->>'reminded')::boolean
             AND (body->>'expires_at')::timestamptz - ((body->>'expires_at')::timestamptz
                  - (body->>'proposed_at')::timestamptz) * $2 <= $1""", now, share_left)
    return [row["id"] for row in rows]


async def proposals_with_absent_people(pool: asyncpg.Pool) -> list[UUID]:
    rows = await pool.fetch(
        """SELECT p.id FROM documents p JOIN documents m
             ON m.kind = 'member' AND m.id::text IN (p.body->>'mentee_id', p.body->>'mentor_id')
           WHERE p.kind = 'match' AND p.status = 'proposed' AND m.status <> 'active'""")
    return [row["id"] for row in rows]


async def awaiting_requests_of(pool: asyncpg.Pool, program_id: UUID) -> list[UUID]:
    rows = await pool.fetch(
        "SELECT id FROM documents WHERE kind = 'request' AND status = 'awaiting' AND program_id = $1", program_id)
    return [row["id"] for row in rows]
