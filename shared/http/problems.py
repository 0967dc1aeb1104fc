"""RFC 9457 problem details: every error a client sees has this one shape."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Send

from shared.errors import DomainError
from shared.tracing import current_trace

PROBLEM_BASE = "https://mentoring.example/problems/"
PROBLEM_CONTENT_TYPE = "application/problem+json"
# RFC 9110 requires a 401 to name the scheme; RFC 6750 says how for bearer tokens.
WWW_AUTHENTICATE = 'Bearer realm="mentoring"'


class Problem(Exception):
    """An HTTP-level refusal (precondition, conflict, size) raised by plumbing code."""

    def __init__(self, status: int, kind: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.kind = kind
        self.detail = detail
        self.extra = extra


TITLES = {
    400: "Bad request", 401: "Not authenticated", 403: "Forbidden", 404: "Not found",
    409: "Conflict", 412: "Precondition failed", 413: "Payload too large",
    415: "Unsupported media type", 422: "Invalid request", 428: "Precondition required",
    500: "Internal error",
}


RETRY_AFTER_SECONDS = 5


def problem_response(status: int, kind: str, detail: str, instance: str | None = None, **extra: Any) -> JSONResponse:
    body = {"type": PROBLEM_BASE + kind, "title": TITLES.get(status, "Error"), "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    headers = {"WWW-Authenticate": WWW_AUTHENTICATE} if status == 401 else None
    if status == 503:  # every 503 we send is a moment's absence: say when to come back
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_CONTENT_TYPE, headers=headers)


def invalid_fields(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Names each bad field by its JSON path (body.goals.0.topic) and says why."""
    fields = []
    for error in errors:
        location = ".".join(str(part) for part in error.get("loc", ()))
        fields.append({"field": location, "reason": error.get("msg", "invalid")})
    return fields


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> JSONResponse:
        return problem_response(error.status, error.kind, error.detail, request.url.path)

    @app.exception_handler(Problem)
    async def plumbing_problem(request: Request, error: Problem) -> JSONResponse:
        return problem_response(error.status, error.kind, error.detail, request.url.path, **error.extra)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = invalid_fields(list(error.errors()))
        summary = "; ".join(f"{f['field']}: {f['reason']}" for f in fields)
        return problem_response(422, "validation-failed", summary, request.url.path, errors=fields)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        kind = {404: "not-found", 405: "method-not-allowed", 401: "not-authenticated"}.get(
            error.status_code, "http-error")
        return problem_response(error.status_code, kind, str(error.detail), request.url.path)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        # Reached only for errors outside the correlation middleware, which answers and
        # logs the others itself; the server logs this one, through the JSON log.
        response = internal_error_response(request.url.path)
        trace = current_trace.get()
        if trace is not None:
            response.headers["x-correlation-id"] = trace.correlation_id
        return response


def internal_error_response(instance: str | None = None) -> JSONResponse:
    """A 500 says nothing of its cause but names the request, so that a caller's
    report leads to the log line with the traceback."""
    trace = current_trace.get()
    extra = {"correlation_id": trace.correlation_id} if trace is not None else {}
    return problem_response(500, "internal-error", "an unexpected error occurred", instance, **extra)


async def send_problem(send: Send, status: int, kind: str, detail: str, **extra: Any) -> None:
    """The same problem, answered from ASGI middleware that runs outside FastAPI's handlers."""
    await send_response(send, problem_response(status, kind, detail, **extra))


async def send_response(send: Send, response: JSONResponse) -> None:
    await send({"type": "http.response.start", "status": response.status_code, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})
