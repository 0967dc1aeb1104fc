"""Boundary checks FastAPI's own validation does not make: unknown query parameters
(a misspelt filter would otherwise show everything), RFC 3339 times with an offset,
and the Last-Event-ID header; each answers 422 naming the field."""

import re
from datetime import datetime

from fastapi import Request

from shared.http.problems import Problem
from services.insights.stream_position import InvalidPosition, StreamPosition

RFC_3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$"
)


def invalid(field: str, reason: str) -> Problem:
    return Problem(
        422, "validation-failed", f"{field}: {reason}", errors=[{"field": field, "reason": reason}]
    )


def only_known_parameters(request: Request, known: set[str]) -> None:
    for name in request.query_params:
        if name not in known:
            raise invalid(f"query.{name}", f"unknown parameter; known: {', '.join(sorted(known))}")


def rfc_3339(field: str, text: str | None) -> datetime | None:
    if text is None:
        return None
    if not RFC_3339.match(text):
        raise invalid(field, "an RFC 3339 time with an offset, e.g. 2027-03-01T12:00:00+00:00")
    try:
        return datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError as error:
        raise invalid(field, f"not a time: {error}") from error


def last_event_id(request: Request) -> StreamPosition | None:
    text = request.headers.get("last-event-id")
    if text is None:
        return None
    try:
        return StreamPosition.decode(text)
    except InvalidPosition as error:
        raise invalid("header.Last-Event-ID", f"not an id this stream sent: {error}") from error
