"""Structured JSON logs with correlation ids, and request timing."""

import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from shared.http.problems import internal_error_response, send_response
from shared.metrics import REQUESTS
from shared.telemetry import request_traceparent
from shared.tracing import Trace, current_trace, new_correlation_id

request_log = logging.getLogger("mentoring.requests")
STANDARD_RECORD_FIELDS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
MAX_ID_LENGTH = 100
logger = logging.getLogger("shared.http")


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
    # The server's own lines (startup, and tracebacks of errors it catches) go into the
    # same JSON log instead of its plain-text handler. `uvicorn module:app` sets up its
    # logging before importing the app, so this runs after and holds.
    server = logging.getLogger("uvicorn")
    server.handlers[:] = []
    server.propagate = True


def header_text(headers: dict[bytes, bytes], name: bytes) -> str | None:
    """A header's value when it is printable ASCII, cut to a sane length; None when it
    is absent or bytes that are not text (they are ignored, not fatal)."""
    raw = headers.get(name, b"")[:MAX_ID_LENGTH]
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return None
    return text if text and text.isprintable() else None


class CorrelationMiddleware:
    """Takes X-Correlation-ID (or makes one), echoes it, and times the request.

    It is also the last catch for errors: an unexpected one is logged, traceback and
    correlation id in one JSON line, and answered as a 500 problem carrying the id.
    """

    def __init__(self, app: ASGIApp, service: str, request_log: bool = True) -> None:
        self.app = app
        self.service = service
        self.request_log = request_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        correlation = header_text(headers, b"x-correlation-id") or new_correlation_id()
        # FastAPI records the request's server span itself (from the caller's traceparent)
        # when tracing is on: what this request writes carries that span on.
        traceparent = request_traceparent() or header_text(headers, b"traceparent")
        current_trace.set(Trace(correlation_id=correlation, traceparent=traceparent))
        started = time.perf_counter()
        status = {"code": 500, "sent": False}

        async def send_with_id(message: Any) -> None:
            if message["type"] == "http.response.start":
                status["code"], status["sent"] = message["status"], True
                message.setdefault("headers", []).append((b"x-correlation-id", correlation.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("unexpected error", extra={"method": scope["method"], "path": scope["path"]})
            if status["sent"]:
                raise  # too late to answer; the server closes the connection
            await send_response(send_with_id, internal_error_response(scope["path"]))
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            elapsed = time.perf_counter() - started
            REQUESTS.labels(self.service, scope["method"], path, str(status["code"])).observe(elapsed)
            if self.request_log:
                # The route template, not the path: ids stay out of the log's cardinality.
                request_log.info("request", extra={"method": scope["method"], "route": path,
                                                   "status": status["code"], "ms": round(elapsed * 1000, 1)})
