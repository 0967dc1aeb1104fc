"""GET /v1/streams/events: every public event as Server-Sent Events, filtered and
scoped to the caller's organization, resumable with Last-Event-ID."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import StringConstraints

from shared.http.route_deps import Pool
from services.insights.api.access import FanOutDep, Reader, StreamOptionsDep, scoped_organization
from services.insights.api.query_checks import last_event_id, only_known_parameters, rfc_3339
from services.insights.event_stream import event_stream
from services.insights.stream_filter import StreamFilter
from services.insights.stream_position import StreamPosition

router = APIRouter(prefix="/v1/streams", tags=["streams"])
EventType = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]{1,200}$")]
Organization = Annotated[str, StringConstraints(pattern=r"^[\w.\-]{1,200}$")]
PARAMETERS = {"program", "relationship", "type", "organization", "since"}


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "CloudEvents as SSE"}},
)
async def stream_events(
    request: Request,
    principal: Reader,
    pool: Pool,
    fan_out: FanOutDep,
    options: StreamOptionsDep,
    program: UUID | None = None,
    relationship: UUID | None = None,
    event_types: Annotated[list[EventType], Query(alias="type", max_length=20)] = [],  # noqa: B006
    organization: Organization | None = None,
    since: str | None = None,
) -> StreamingResponse:
    """`type` repeats; one ending in "." is a prefix (`mentoring.sessions.`). `since` (RFC
    3339) starts from history; `Last-Event-ID` resumes after the event it names; without
    either the stream starts at the present."""
    only_known_parameters(request, PARAMETERS)
    wanted = StreamFilter(
        organization=scoped_organization(principal, organization),
        program=str(program) if program else None,
        relationship=str(relationship) if relationship else None,
        types=tuple(event_types),
        since=rfc_3339("query.since", since),
    )
    start = last_event_id(request)
    if start is None and wanted.since is not None:
        start = StreamPosition()  # from the beginning of the log, filtered by time
    return StreamingResponse(
        event_stream(pool, fan_out, wanted, start, options),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
