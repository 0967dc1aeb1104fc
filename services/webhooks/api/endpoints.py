"""/v1/webhooks: partners register, list, rotate, disable, enable and delete endpoints."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from services.webhooks.api.access import Development, EndpointsDep, Manager, NudgeDispatcher, not_found, scope_of
from services.webhooks.api.models import (
    Endpoint,
    EndpointRegistration,
    EndpointWithSecret,
    NewSecret,
)
from services.webhooks.endpoint_rules import type_problem, url_problem
from shared.http.auth import require_roles
from shared.http.pagination import decode_cursor, encode_cursor
from shared.http.problem_docs import problem_responses
from shared.http.problems import Problem
from shared.http.responses import Page, json_body

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
PROBLEMS = problem_responses(401, 403, 404, 422)


@router.post("", status_code=201, response_model=EndpointWithSecret, responses=PROBLEMS)
async def register_endpoint(
    body: EndpointRegistration, principal: Manager, endpoints: EndpointsDep, development: Development
) -> JSONResponse:
    """The answer carries the signing secret, once; send `Idempotency-Key` so that a
    retry gets the same endpoint and secret rather than a second endpoint."""
    require_roles(principal, "partner")
    errors = []
    why = url_problem(body.url, development)
    if why:
        errors.append({"field": "body.url", "reason": why})
    for index, wanted in enumerate(body.types):
        if why := type_problem(wanted):
            errors.append({"field": f"body.types.{index}", "reason": why})
    if errors:
        raise Problem(422, "validation-failed", "the endpoint cannot be registered", errors=errors)
    row, secret = await endpoints.register(
        principal.tenant, body.url, list(body.types), body.description
    )
    response = json_body({**row, "secret": secret}, 201)
    response.headers["Location"] = f"/v1/webhooks/{row['id']}"
    return response


@router.get("", response_model=Page[Endpoint], responses=problem_responses(401, 403, 422))
async def list_endpoints(
    principal: Manager,
    endpoints: EndpointsDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
    organization: Annotated[str | None, Query(max_length=200)] = None,
) -> JSONResponse:
    """A partner lists its organization's endpoints; an operator every organization's
    (or one's, with `organization`)."""
    scope = scope_of(principal)
    if scope is not None and organization not in (None, scope):
        raise Problem(403, "forbidden", "a partner lists only its own organization's endpoints")
    position = decode_cursor(cursor)
    after = (datetime.fromisoformat(position["t"]), UUID(position["id"])) if position else None
    rows = await endpoints.page(scope if scope is not None else organization, after, limit + 1)
    return json_body({"items": rows[:limit], "next_cursor": _next(rows, limit)})


def _next(rows: list[dict[str, Any]], limit: int) -> str | None:
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    return encode_cursor({"t": last["created_at"].isoformat(), "id": str(last["id"])})


@router.get("/{endpoint_id}", response_model=Endpoint, responses=PROBLEMS)
async def get_endpoint(
    endpoint_id: UUID, principal: Manager, endpoints: EndpointsDep
) -> JSONResponse:
    row = await endpoints.find(scope_of(principal), endpoint_id)
    if row is None:
        raise not_found(endpoint_id)
    return json_body(row)


@router.post("/{endpoint_id}/rotate-secret", response_model=NewSecret, responses=PROBLEMS)
async def rotate_secret(
    endpoint_id: UUID, principal: Manager, endpoints: EndpointsDep
) -> JSONResponse:
    """A new secret signs from now on; the previous one signs alongside it (two
    signatures in `webhook-signature`) for 24 hours, while receivers switch over."""
    secret = await endpoints.rotate_secret(scope_of(principal), endpoint_id)
    if secret is None:
        raise not_found(endpoint_id)
    return json_body({"secret": secret})


@router.post("/{endpoint_id}/disable", response_model=Endpoint, responses=PROBLEMS)
async def disable_endpoint(
    endpoint_id: UUID, principal: Manager, endpoints: EndpointsDep
) -> JSONResponse:
    """Nothing is sent while disabled; deliveries already queued wait for `enable`."""
    row = await endpoints.set_enabled(scope_of(principal), endpoint_id, enabled=False)
    if row is None:
        raise not_found(endpoint_id)
    return json_body(row)


@router.post("/{endpoint_id}/enable", response_model=Endpoint, responses=PROBLEMS)
async def enable_endpoint(
    endpoint_id: UUID, principal: Manager, endpoints: EndpointsDep, nudge: NudgeDispatcher
) -> JSONResponse:
    row = await endpoints.set_enabled(scope_of(principal), endpoint_id, enabled=True)
    if row is None:
        raise not_found(endpoint_id)
    nudge()
    return json_body(row)


@router.delete("/{endpoint_id}", status_code=204, responses=PROBLEMS)
async def delete_endpoint(
    endpoint_id: UUID, principal: Manager, endpoints: EndpointsDep
) -> Response:
    """The endpoint and its delivery log are gone; nothing more is sent to it."""
    if not await endpoints.delete(scope_of(principal), endpoint_id):
        raise not_found(endpoint_id)
    return Response(status_code=204)
