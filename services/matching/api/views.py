"""The shapes matching's API answers with, as models (documented, not used to build
the answers: see shared/http/responses.py)."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.matching import Provenance
from shared.http.responses import Page

Side = Literal["mentee", "mentor"]


class View(BaseModel):
    model_config = ConfigDict(extra="allow")


class MatchView(View):
    id: UUID
    request_id: UUID = Field(description="the request, and the relationship id once confirmed")
    program_id: UUID
    mentee_id: UUID
    mentor_id: UUID
    status: Literal["proposed", "accepted_by_mentee", "accepted_by_mentor", "confirmed", "declined",
                    "expired", "cancelled"]
    score: float = Field(ge=0, le=100)
    explanation: str = Field(description="one sentence saying why this pair")
    provenance: Provenance
    accepted_by: list[Side]
    proposed_at: datetime
    expires_at: datetime
    reminded: bool
    attempt: int
    origin: Literal["on_demand", "matching_run", "direct_ask", "operator"]
    ended_reason: str | None
    decline_words: str | None = Field(default=None, description=(
        "the decliner's own words, shown to them only (sealed with their key; gone once they are erased)"))
    version: int


class MatchPage(Page[MatchView]):
    pass


class CapacityView(View):
    # Sent with the seats ledger's version as its ETag, though the body has no version.
    model_config = ConfigDict(extra="allow", json_schema_extra={"x-etag": True})
    mentor_id: UUID
    role: Literal["mentor", "mentee"] = Field(description="whose seats: as a mentor, or a mentee's own")
    capacity: int
    held: int
    free: int
    relationships: list[UUID] = Field(description="the relationships holding a seat")


class RunPair(View):
    request_id: UUID
    mentor_id: UUID
    score: float


class RunSummary(View):
    proposals: int
    matched_ratio: float
    mean_score: float
    min_score: float
    total_score: float
    blocking_pairs: int


class RunResult(View):
    objective: Literal["stable", "max_total_score"]
    dry_run: bool
    summary: RunSummary
    pairs: list[RunPair]
    groups: list[RunPair] = Field(default_factory=list, description=(
        "group requests placed first, one seat of their mentor each, before the pairs were searched"))
    run_id: UUID | None = Field(default=None, description="absent on a dry run, which writes nothing")
