"""An endpoint's delivery log and redelivery."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from shared.http.route_deps import Pool
from services.webhooks.api.access import EndpointsDep, Manager, NudgeDispatcher, not_found, scope_of
from services.webhooks.api.models import Delivery
from services.webhooks.delivery_log import deliveries_page, redeliver
from shared.http.pagination import decode_cursor, encode_cursor
from shared.http.problem_docs import problem_responses
from shared.http.problems import Problem
from shared.http.responses import Page, json_body

router = APIRouter(prefix="/v1/webhooks/{endpoint_id}/deliveries", tags=["webhooks"])


def _view(row: dict) -> dict:
    return {**row, "status": row.pop("state")}


@router.get("", response_model=Page[Delivery], responses=problem_responses(401, 403, 404, 422))
async def list_deliveries(
    endpoint_id: UUID,
    principal: Manager,
    endpoints: EndpointsDep,
    pool: Pool,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> JSONResponse:
    """Newest first: each delivery's status, attempts, last HTTP status, latency and error."""
    if await endpoints.find(scope_of(principal), endpoint_id) is None:
        raise not_found(endpoint_id)
    position = decode_cursor(cursor)
    after = (datetime.fromisoformat(position["t"]), UUID(position["id"])) if position else None
    rows = await deliveries_page(pool, endpoint_id, after, limit + 1)
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor({"t": last["created_at"].isoformat(), "id": str(last["id"])})
    return json_body({"items": [_view(row) for row in rows[:limit]], "next_cursor": next_cursor})


@router.post(
    "/{delivery_id}/redeliver",
    status_code=202,
    response_model=Delivery,
    responses=problem_responses(401, 403, 404, 409),
)
async def redeliver_delivery(
    endpoint_id: UUID,
    delivery_id: UUID,
    principal: Manager,
    endpoints: EndpointsDep,
    pool: Pool,
    nudge: NudgeDispatcher,
) -> JSONResponse:
    """Queues the delivery again with a fresh retry schedule (same `webhook-id`)."""
    if await endpoints.find(scope_of(principal), endpoint_id) is None:
        raise not_found(endpoint_id)
    row = await redeliver(pool, endpoint_id, delivery_id)
    if row is None:
        raise Problem(404, "not-found", f"no delivery {delivery_id} of endpoint {endpoint_id}")
    if row["state"] == "in_flight":
        raise Problem(409, "delivery-in-flight", "the delivery is being sent right now")
    nudge()
    return json_body(_view(row), 202)
