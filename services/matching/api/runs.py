"""Whole-pool matching runs per program, and dry runs that write nothing."""

from typing import Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from shared.eventstore import run_blocking
from shared.http.auth import CurrentPrincipal, require_roles
from shared.http.now import Now
from shared.http.responses import json_body
from shared.http.service_app import as_problem_responses
from services.matching import pool_queries
from services.matching.api.deps import App, Pool
from services.matching.api.views import RunResult
from services.matching.application import PoolRun

router = APIRouter(prefix="/v1/programs", tags=["matching runs"], responses=as_problem_responses(401, 403, 404, 422))


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    objective: Literal["stable", "max_total_score"] | None = None
    dry_run: bool = False


@router.post("/{program_id}/matching-runs", response_model=RunResult,
             summary="Match every open request of a program at once (operator)")
async def run_matching(program_id: UUID, body: RunRequest, app: App, pool: Pool, now: Now, principal: CurrentPrincipal):
    """With `dry_run`, returns the pairs and figures (matched share, mean and minimum
    score, blocking pairs) and writes nothing: what-if matching."""
    require_roles(principal, "operator")
    mentors = await pool_queries.mentors_of(pool, program_id)
    request_ids = await pool_queries.awaiting_requests_of(pool, program_id)
    managers = await pool_queries.reporting_lines(pool)
    return json_body(await run_blocking(PoolRun(app).run, program_id, request_ids, mentors, body.objective,
                                        body.dry_run, now, managers))
