"""Events matching publishes on `mentoring.matching.v1`."""

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from shared.contracts.base import EventContract
from shared.contracts.vocabulary import DeclineReason, Format, Goal, GroundRulesTemplate, Value


class MatchingEvent(EventContract):
    service: ClassVar[str] = "matching"
    abstract: ClassVar[bool] = True


class Provenance(Value):
    """Everything needed to reproduce a proposal from the same inputs."""

    factor_contributions: dict[str, float]
    mentee_profile_version: int
    mentor_profile_version: int
    policy_version: int
    algorithm: str
    seed: int


class MatchProposed(MatchingEvent):
    proposal_id: UUID
    request_id: UUID = Field(description="the relationship id")
    program_id: UUID
    mentee_id: UUID
    mentor_id: UUID
    score: float = Field(ge=0, le=100)
    explanation: str
    provenance: Provenance
    expires_at: datetime
    attempt: int
    origin: Literal["on_demand", "matching_run", "direct_ask", "operator"]
    co_mentee_ids: list[UUID] = Field(default_factory=list, description=(
        "a group proposal's other mentees, who each accept too; empty for other formats"))


class MatchAccepted(MatchingEvent):
    proposal_id: UUID
    request_id: UUID
    program_id: UUID
    by: Literal["mentee", "mentor"]
    participant_id: UUID | None = Field(default=None, description=(
        "who answered; in a group several mentees answer on the mentee side. Absent from events "
        "published before groups existed"))
    answered_for_by: str | None = Field(default=None, description=(
        "the partner or operator (their token's subject) who answered for the person; absent when they answered"))


class MatchDeclined(MatchingEvent):
    proposal_id: UUID
    request_id: UUID
    program_id: UUID
    by: Literal["mentee", "mentor"]
    participant_id: UUID | None = Field(default=None, description="who declined (see MatchAccepted)")
    answered_for_by: str | None = Field(default=None, description=(
        "the partner or operator (their token's subject) who answered for the person; absent when they answered"))
    reason_code: DeclineReason = Field(default="other", description="why, as a code the decliner chose")
    reason: str = Field(default="", max_length=500, description=(
        "always empty since reason_code: public events carry facts, never a person's words "
        "(the text stays in matching, shown to the people of the proposal)"))


class MatchExpired(MatchingEvent):
    proposal_id: UUID
    request_id: UUID
    program_id: UUID


class MatchExpiryReminderDue(MatchingEvent):
    proposal_id: UUID
    request_id: UUID
    program_id: UUID
    expires_at: datetime


class MatchCancelled(MatchingEvent):
    proposal_id: UUID
    request_id: UUID
    program_id: UUID
    reason: str
    after_confirmation: bool = Field(default=False, description=(
        "the match had been confirmed (the request was withdrawn meanwhile): a relationship it started "
        "ends with this reason; absent from events published before compensations existed"))


class GroupMentee(Value):
    participant_id: UUID
    organization_id: str


class MatchConfirmed(MatchingEvent):
    """Both people accepted: the relationship may start."""

    proposal_id: UUID
    request_id: UUID
    program_id: UUID
    organization_id: str
    mentor_organization_id: str | None = None
    mentee_id: UUID
    mentor_id: UUID
    co_mentee_id: UUID | None = None
    co_mentees: list[GroupMentee] = Field(default_factory=list, description=(
        "a group's other mentees, each of whom accepted; the relationship has every one as a party"))
    format: Format
    goals: list[Goal]
    cadence_days: int
    length_weeks: int
    ground_rules: GroundRulesTemplate


class RequestUnmatched(MatchingEvent):
    request_id: UUID
    program_id: UUID
    reason: str
    reason_code: str | None = Field(default=None, description=(
        "no-mentor-available (the program's waiting time passed), no-mentor-fits, no-pair-agreed, "
        "direct-ask-refused; absent from events published before codes existed"))


class MatchingRunCompleted(MatchingEvent):
    run_id: UUID
    program_id: UUID
    objective: Literal["stable", "max_total_score"]
    proposals: int
    matched_ratio: float
    mean_score: float
    min_score: float
    blocking_pairs: int
