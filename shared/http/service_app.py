"""A writing service's FastAPI app: the frame every service has (shared/http/app_frame.py)
with operation ids named after route functions, the operator endpoints over the event
store, and readiness that also asks whether a follower held here is stuck."""

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from shared.http.app_frame import Checks, database_answers, framed_app
from shared.http.openapi_document import install_openapi
from shared.http.operations import router as operations_router
from shared.http.problem_docs import problem_responses
from shared.runtime import App, ServiceRuntime


def create_service_app(runtime: ServiceRuntime[App], routers: list[APIRouter], description: str) -> FastAPI:
    def ready(checks: Checks) -> bool:
        # Ready means able to serve HTTP: the database answers (writes wait in the
        # outbox while the broker is away) and no follower held here is stuck.
        return database_answers(checks) and not runtime.is_stuck(checks)

    app = framed_app(runtime, runtime.app.service, description, ready=ready, idempotency_keys=True,
                     sample_gauges=runtime.sample_gauges, operation_id=operation_id)
    for router in [*routers, operations_router]:
        app.include_router(router)
    install_openapi(app)
    return app


def operation_id(route: APIRoute) -> str:
    """The route function's name (open_program, accept, ...): what a generated client's
    methods are called, instead of FastAPI's name_path_method."""
    return route.name


def as_problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries saying these statuses answer with problem+json."""
    return problem_responses(*statuses)
