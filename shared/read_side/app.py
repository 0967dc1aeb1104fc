"""A read-side service's FastAPI app: the writing services' middleware, errors, health
and metrics (shared/http/service_app.py), without what only an event store needs
(operator endpoints over it); idempotency keys only where the service writes."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shared.http.auth import CurrentPrincipal, require_roles
from shared.http.body_limit import BodySizeLimit
from shared.http.header_guard import HeaderGuard
from shared.http.idempotency import IdempotencyMiddleware
from shared.http.observability import CorrelationMiddleware, configure_logging
from shared.http.problems import install_problem_handlers
from shared.http.unavailable import DependencyUnavailable
from shared.read_side.runtime import ReadSideRuntime
from shared.telemetry import configure_tracing


def create_read_side_app(
    runtime: ReadSideRuntime,
    routers: list[APIRouter],
    description: str,
    *,
    idempotent_writes: bool = False,
    own_metrics: Callable[[], bytes] | None = None,
) -> FastAPI:
    service = runtime.service
    configure_logging(service, runtime.settings.log_level)
    configure_tracing(service, runtime.settings.otel_exporter_otlp_endpoint)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(
        title=f"Mentoring {service} API", version="1.0.0", description=description, lifespan=lifespan
    )
    app.state.runtime = runtime
    install_problem_handlers(app)
    if idempotent_writes:
        # service= labels its outcomes on /metrics; without it they were counted under "".
        app.add_middleware(IdempotencyMiddleware, settings=runtime.settings, pool_of=lambda: runtime.pool,
                           service=service)
    app.add_middleware(DependencyUnavailable)
    app.add_middleware(HeaderGuard)
    app.add_middleware(CorrelationMiddleware, service=service, request_log=runtime.settings.request_log)
    app.add_middleware(BodySizeLimit, max_bytes=runtime.settings.max_body_bytes)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        # Ready means able to serve: the database answers (what it serves catches up
        # from there, and what it sends waits there).
        checks = await runtime.readiness()
        ready = checks.get("database") == "ok"
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    @app.get("/metrics", include_in_schema=False)
    async def metrics(principal: CurrentPrincipal) -> Response:
        require_roles(principal, "dashboard", "operator")
        return Response(generate_latest() + (own_metrics() if own_metrics else b""), media_type=CONTENT_TYPE_LATEST)

    for router in routers:
        app.include_router(router)
    return app
