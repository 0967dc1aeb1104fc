"""The shapes intake's API accepts; pydantic names every bad field and why.

The public contracts (shared/contracts/vocabulary.py) say what an event carries and
stay lenient, so facts recorded before a rule existed still load and publish. What
a partner sends now is held to more: the `*Input` twins below narrow each text field
to storable text (shared/http/validated.py), time zones to real ones, and the
matching weights to the factors the scoring knows, in a range it can add up.
"""

from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, model_validator

from shared.contracts.vocabulary import (
    FACTORS,
    Factor,
    Expertise,
    Format,
    Goal,
    GroundRulesTemplate,
    MatchableProfile,
    MatchingPolicy,
    MeetingMode,
    Preferences,
    ProgramTerms,
    Topic,
)
from shared.http.validated import Text, TimeZoneName, storable

TopicInput = Annotated[Topic, AfterValidator(storable)]
# Relative weights: 0 turns a factor off; the bound keeps their sum finite.
Weight = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExpertiseInput(Expertise):
    topic: TopicInput


class GoalInput(Goal):
    topic: TopicInput
    outcome: Text = Field(min_length=1, max_length=500)


class PreferencesInput(Preferences):
    must_have: list[Text] = Field(default_factory=list, max_length=20)
    avoid: list[Text] = Field(default_factory=list, max_length=20)


class ProfileInput(MatchableProfile):
    # Narrowed on purpose, as pydantic allows: an input's topics are checked as storable.
    offers: list[ExpertiseInput] = Field(default_factory=list, max_length=30)  # type: ignore[assignment]
    wants: list[TopicInput] = Field(default_factory=list, max_length=30)
    organization: Text = Field(min_length=1, max_length=120)
    department: Text = Field(default="", max_length=120)
    location: Text = Field(default="", max_length=120)
    time_zone: TimeZoneName = Field(description="IANA name, e.g. Europe/Paris")


_RULES = GroundRulesTemplate()


class GroundRulesInput(GroundRulesTemplate):
    confidentiality: Text = _RULES.confidentiality
    positive_tone: Text = _RULES.positive_tone
    no_wasted_time: Text = _RULES.no_wasted_time
    feedback: Text = _RULES.feedback


class MatchingPolicyInput(MatchingPolicy):
    # Narrowed on purpose, as pydantic allows: an input names only known factors (and the
    # defaults it starts from are those factors' weights).
    weights: dict[Factor, Weight] = Field(  # type: ignore[assignment]
        default_factory=lambda: MatchingPolicy().weights,  # type: ignore[arg-type]
        description=f"relative weight per factor, 0 to 100; factors: {', '.join(FACTORS)}")


class ProgramSettings(ProgramTerms):
    model_config = ConfigDict(extra="forbid")
    name: Text = Field(min_length=1, max_length=200)
    organizations: list[Text] = Field(min_length=1, description="partner organizations taking part")
    ground_rules: GroundRulesInput = Field(default_factory=GroundRulesInput)
    matching_policy: MatchingPolicyInput = Field(default_factory=MatchingPolicyInput)
    description: Text = Field(default="", max_length=4000)


class Enrolment(Body):
    program_id: UUID
    name: Text = Field(min_length=1, max_length=200, description="personal: sealed at rest, never on Kafka")
    contact_email: EmailStr = Field(description="personal: sealed at rest, never on Kafka")
    consent_given: bool = Field(description="consent to processing; must be true")
    profile: ProfileInput


class ProfileUpdate(Body):
    profile: ProfileInput


class NewRequest(Body):
    program_id: UUID
    mentee_id: UUID
    co_mentee_id: UUID | None = None
    co_mentee_ids: list[UUID] = Field(default_factory=list, max_length=7, description=(
        "group format: the other mentees (1 to 7) who share the mentor with mentee_id"))
    format: Format = "one_to_one"
    goals: list[GoalInput] = Field(min_length=1, max_length=5)
    meeting_modes: list[MeetingMode] = Field(min_length=1)
    preferences: PreferencesInput = Field(default_factory=PreferencesInput)
    named_mentor_id: UUID | None = None
    personal_message: Text | None = Field(default=None, max_length=2000,
                                          description="to the named mentor; sealed, never on Kafka")

    @model_validator(mode="after")
    def message_needs_a_named_mentor(self) -> "NewRequest":
        if self.personal_message and not self.named_mentor_id:
            raise ValueError("personal_message is for a named mentor: set named_mentor_id too")
        return self


class RequestUpdate(Body):
    goals: list[GoalInput] = Field(min_length=1, max_length=5)
    meeting_modes: list[MeetingMode] = Field(min_length=1)
    preferences: PreferencesInput = Field(default_factory=PreferencesInput)
