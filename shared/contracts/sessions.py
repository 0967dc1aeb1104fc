"""Events sessions publishes on `mentoring.sessions.v1`. Facts only: never note
text, reflections, comments or anything sealed."""

from datetime import date, datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from shared.contracts.base import EventContract
from shared.contracts.vocabulary import Format, Goal, Value


class SessionsEvent(EventContract):
    service: ClassVar[str] = "sessions"
    abstract: ClassVar[bool] = True
    relationship_id: UUID
    program_id: UUID


class Party(Value):
    participant_id: UUID
    role: Literal["mentor", "mentee", "both"]
    organization_id: str | None = None


class RelationshipStarted(SessionsEvent):
    organization_id: str
    format: Format
    parties: list[Party]
    goals: list[Goal]


class AgreementProposed(SessionsEvent):
    agreement_version: int
    proposed_by: UUID
    end_date: date | None = None
    cadence_days: int | None = None
    meeting_mode: str | None = None


class AgreementSigned(SessionsEvent):
    agreement_version: int
    signed_by: UUID


class AgreementInEffect(SessionsEvent):
    agreement_version: int


class GroundRuleAdded(SessionsEvent):
    added_by: UUID


class GroundRulesAcknowledged(SessionsEvent):
    acknowledged_by: UUID


class RelationshipActivated(SessionsEvent):
    activated_at: datetime


class SessionScheduled(SessionsEvent):
    session_id: UUID
    starts_at: datetime
    minutes: int
    mode: str


class SessionRescheduled(SessionsEvent):
    session_id: UUID
    starts_at: datetime


class SessionCancelled(SessionsEvent):
    session_id: UUID
    cancelled_by: UUID
    notice_hours: float
    late: bool = Field(description="less notice than the ground rules ask for")


class SessionHeld(SessionsEvent):
    session_id: UUID
    minutes: int
    goals_touched: list[int]
    learners: list[UUID] = Field(default_factory=list, description="the people who recorded learning something")
    learned: dict[str, list[str]] = Field(default_factory=dict, description=(
        "always empty since learners: what each person learned is in their own words and stays in sessions"))
    absent: list[UUID] = Field(default_factory=list, description=(
        "who did not come (a group's members, say); everyone else in the relationship attended"))


class SessionMissed(SessionsEvent):
    session_id: UUID
    missed_by: list[UUID]


class SessionReminderDue(SessionsEvent):
    session_id: UUID
    starts_at: datetime


class CheckInRecorded(SessionsEvent):
    by: UUID
    fit: int = Field(ge=1, le=5)
    progress: int = Field(ge=1, le=5)


class PairingFitReported(SessionsEvent):
    by: UUID
    answer: Literal["good_fit", "still_deciding", "not_a_good_fit"]


class MenteeLeftGroup(SessionsEvent):
    """A group's mentee left (withdrew from the program or was erased) while other mentees
    remain: the relationship goes on without them, and their seat is free."""

    participant_id: UUID
    reason: str


class RelationshipPaused(SessionsEvent):
    by: UUID


class RelationshipResumed(SessionsEvent):
    by: UUID


class RelationshipStalled(SessionsEvent):
    quiet_since: datetime


class RelationshipClosed(SessionsEvent):
    outcome: Literal["completed", "ended_early", "no_fit"]
    closed_by: UUID | None = None


class GoalOutcomesRecorded(SessionsEvent):
    by: UUID
    goal_outcomes: dict[str, Literal["met", "partly", "not_met"]]


class PayItForwardOffered(SessionsEvent):
    participant_id: UUID
    organization_id: str


class RematchRequested(SessionsEvent):
    mentee_id: UUID
    excluded_mentor_id: UUID
