"""503 while the database (or another dependency) is away, instead of a 500.

A write interrupted this way did not commit: the event store saves in one
transaction, and an idempotency claim that was taken is released by its lease, so
the client retries with the same key after `Retry-After` and gets one effect."""

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.http.problems import problem_response
from shared.transient import is_transient

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 2


class DependencyUnavailable:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:
            if started or not is_transient(error):
                raise
            log.warning("dependency unavailable", extra={"error": repr(error), "path": scope.get("path")})
            response = problem_response(503, "service-unavailable",
                                        "a dependency is unavailable; retry with the same Idempotency-Key",
                                        scope.get("path"))
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            await response(scope, receive, send)
