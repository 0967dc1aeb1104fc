"""Structured JSON logs with correlation ids, and request timing."""

import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from shared.metrics import REQUESTS
from shared.tracing import Trace, current_trace, new_correlation_id

STANDARD_RECORD_FIELDS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        trace = current_trace.get()
        if trace is not None:
            entry["correlation_id"] = trace.correlation_id
        entry.update({k: v for k, v in vars(record).items() if k not in STANDARD_RECORD_FIELDS})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(service: str, level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Access logs would repeat what the metrics and our own request log say.
    logging.getLogger("uvicorn.access").disabled = True


class CorrelationMiddleware:
    """Takes X-Correlation-ID (or makes one), echoes it, and times the request."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        correlation = headers.get(b"x-correlation-id", b"").decode()[:100] or new_correlation_id()
        traceparent = headers.get(b"traceparent", b"").decode()[:100] or None
        current_trace.set(Trace(correlation_id=correlation, traceparent=traceparent))
        started = time.perf_counter()
        status = {"code": 500}

        async def send_with_id(message: Any) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", []).append((b"x-correlation-id", correlation.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            REQUESTS.labels(self.service, scope["method"], path, str(status["code"])).observe(
                time.perf_counter() - started
            )
