"""Events intake publishes on `mentoring.intake.v1`. No contact data, no free text
beyond goal outcomes (which both parties and matching must read)."""

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from shared.contracts.base import EventContract
from shared.contracts.vocabulary import (
    Format,
    Goal,
    MatchableProfile,
    MeetingMode,
    Preferences,
    ProgramTerms,
)


class IntakeEvent(EventContract):
    service: ClassVar[str] = "intake"
    abstract: ClassVar[bool] = True


class ProgramOpened(IntakeEvent):
    program_id: UUID
    terms: ProgramTerms


class ProgramChanged(IntakeEvent):
    program_id: UUID
    status: Literal["open", "paused", "closed"]
    policy_version: int
    terms: ProgramTerms


class ParticipantEnrolled(IntakeEvent):
    participant_id: UUID
    program_id: UUID
    organization_id: str = Field(description="the partner organization (tenant)")
    profile_version: int
    profile: MatchableProfile


class ParticipantProfileUpdated(IntakeEvent):
    participant_id: UUID
    program_id: UUID
    profile_version: int
    profile: MatchableProfile


class ParticipantAvailabilityChanged(IntakeEvent):
    participant_id: UUID
    program_id: UUID
    available: bool


class ParticipantWithdrew(IntakeEvent):
    participant_id: UUID
    program_id: UUID


class ParticipantErased(IntakeEvent):
    participant_id: UUID
    program_id: UUID


class MentorshipRequested(IntakeEvent):
    request_id: UUID = Field(description="also the relationship id, for the whole lifecycle")
    program_id: UUID
    organization_id: str
    mentee_id: UUID
    co_mentee_id: UUID | None = None
    co_mentee_ids: list[UUID] = Field(default_factory=list, max_length=7, description=(
        "a group request's other mentees (the requester is mentee_id); empty for other formats "
        "and absent from requests made before groups existed"))
    format: Format
    goals: list[Goal] = Field(min_length=1, max_length=5)
    meeting_modes: list[MeetingMode]
    preferences: Preferences
    named_mentor_id: UUID | None = None
    requested_at: datetime


class MentorshipRequestUpdated(IntakeEvent):
    request_id: UUID
    program_id: UUID
    goals: list[Goal]
    meeting_modes: list[MeetingMode]
    preferences: Preferences


class MentorshipRequestWithdrawn(IntakeEvent):
    request_id: UUID
    program_id: UUID


class MentorEnrolmentPending(IntakeEvent):
    """A finished mentee offered to pay it forward; awaiting confirmation."""

    participant_id: UUID
    program_id: UUID
    relationship_id: UUID
