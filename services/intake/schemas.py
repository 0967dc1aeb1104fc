"""The shapes intake's API accepts; pydantic names every bad field and why."""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from shared.contracts.vocabulary import Format, Goal, MatchableProfile, MeetingMode, Preferences, ProgramTerms


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProgramSettings(ProgramTerms):
    model_config = ConfigDict(extra="forbid")
    description: str = Field(default="", max_length=4000)


class Enrolment(Body):
    program_id: UUID
    name: str = Field(min_length=1, max_length=200, description="personal: sealed at rest, never on Kafka")
    contact_email: EmailStr = Field(description="personal: sealed at rest, never on Kafka")
    consent_given: bool = Field(description="consent to processing; must be true")
    profile: MatchableProfile


class ProfileUpdate(Body):
    profile: MatchableProfile


class NewRequest(Body):
    program_id: UUID
    mentee_id: UUID
    co_mentee_id: UUID | None = None
    format: Format = "one_to_one"
    goals: list[Goal] = Field(min_length=1, max_length=5)
    meeting_modes: list[MeetingMode] = Field(min_length=1)
    preferences: Preferences = Field(default_factory=Preferences)
    named_mentor_id: UUID | None = None
    personal_message: str | None = Field(default=None, max_length=2000,
                                         description="to the named mentor; sealed, never on Kafka")

    @model_validator(mode="after")
    def message_needs_a_named_mentor(self) -> "NewRequest":
        if self.personal_message and not self.named_mentor_id:
            raise ValueError("personal_message is for a named mentor: set named_mentor_id too")
        return self


class RequestUpdate(Body):
    goals: list[Goal] = Field(min_length=1, max_length=5)
    meeting_modes: list[MeetingMode] = Field(min_length=1)
    preferences: Preferences = Field(default_factory=Preferences)


class Listing(BaseModel):
    items: list[dict]
    next_cursor: str | None


class RequestCreated(BaseModel):
    id: UUID
    status: str
    requested_at: datetime
