"""Who may use webhooks: partner tokens for their own organization's endpoints,
operators for every organization's. Dependency aliases keep the routes' signatures
short; another organization's endpoint answers 404, as if it did not exist."""

from collections.abc import Callable
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request

from services.webhooks.endpoints import Endpoints
from services.webhooks.runtime import WebhooksRuntime
from shared.http.auth import CurrentPrincipal, Principal, require_roles
from shared.http.problems import Problem


def manager(principal: CurrentPrincipal) -> Principal:
    require_roles(principal, "partner", "operator")
    return principal


Manager = Annotated[Principal, Depends(manager)]


def _runtime(request: Request) -> WebhooksRuntime:
    runtime: WebhooksRuntime = request.app.state.runtime
    return runtime


async def endpoints_of(request: Request) -> Endpoints:
    endpoints = _runtime(request).endpoints
    assert endpoints is not None, "made at start-up"
    return endpoints


async def nudge_of(request: Request) -> Callable[[], None]:
    """Wakes the dispatcher (when this process runs one) so a queued delivery goes now."""
    dispatcher = _runtime(request).dispatcher
    return dispatcher.nudge if dispatcher is not None else (lambda: None)


async def is_development(request: Request) -> bool:
    return _runtime(request).settings.environment == "development"


# What webhooks' routes take (besides shared/http/route_deps.py's Pool): async, no thread hop.
EndpointsDep = Annotated[Endpoints, Depends(endpoints_of)]
NudgeDispatcher = Annotated[Callable[[], None], Depends(nudge_of)]
Development = Annotated[bool, Depends(is_development)]


def scope_of(principal: Principal) -> str | None:
    """The organization whose endpoints the caller sees; None for an operator (all)."""
    return None if principal.is_operator else principal.tenant


def not_found(endpoint_id: UUID) -> Problem:
    return Problem(404, "not-found", f"no webhook endpoint {endpoint_id}")
