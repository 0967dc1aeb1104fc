"""The shapes intake's API answers with: the views in documents.py, as models.

They document what the routes return (response_model) and are not used to build it,
so they stay loose where the stored state is (older facts load as they were).
"""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from shared.contracts.vocabulary import Format, Goal, MatchableProfile, MeetingMode, Preferences, ProgramTerms
from shared.http.responses import Page


class View(BaseModel):
    model_config = ConfigDict(extra="allow")


class ProgramView(ProgramTerms):
    model_config = ConfigDict(extra="allow", frozen=False)
    id: UUID
    status: str = Field(description="open, paused or closed")
    policy_version: int = Field(description="bumped by each change of the settings")
    version: int = Field(description="the ETag's number")
    description: str = ""


class Personal(View):
    name: str
    contact_email: EmailStr


class ParticipantView(View):
    id: UUID
    program_id: UUID
    organization_id: str
    status: str = Field(description="active, paused or withdrawn")
    erased: bool
    profile_version: int
    profile: MatchableProfile
    open_requests: list[UUID]
    pending_mentor_offer: UUID | None = Field(description="the relationship a pay-it-forward offer came from")
    version: int


class ParticipantWithPersonalData(ParticipantView):
    personal: Personal | None = Field(
        default=None, description="only on a read by someone acting for the person; absent once erased")


class RequestView(View):
    id: UUID
    program_id: UUID
    organization_id: str
    mentee_id: UUID
    co_mentee_id: UUID | None
    format: Format
    goals: list[Goal]
    meeting_modes: list[MeetingMode]
    preferences: Preferences
    named_mentor_id: UUID | None
    has_personal_message: bool
    requested_at: datetime
    status: str = Field(description="pending, matched, withdrawn or closed")
    version: int


class ProgramPage(Page[ProgramView]):
    pass


class ParticipantPage(Page[ParticipantView]):
    pass


class RequestPage(Page[RequestView]):
    pass
