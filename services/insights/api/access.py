"""Who may read insights: dashboard tokens for their own organization, operators for
any. Dependency aliases keep the routes' signatures short."""

from typing import Annotated

from fastapi import Depends, Request

from shared.http.auth import CurrentPrincipal, Principal, require_roles
from shared.http.problems import Problem
from services.insights.event_stream import StreamOptions
from services.insights.fan_out import FanOut
from services.insights.health_book import NewBook
from services.insights.runtime import InsightsRuntime


def reader(principal: CurrentPrincipal) -> Principal:
    require_roles(principal, "dashboard", "operator")
    return principal


Reader = Annotated[Principal, Depends(reader)]


async def new_book_of(request: Request) -> NewBook:
    runtime: InsightsRuntime = request.app.state.runtime
    return runtime.new_book


async def fan_out_of(request: Request) -> FanOut:
    runtime: InsightsRuntime = request.app.state.runtime
    return runtime.fan_out


async def stream_options_of(request: Request) -> StreamOptions:
    runtime: InsightsRuntime = request.app.state.runtime
    settings = runtime.settings
    return StreamOptions(settings.stream_heartbeat_seconds, settings.stream_retry_ms, runtime.topics)


# What insights' routes take (besides shared/http/route_deps.py's Pool): async, no thread hop.
NewBookDep = Annotated[NewBook, Depends(new_book_of)]
FanOutDep = Annotated[FanOut, Depends(fan_out_of)]
StreamOptionsDep = Annotated[StreamOptions, Depends(stream_options_of)]


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
