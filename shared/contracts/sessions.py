"""Events sessions publishes on `mentoring.sessions.v1`. Facts only: never note
text, reflections or comments."""

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from shared.contracts.base import EventContract


class SessionsEvent(EventContract):
    service: ClassVar[str] = "sessions"
    abstract: ClassVar[bool] = True


class RelationshipFact(SessionsEvent):
    """A public fact about one relationship, named by the domain event it mirrors.

    Sessions has many small lifecycle events; each is published with this shape:
    the event's name, who acted, when, and its public attributes only.
    """

    relationship_id: UUID
    program_id: UUID
    fact: str = Field(description="e.g. AgreementSigned, SessionHeld, RelationshipClosed")
    actor_id: UUID | None = None
    occurred_at: datetime
    attributes: dict[str, object] = Field(default_factory=dict)


class PayItForwardOffered(SessionsEvent):
    relationship_id: UUID
    program_id: UUID
    participant_id: UUID
    organization_id: str


class RematchRequested(SessionsEvent):
    """A pair reported 'not a good fit' and ended; the mentee wants another match."""

    relationship_id: UUID
    program_id: UUID
    mentee_id: UUID
    excluded_mentor_id: UUID
