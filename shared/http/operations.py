"""Operator endpoints every service has: what its followers parked, and what to do
with it. Retry applies the record again alone (after the cause was fixed); skip
leaves it for good. Both keep the row and its reason."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from shared.eventstore import ServiceApplication, run_blocking
from shared.http.auth import CurrentPrincipal, require_roles
from shared.http.problem_docs import problem_responses
from shared.http.problems import Problem
from shared.http.responses import json_body
from shared.parking import SKIPPED, is_parked, parked_records, resolve
from shared.runtime import ServiceRuntime
from shared.transient import reason_of

router = APIRouter(prefix="/v1/operations", tags=["operations"], responses=problem_responses(403, 404, 409))
Follower = Annotated[str, Path(max_length=200, pattern=r"^[\w:.\-|]+$")]
Address = Annotated[str, Path(max_length=200, pattern=r"^[\w:.\-]+$")]


def operator_runtime(
    request: Request, principal: CurrentPrincipal,
) -> ServiceRuntime[ServiceApplication]:
    require_roles(principal, "operator")
    runtime: ServiceRuntime[ServiceApplication] = request.app.state.runtime
    return runtime


OperatorRuntime = Annotated[ServiceRuntime[ServiceApplication], Depends(operator_runtime)]


class ParkedRecord(BaseModel):
    follower: str
    address: str
    reason: str
    parked_at: datetime
    state: Literal["parked", "retried", "skipped"]


class ParkedRecords(BaseModel):
    items: list[ParkedRecord]


class Resolution(BaseModel):
    state: Literal["retried", "skipped"]


class Rebuilding(BaseModel):
    rebuilding: Literal["documents"]
    notifications: int


class Republishing(BaseModel):
    republishing_after: int
    notifications: int


@router.get("/parked", response_model=ParkedRecords)
async def list_parked(runtime: OperatorRuntime, state: str | None = "parked") -> JSONResponse:
    assert runtime.pool is not None
    if state not in (None, "parked", "retried", "skipped"):
        raise Problem(422, "validation-failed", "state must be parked, retried or skipped",
                      errors=[{"field": "query.state", "reason": "unknown state"}])
    records = await parked_records(runtime.pool, state)
    return json_body({"items": [{"follower": r.follower, "address": r.address, "reason": r.reason,
                                 "parked_at": r.parked_at.isoformat(), "state": r.state} for r in records]})


@router.post("/parked/{follower}/{address}/retry")
async def retry_parked(runtime: OperatorRuntime, follower: Follower, address: Address) -> Resolution:
    assert runtime.pool is not None
    log_followers = {f.position.follower: f for f in runtime.followers().values()}
    if follower.startswith("timer:"):
        # The next tick takes the item again.
        if not await resolve(runtime.pool, follower, address, "retried"):
            raise Problem(404, "not-parked", f"nothing is parked at {follower} {address}")
        return Resolution(state="retried")
    if follower not in log_followers or not address.isdigit() or not await is_parked(runtime.pool, follower, address):
        raise Problem(404, "not-parked", f"nothing is parked at {follower} {address}")
    try:
        await log_followers[follower].retry_parked(int(address))
    except Exception as error:
        raise Problem(409, "retry-failed", f"the record still fails: {reason_of(error)}") from error
    return Resolution(state="retried")


@router.post("/rebuild/documents", status_code=202)
async def rebuild_documents(runtime: OperatorRuntime) -> Rebuilding:
    """Empties the read model and replays the whole log into it (readers see it fill up)."""
    return Rebuilding(rebuilding="documents", **await _rewind(runtime, "projector", 0))


@router.post("/republish", status_code=202)
async def republish(runtime: OperatorRuntime,
                    after: Annotated[int, Query(ge=0, le=2**62, alias="from")] = 0) -> Republishing:
    """Sends the store's events after notification `from` to the topic again, for a
    consumer being rebuilt elsewhere; consumers that saw them already skip them."""
    return Republishing(republishing_after=after, **await _rewind(runtime, "relay", after))


async def _rewind(runtime: ServiceRuntime[ServiceApplication], name: str, to: int) -> dict[str, Any]:
    follower = runtime.followers().get(name)
    if follower is None or not follower.holding:
        raise Problem(409, "not-held-here", f"this replica does not run the {name}; ask the one that does")
    follower.request_rewind(to)
    newest = await run_blocking(follower.app.recorder.max_notification_id) or 0
    return {"notifications": newest - to}


@router.post("/parked/{follower}/{address}/skip")
async def skip_parked(runtime: OperatorRuntime, follower: Follower, address: Address) -> Resolution:
    assert runtime.pool is not None
    if not await resolve(runtime.pool, follower, address, SKIPPED):
        raise Problem(404, "not-parked", f"nothing is parked at {follower} {address}")
    return Resolution(state="skipped")
