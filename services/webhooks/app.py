"""Webhooks' FastAPI app: the other services' middleware, errors, health and metrics,
with idempotency keys on its writes (registration answers a secret once; a retried
registration must answer the same endpoint, not register a second)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from services.webhooks.runtime import WebhooksRuntime
from shared.http.auth import CurrentPrincipal, require_roles
from shared.http.body_limit import BodySizeLimit
from shared.http.header_guard import HeaderGuard
from shared.http.idempotency import IdempotencyMiddleware
from shared.http.observability import CorrelationMiddleware, configure_logging
from shared.http.openapi_document import install_openapi
from shared.http.problems import install_problem_handlers
from shared.http.unavailable import DependencyUnavailable


def create_webhooks_app(
    runtime: WebhooksRuntime, routers: list[APIRouter], description: str
) -> FastAPI:
    configure_logging(runtime.service, runtime.settings.log_level)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(
        title="Mentoring webhooks API", version="1.0.0", description=description, lifespan=lifespan
    )
    app.state.runtime = runtime
    install_problem_handlers(app)
    app.add_middleware(
        IdempotencyMiddleware, settings=runtime.settings, pool_of=lambda: runtime.pool
    )
    app.add_middleware(DependencyUnavailable)
    app.add_middleware(HeaderGuard)
    app.add_middleware(
        CorrelationMiddleware, service=runtime.service, request_log=runtime.settings.request_log
    )
    app.add_middleware(BodySizeLimit, max_bytes=runtime.settings.max_body_bytes)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        # Ready means able to serve: the database answers (deliveries wait in it).
        checks = await runtime.readiness()
        ready = checks.get("database") == "ok"
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    @app.get("/metrics", include_in_schema=False)
    async def metrics(principal: CurrentPrincipal) -> Response:
        require_roles(principal, "dashboard", "operator")
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    for router in routers:
        app.include_router(router)
    install_openapi(app)  # what partners generate clients from, as for the other services
    return app
