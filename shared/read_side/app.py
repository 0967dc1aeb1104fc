"""A read-side service's FastAPI app: the frame every service has (shared/http/app_frame.py)
without what only an event store needs (operator endpoints over it); idempotency keys
only where the service writes."""

from collections.abc import Callable

from fastapi import APIRouter, FastAPI

from shared.http.app_frame import database_answers, framed_app
from shared.read_side.runtime import ReadSideRuntime


def create_read_side_app(
    runtime: ReadSideRuntime,
    routers: list[APIRouter],
    description: str,
    *,
    idempotent_writes: bool = False,
    own_metrics: Callable[[], bytes] | None = None,
) -> FastAPI:
    app = framed_app(
        runtime,
        runtime.service,
        description,
        # Ready means able to serve: the database answers (what it serves catches up
        # from there, and what it sends waits there).
        ready=database_answers,
        idempotency_keys=idempotent_writes,
        own_metrics=own_metrics,
    )
    for router in routers:
        app.include_router(router)
    return app
