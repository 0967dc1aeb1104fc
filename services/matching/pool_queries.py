"""Reads of the pool and of due work from matching's documents (async, asyncpg)."""

import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from services.matching.domain.pool import Candidate
from services.matching.domain.proposal import ENDED_UNCONFIRMED, OPEN
from services.matching.domain.replicas import candidate_from
from services.matching.domain.reporting_line import Declared, managers_of


async def mentors_of(pool: asyncpg.Pool, program_id: UUID) -> list[Candidate]:
    """The program's mentors, each loaded with the seats running relationships hold and the
    proposals still open for them. A proposal takes no seat (its confirmation does, and stays
    the only judge), but counting it keeps the matchmaker from proposing one mentor's last seat
    to many requests at once, most of whose confirmations would then find it taken."""
    rows = await pool.fetch(
        """SELECT m.id, m.status, m.body, coalesce((s.body->>'held')::int, 0) + coalesce(o.open, 0) AS load
           FROM documents m LEFT JOIN documents s
             ON s.kind = 'seats' AND s.body->>'participant_id' = m.id::text AND s.body->>'role' = 'mentor'
           LEFT JOIN (SELECT body->>'mentor_id' AS mentor_id, count(*) AS open FROM documents
                      WHERE kind = 'match' AND program_id = $1 AND status = ANY($2::text[])
                      GROUP BY 1) o ON o.mentor_id = m.id::text
           WHERE m.kind = 'member' AND m.program_id = $1 AND m.tags @> ARRAY['role:mentor']""",
        program_id, list(OPEN),
    )
    return [
        candidate_from(row["id"], program_id, body["profile"], body["profile_version"], row["status"] == "active",
                       row["load"])
        for row in rows for body in [json.loads(row["body"])]
    ]


@dataclass(frozen=True)
class AwaitingRequest:
    request_id: UUID
    program_id: UUID
    # Changes whenever the request, its program, or any member or seat of its program changes.
    pool_stamp: tuple[int, int]
    wait_over: bool  # it has waited as long as its program allows


async def awaiting_requests(pool: asyncpg.Pool, now: datetime, limit: int = 10_000,
                            only_new: bool = False) -> list[AwaitingRequest]:
    """Requests the on-demand matchmaker should propose for (batch programs wait for runs).
    `only_new`: just those never tried (version 1: any try proposes, waits or ends it),
    which spares the pool stamps of programs where requests only wait."""
    rows = await pool.fetch(
        """WITH waiting AS (
             SELECT r.id, r.program_id, r.version, r.created_at,
                    coalesce((r.body->>'waiting_until')::timestamptz <= $1, false) AS wait_over
             FROM documents r
             WHERE r.kind = 'request' AND r.status = 'awaiting' AND (NOT $3 OR r.version = 1)
               AND NOT EXISTS (SELECT 1 FROM documents p WHERE p.kind = 'program' AND p.id = r.program_id
                               AND p.body->>'matching_mode' = 'batch')
           ), pools AS (
             -- Versions only grow, so any change to a member or a seat changes the sum.
             SELECT m.program_id, sum(m.version + coalesce(s.version, 0)) AS stamp
             FROM documents m LEFT JOIN documents s ON s.kind = 'seats' AND s.body->>'participant_id' = m.id::text
             WHERE m.kind = 'member' AND m.program_id IN (SELECT program_id FROM waiting)
             GROUP BY m.program_id
           ), unheld AS (
             -- Proposals that ended unconfirmed: each gave back what it held of its mentor
             -- (mentors_of counts open ones), and their number only grows.
             SELECT program_id, count(*) AS ended FROM documents
             WHERE kind = 'match' AND status = ANY($4::text[])
               AND program_id IN (SELECT program_id FROM waiting)
             GROUP BY program_id
           )
           SELECT w.id, w.program_id, w.version, w.wait_over,
                  coalesce(pools.stamp, 0) + coalesce(program.version, 0) + coalesce(unheld.ended, 0) AS stamp
           FROM waiting w LEFT JOIN pools USING (program_id) LEFT JOIN unheld USING (program_id)
             LEFT JOIN documents program ON program.kind = 'program' AND program.id = w.program_id
           ORDER BY w.created_at LIMIT $2""", now, limit, only_new, list(ENDED_UNCONFIRMED))
    return [AwaitingRequest(row["id"], row["program_id"], (row["version"], int(row["stamp"])), row["wait_over"])
            for row in rows]


async def reporting_lines(pool: asyncpg.Pool) -> dict[UUID, UUID]:
    """Who reports to whom, from every profile matching knows, enrolled as mentor or mentee,
    in any program: the line between two people may run through anyone."""
    rows = await pool.fetch(
        """SELECT id, body->'profile'->>'manager_id' AS manager_id, body->'profile'->'reporting_line' AS line
           FROM documents WHERE kind = 'member'
             AND (body->'profile'->>'manager_id' IS NOT NULL OR body->'profile'->'reporting_line' <> '[]'::jsonb)""")
    return managers_of(
        Declared(row["id"], UUID(row["manager_id"]) if row["manager_id"] else None,
                 tuple(UUID(boss) for boss in json.loads(row["line"] or "[]")))
        for row in rows)


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
             ON m.kind = 'member' AND (m.id::text IN (p.body->>'mentee_id', p.body->>'mentor_id')
                                       OR coalesce(p.body->'co_mentee_ids', '[]'::jsonb) ? m.id::text)
           WHERE p.kind = 'match' AND p.status = 'proposed' AND m.status <> 'active'""")
    return [row["id"] for row in rows]


async def awaiting_requests_of(pool: asyncpg.Pool, program_id: UUID) -> list[UUID]:
    rows = await pool.fetch(
        "SELECT id FROM documents WHERE kind = 'request' AND status = 'awaiting' AND program_id = $1", program_id)
    return [row["id"] for row in rows]
