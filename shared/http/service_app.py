"""The FastAPI app every service is: middleware, errors, health and metrics."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shared.eventstore import ServiceApplication
from shared.http.auth import CurrentPrincipal, require_roles
from shared.http.body_limit import BodySizeLimit
from shared.http.header_guard import HeaderGuard
from shared.http.idempotency import IdempotencyMiddleware
from shared.http.observability import CorrelationMiddleware, configure_logging
from shared.http.openapi_document import install_openapi
from shared.http.operations import router as operations_router
from shared.http.problem_docs import problem_responses
from shared.http.problems import install_problem_handlers
from shared.http.unavailable import DependencyUnavailable
from shared.runtime import App, ServiceRuntime
from shared.telemetry import configure_tracing


def create_service_app(runtime: ServiceRuntime[App], routers: list[APIRouter], description: str) -> FastAPI:
    service = runtime.app.service
    configure_logging(service, runtime.settings.log_level)
    configure_tracing(service, runtime.settings.otel_exporter_otlp_endpoint)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=f"Mentoring {service} API", version="1.0.0", description=description, lifespan=lifespan,
                  generate_unique_id_function=operation_id)
    app.state.runtime = runtime
    install_problem_handlers(app)
    app.add_middleware(IdempotencyMiddleware, settings=runtime.settings, pool_of=lambda: runtime.pool,
                       service=service)
    app.add_middleware(DependencyUnavailable)  # inside the correlation middleware's catch-all 500
    app.add_middleware(HeaderGuard)  # outside idempotency, which reads both headers it guards
    app.add_middleware(CorrelationMiddleware, service=service, request_log=runtime.settings.request_log)
    app.add_middleware(BodySizeLimit, max_bytes=runtime.settings.max_body_bytes)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        # Ready means able to serve HTTP: the database answers (writes wait in the
        # outbox while the broker is away) and no follower held here is stuck.
        checks = await runtime.readiness()
        ready = checks.get("database") == "ok" and not runtime.is_stuck(checks)
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    @app.get("/metrics", include_in_schema=False)
    async def metrics(principal: CurrentPrincipal) -> Response:
        # Dashboards and operators only; /healthz and /readyz stay open for orchestrators.
        require_roles(principal, "dashboard", "operator")
        await runtime.sample_gauges()
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    for router in [*routers, operations_router]:
        app.include_router(router)
    install_openapi(app)
    return app


def operation_id(route: APIRoute) -> str:
    """The route function's name (open_program, accept, ...): what a generated client's
    methods are called, instead of FastAPI's name_path_method."""
    return route.name


async def runtime_of(request: Request) -> ServiceRuntime[Any]:
    # Async so FastAPI does not hop to a worker thread for an attribute read (a sync
    # dependency runs on AnyIO's thread pool: 2% of intake's write path in the profile).
    runtime: ServiceRuntime[Any] = request.app.state.runtime
    return runtime


# A service's routes name their application: `Runtime = RuntimeOf[IntakeApplication]`
# (services/<service>/api/deps.py), so that `runtime.app` has the service's use cases.
RuntimeOf = Annotated[ServiceRuntime[App], Depends(runtime_of)]
Runtime = RuntimeOf[ServiceApplication]


def as_problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries saying these statuses answer with problem+json."""
    return problem_responses(*statuses)
