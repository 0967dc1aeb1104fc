"""The problem answers an operation can give, as OpenAPI declares them.

One model for every refusal (shared/http/problems.py builds them), served as
`application/problem+json`; `problem_responses(...)` is the `responses=` dict a
router or route passes to FastAPI, so each operation lists the statuses it can answer.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.http.problems import PROBLEM_BASE, PROBLEM_CONTENT_TYPE

PROBLEM_SCHEMA_REF = "#/components/schemas/ProblemDetails"
WHEN = {
    400: "The request is malformed (e.g. an Authorization header that is not text)",
    401: "No bearer token, or one that is invalid or expired",
    403: "The token's roles do not allow this",
    404: "Not found, or not visible to the caller's organization",
    409: "Conflicts with the resource's state (`type` says which rule), a concurrent write, "
         "or a request with this Idempotency-Key still in progress",
    412: "If-Match names a version that is no longer current",
    413: "The body is over the size limit",
    422: "A field is invalid: `errors` names each one",
    428: "If-Match is required here",
    503: "A dependency (the database) is unavailable; retry after Retry-After with the same Idempotency-Key",
}
HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"description": "the scheme to authenticate with: Bearer",
                               "schema": {"type": "string"}}},
    503: {"Retry-After": {"description": "seconds to wait before retrying",
                          "schema": {"type": "integer", "minimum": 0}}},
}


class FieldError(BaseModel):
    field: str = Field(description="the JSON path of the bad input, e.g. body.goals.0.topic")
    reason: str


class ProblemDetails(BaseModel):
    """RFC 9457 problem details, with the fields this API adds."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "type": f"{PROBLEM_BASE}validation-failed", "title": "Invalid request", "status": 422,
        "detail": "body.goals: List should have at least 1 item after validation, not 0",
        "instance": "/v1/requests",
        "errors": [{"field": "body.goals", "reason": "List should have at least 1 item after validation, not 0"}],
    }]})
    type: str = Field(description=f"stable per kind of problem, under {PROBLEM_BASE}")
    title: str
    status: int
    detail: str
    instance: str | None = Field(default=None, description="the request's path")
    errors: list[FieldError] | None = Field(default=None, description="each invalid field, on a 422")
    correlation_id: str | None = Field(default=None, description="on a 500: quote it when reporting")


def problem_response_doc(status: int) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "description": WHEN.get(status, "problem"),
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": PROBLEM_SCHEMA_REF}}},
    }
    if status in HEADERS:
        entry["headers"] = HEADERS[status]
    return entry


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entries saying these statuses answer with a ProblemDetails."""
    return {status: problem_response_doc(status) for status in statuses}
