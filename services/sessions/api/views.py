"""The shapes sessions' API answers with, as models (documented, not used to build
the answers: see shared/http/responses.py)."""

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.sessions import Party
from shared.contracts.vocabulary import Goal
from shared.http.responses import Page

Status = Literal["forming", "active", "paused", "closed"]


class View(BaseModel):
    model_config = ConfigDict(extra="allow")


class AgreementVersion(View):
    version: int
    terms: dict[str, Any] = Field(description="goals by person, end_date, cadence_days, logistics")
    proposed_by: str
    signed_by: list[str]


class SessionView(View):
    starts_at: datetime
    minutes: int
    mode: str
    agenda: str
    state: str = Field(description="scheduled, held, missed or cancelled")
    reminded: bool


class CheckInView(View):
    by: str
    fit: int
    progress: int


class RelationshipView(View):
    id: UUID = Field(description="the request id it grew from")
    program_id: UUID
    organization_id: str
    format: str
    parties: list[Party]
    goals: list[Goal]
    status: Status
    cadence_days: int
    end_date: date
    agreement_in_force: int | None
    agreements: list[AgreementVersion]
    ground_rules: dict[str, Any] = Field(description="the program's template and the pair's own (`added`)")
    ground_rules_acknowledged_by: list[str]
    missing_for_activation: list[str] = Field(description="what is still needed, while forming")
    sessions: dict[str, SessionView] = Field(description="by session id")
    check_ins: list[CheckInView]
    pairing_fit: dict[str, str] = Field(description="each person's answer, by participant id")
    outcome: str | None
    goal_outcomes: dict[str, dict[str, str]]
    paid_forward_by: list[str]
    version: int
    next_timer_at: datetime | None


class RelationshipPage(Page[RelationshipView]):
    pass


class TimelineEntry(View):
    at: datetime
    source: Literal["intake", "matching", "sessions"]
    fact: str = Field(description="the event's name, e.g. MatchConfirmed")
    attributes: dict[str, Any] = Field(description="its public facts")
    private: str | None = Field(default=None, description="the reader's own text (note, comment, reflection)")
    private_erased: bool | None = Field(default=None, description="true when the reader's key was erased")


class StateSummary(View):
    status: Status
    agreement_in_force: int | None
    agreements: list[dict[str, Any]]
    ground_rules_acknowledged_by: list[str]
    sessions_held: int
    sessions_scheduled: int
    outcome: str | None
    version: int


class Timeline(View):
    relationship_id: UUID
    as_of: datetime | None
    state: StateSummary | None = Field(description="null before the relationship started")
    entries: list[TimelineEntry]
