"""Who may use webhooks: partner tokens for their own organization's endpoints,
operators for every organization's. Dependency aliases keep the routes' signatures
short; another organization's endpoint answers 404, as if it did not exist."""

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


def runtime_of(request: Request) -> WebhooksRuntime:
    runtime: WebhooksRuntime = request.app.state.runtime
    return runtime


Runtime = Annotated[WebhooksRuntime, Depends(runtime_of)]


def endpoints_of(runtime: Runtime) -> Endpoints:
    assert runtime.endpoints is not None
    return runtime.endpoints


EndpointsDep = Annotated[Endpoints, Depends(endpoints_of)]


def scope_of(principal: Principal) -> str | None:
    """The organization whose endpoints the caller sees; None for an operator (all)."""
    return None if principal.is_operator else principal.tenant


def not_found(endpoint_id: UUID) -> Problem:
    return Problem(404, "not-found", f"no webhook endpoint {endpoint_id}")
