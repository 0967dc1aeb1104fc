"""What partners send and get back at /v1/webhooks."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.http.validated import Text

EventType = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]{1,200}$")]


class EndpointRegistration(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Annotated[str, StringConstraints(min_length=1, max_length=2000)] = Field(
        description="https to a public host (http://127.0.0.1 too in development)",
        examples=["https://hooks.acme.example/mentoring"],
    )
    types: list[EventType] = Field(
        default_factory=list,
        max_length=50,
        description='event types wanted; one ending in "." is a prefix; none means every type',
        examples=[["mentoring.matching.MatchConfirmed.v1", "mentoring.sessions."]],
    )
    description: Annotated[Text, Field(max_length=500)] = ""


class Endpoint(BaseModel):
    id: UUID
    organization: str
    url: str
    types: list[str]
    description: str
    enabled: bool
    disabled_reason: str | None = Field(description="why it was disabled, when it is")
    created_at: datetime


class EndpointWithSecret(Endpoint):
    secret: str = Field(description="whsec_ + base64; shown only in this answer")


class NewSecret(BaseModel):
    secret: str = Field(description="the new secret; the previous one signs alongside it for 24 h")


class Delivery(BaseModel):
    id: UUID
    event_id: str
    event_type: str
    subject: str = Field(description="what deliveries are ordered by: the relationship id")
    status: Literal["pending", "in_flight", "delivered", "failed"]
    attempts: int
    last_status: int | None = Field(description="the HTTP status of the last attempt")
    last_error: str | None
    last_latency_ms: float | None
    next_attempt_at: datetime
    created_at: datetime
    delivered_at: datetime | None
