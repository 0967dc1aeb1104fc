"""The frame every service's FastAPI app is built in, writing (shared/http/service_app.py)
or read side (shared/read_side/app.py): logging and tracing, the runtime started and
stopped with the app, problem+json errors, the middleware stack, /healthz, /readyz and
/metrics. A factory adds its routes and says only what differs: readiness, idempotency
keys, what a scrape adds."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Protocol

import asyncpg
from fastapi import FastAPI
from fastapi.datastructures import Default
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.utils import generate_unique_id
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shared.http.auth import CurrentPrincipal, require_roles
from shared.http.body_limit import BodySizeLimit
from shared.http.header_guard import HeaderGuard
from shared.http.idempotency import IdempotencyMiddleware
from shared.http.observability import CorrelationMiddleware, configure_logging
from shared.http.problems import install_problem_handlers
from shared.http.unavailable import DependencyUnavailable
from shared.settings import Settings
from shared.telemetry import configure_tracing

Checks = dict[str, Any]
# FastAPI's own default, marked as one, so an app that names no operation ids is built as before.
FASTAPI_OPERATION_IDS: Callable[[APIRoute], str] = Default(generate_unique_id)


class FramedRuntime(Protocol):
    """What the frame needs of a runtime (shared/runtime.py, shared/read_side/runtime.py)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def pool(self) -> asyncpg.Pool | None: ...  # exists only after start

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def readiness(self) -> Checks: ...


def database_answers(checks: Checks) -> bool:
    return checks.get("database") == "ok"


def framed_app(
    runtime: FramedRuntime,
    service: str,
    description: str,
    *,
    ready: Callable[[Checks], bool],
    idempotency_keys: bool,
    sample_gauges: Callable[[], Awaitable[None]] | None = None,
    own_metrics: Callable[[], bytes] | None = None,
    operation_id: Callable[[APIRoute], str] = FASTAPI_OPERATION_IDS,
) -> FastAPI:
    """The app with no routes of its own yet; `ready` judges runtime.readiness()'s checks,
    `sample_gauges` runs before a scrape, `own_metrics` is exposition added after it."""
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
    install_middleware(app, runtime, service, idempotency_keys)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        checks = await runtime.readiness()
        is_ready = ready(checks)
        return JSONResponse({"ready": is_ready, "checks": checks}, status_code=200 if is_ready else 503)

    @app.get("/metrics", include_in_schema=False)
    async def metrics(principal: CurrentPrincipal) -> Response:
        # Dashboards and operators only; /healthz and /readyz stay open for orchestrators.
        require_roles(principal, "dashboard", "operator")
        if sample_gauges is not None:
            await sample_gauges()
        return Response(generate_latest() + (own_metrics() if own_metrics else b""), media_type=CONTENT_TYPE_LATEST)

    return app


def install_middleware(app: FastAPI, runtime: FramedRuntime, service: str, idempotency_keys: bool) -> None:
    # Each add_middleware wraps what was added before it: the last added runs first.
    if idempotency_keys:
        app.add_middleware(IdempotencyMiddleware, settings=runtime.settings, pool_of=lambda: runtime.pool,
                           service=service)  # the label its outcomes are counted under
    app.add_middleware(DependencyUnavailable)  # inside the correlation middleware's catch-all 500
    app.add_middleware(HeaderGuard)  # outside idempotency, which reads both headers it guards
    app.add_middleware(CorrelationMiddleware, service=service, request_log=runtime.settings.request_log)
    app.add_middleware(BodySizeLimit, max_bytes=runtime.settings.max_body_bytes)
