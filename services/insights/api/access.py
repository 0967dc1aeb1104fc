"""Who may read insights: dashboard tokens for their own organization, operators for
any. Dependency aliases keep the routes' signatures short."""

from typing import Annotated

from fastapi import Depends, Request

from shared.http.auth import CurrentPrincipal, Principal, require_roles
from shared.http.problems import Problem
from services.insights.runtime import InsightsRuntime


def reader(principal: CurrentPrincipal) -> Principal:
    require_roles(principal, "dashboard", "operator")
    return principal


Reader = Annotated[Principal, Depends(reader)]


def runtime_of(request: Request) -> InsightsRuntime:
    runtime: InsightsRuntime = request.app.state.runtime
    return runtime


Runtime = Annotated[InsightsRuntime, Depends(runtime_of)]


def scoped_organization(principal: Principal, asked: str | None) -> str | None:
    """The organization whose events the caller sees: a dashboard token only its own."""
    if principal.is_operator:
        return asked
    if asked is not None and asked != principal.tenant:
        raise Problem(
            403,
            "forbidden",
            "a dashboard token reads only its own organization",
            errors=[{"field": "query.organization", "reason": "not the token's organization"}],
        )
    return principal.tenant
