"""Routes name the parts of the service they use (shared/http/route_deps.py and each
service's own aliases), never the whole runtime: a signature says what a route touches.
The operator endpoints shared by every writing service (shared/http/operations.py) are
the one exception: rewinding and resolving followers is what they are for."""

import typing

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from services.insights.main import create_app as insights_app
from services.insights.runtime import InsightsRuntime
from services.intake.main import create_app as intake_app
from services.matching.main import create_app as matching_app
from services.sessions.main import create_app as sessions_app
from services.webhooks.main import create_app as webhooks_app
from services.webhooks.runtime import WebhooksRuntime
from shared.read_side.runtime import ReadSideRuntime
from shared.runtime import ServiceRuntime

RUNTIMES = (ServiceRuntime, ReadSideRuntime, InsightsRuntime, WebhooksRuntime)
APPS = {"intake": intake_app, "matching": matching_app, "sessions": sessions_app,
        "insights": insights_app, "webhooks": webhooks_app}


def takes_a_runtime(annotation: object) -> bool:
    origin = typing.get_origin(annotation) or annotation
    return isinstance(origin, type) and issubclass(origin, RUNTIMES)


def runtime_parameters(dependant: Dependant, path: str) -> list[str]:
    """The parameters, of the route and of every dependency it pulls in, typed as a runtime."""
    found = []
    if dependant.call is not None:
        for name, annotation in typing.get_type_hints(dependant.call).items():
            if name != "return" and takes_a_runtime(annotation):
                found.append(f"{path}: {dependant.call.__name__}({name})")
    for inner in dependant.dependencies:
        found += runtime_parameters(inner, path)
    return found


def api_routes(routes: list) -> list[APIRoute]:
    """Every APIRoute, also those of included routers (FastAPI keeps them nested)."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += api_routes(route.original_router.routes)
    return found


@pytest.mark.parametrize("service", sorted(APPS))
def test_no_route_of_a_service_takes_the_runtime(service):
    app = APPS[service]()
    routes = [route for route in api_routes(app.routes) if route.endpoint.__module__.startswith("services.")]
    assert routes, "the service's own routes are found"
    assert [found for route in routes for found in runtime_parameters(route.dependant, route.path)] == []
