"""GET /v1/programs: the programs insights has seen, for a dashboard's program picker.
Scoped as health is: a dashboard token lists the programs its organization takes part
in (the same entity_organizations facts), an operator every program."""

from datetime import datetime
from typing import Any

import orjson
from fastapi import APIRouter, Query, Request

from shared.http.pagination import decode_cursor, encode_cursor
from shared.http.route_deps import Pool
from services.insights.api.access import Reader
from services.insights.api.query_checks import only_known_parameters

router = APIRouter(prefix="/v1", tags=["programs"])
PROGRAM_EVENTS = ["mentoring.intake.ProgramOpened.v1", "mentoring.intake.ProgramChanged.v1"]

# Keyset on (opened_at, program): stable while programs open. The latest ProgramOpened or
# ProgramChanged names the program; the program's own facts say who may see it.
PAGE_OF_PROGRAMS = """
WITH visible AS (
    SELECT DISTINCT substr(entity, length('program:') + 1) AS program
    FROM entity_organizations
    WHERE entity LIKE 'program:%' AND ($1::text IS NULL OR organization = $1)
), described AS (
    SELECT e.program, min(e.time) AS opened_at,
           (array_agg(e.body ORDER BY e.ingest_seq DESC))[1] AS latest
    FROM events e JOIN visible v ON v.program = e.program
    WHERE e.type = ANY($2::text[])
    GROUP BY e.program
)
SELECT program, opened_at, latest FROM described
WHERE $3::timestamptz IS NULL OR (opened_at, program) > ($3::timestamptz, $4::text)
ORDER BY opened_at, program
LIMIT $5
"""


@router.get("/programs")
async def list_programs(
    request: Request,
    principal: Reader,
    pool: Pool,
    limit: int = Query(100, ge=1, le=500),
    cursor: str | None = None,
) -> dict[str, Any]:
    only_known_parameters(request, {"limit", "cursor"})
    after = decode_cursor(cursor)
    rows = await pool.fetch(
        PAGE_OF_PROGRAMS,
        None if principal.is_operator else principal.tenant,
        PROGRAM_EVENTS,
        datetime.fromisoformat(after["t"]) if after else None,
        after["id"] if after else None,
        limit + 1,
    )
    page = rows[:limit]
    items = [_program(row) for row in page]
    more = len(rows) > limit
    next_cursor = (
        encode_cursor({"t": page[-1]["opened_at"].isoformat(), "id": page[-1]["program"]})
        if more
        else None
    )
    return {"items": items, "next_cursor": next_cursor}


def _program(row: Any) -> dict[str, Any]:
    terms = orjson.loads(row["latest"])["data"]["terms"]
    return {
        "program_id": row["program"],
        "name": terms["name"],
        "opened_at": row["opened_at"].isoformat(),
    }

