"""Value shapes shared by several contracts (profiles, goals, logistics)."""

from datetime import time
from typing import Annotated, Literal, get_args
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StringConstraints, WithJsonSchema

Topic = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=80)]
Level = Literal["basic", "intermediate", "expert"]
Role = Literal["mentor", "mentee", "both"]
MeetingMode = Literal["in_person", "video", "phone", "chat"]
Format = Literal["one_to_one", "reciprocal", "peer", "group"]
# Why a proposal was declined, as a fact others may count; the decliner's words stay in matching.
DeclineReason = Literal["not_a_good_fit", "no_time", "topics", "schedule", "other"]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]


# Counts are StrictInt: JSON `true` is not 1. Facts stored earlier hold plain ints
# (what was accepted was stored as it was coerced), so they still load.


class Value(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expertise(Value):
    topic: Topic
    level: Level


# A wall-clock time in the person's own zone, so without an offset: JSON Schema's
# "time" format (RFC 3339 full-time) requires one, so the schema says it by pattern.
LocalTime = Annotated[time, WithJsonSchema({
    "type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$",
    "description": "local wall-clock time, HH:MM or HH:MM:SS, in the person's time zone"})]


class AvailabilityWindow(Value):
    """A weekly window in the participant's own time zone; weekday 0 is Monday."""

    weekday: StrictInt = Field(ge=0, le=6)
    start: LocalTime
    end: LocalTime


class Goal(Value):
    """One specific request: what to explore and the outcome wanted."""

    topic: Topic
    outcome: str = Field(min_length=1, max_length=500)


class Preferences(Value):
    """Attributes as `key:value`, keys: organization, department, participant,
    location, language, mode. `avoid` is a hard rule; `must_have` a strong wish."""

    must_have: list[str] = Field(default_factory=list, max_length=20)
    avoid: list[str] = Field(default_factory=list, max_length=20)


class MatchableProfile(Value):
    """What matching may know of a person: no contact data, no free text."""

    roles: Role
    offers: list[Expertise] = Field(default_factory=list, max_length=30)
    wants: list[Topic] = Field(default_factory=list, max_length=30)
    years_experience: StrictInt = Field(ge=0, le=70)
    career_stage: Literal["student", "early", "mid", "senior", "executive"]
    organization: str = Field(min_length=1, max_length=120)
    department: str = Field(default="", max_length=120)
    manager_id: UUID | None = None
    reporting_line: list[UUID] = Field(default_factory=list, max_length=20, description=(
        "the managers above manager_id, nearest first, as far as the partner knows them; "
        "nobody in the line is paired with this person"))
    location: str = Field(default="", max_length=120)
    time_zone: str = Field(min_length=1, max_length=64, description="IANA name, e.g. Europe/Paris")
    meeting_modes: list[MeetingMode] = Field(min_length=1)
    availability: list[AvailabilityWindow] = Field(default_factory=list, max_length=50)
    languages: list[LanguageCode] = Field(min_length=1)
    capacity: StrictInt = Field(ge=1, le=20, description="concurrent mentees (mentor) or mentors (mentee)")


Factor = Literal["learning", "reciprocity", "logistics", "language", "career_gap", "outside_circle"]
FACTORS: tuple[Factor, ...] = get_args(Factor)

DEFAULT_WEIGHTS: dict[str, float] = {
    "learning": 40, "reciprocity": 20, "logistics": 20,
    "language": 10, "career_gap": 5, "outside_circle": 5,
}


class MatchingRules(Value):
    """The hard rules a program may switch. The ban on a person's own reporting line, and
    every other rule, is never optional."""

    same_organization: StrictBool = Field(default=True, description=(
        "whether a mentor may come from the mentee's own organization"))
    shared_language: StrictBool = Field(default=False, description="on: the two must share a language")
    max_time_zone_gap_hours: StrictInt | None = Field(default=None, ge=0, le=12, description=(
        "the two are at most this many hours apart; none: any distance"))


class MatchingPolicy(Value):
    """How a program scores and assigns pairs. Weights are relative, per factor."""

    weights: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    rules: MatchingRules = Field(default_factory=MatchingRules)
    objective: Literal["stable", "max_total_score"] = "stable"
    max_reproposals: StrictInt = Field(default=3, ge=0, le=20)


class GroundRulesTemplate(Value):
    """The commitments both people acknowledge before anything starts."""

    confidentiality: str = "What we discuss stays between us unless we both agree otherwise."
    positive_tone: str = "We keep a positive, constructive tone."
    no_wasted_time: str = "We come prepared, keep to time and avoid venting without purpose."
    feedback: str = "We ask for feedback, listen without defending, and give it with care."
    cancellation_notice_hours: StrictInt = Field(default=24, ge=0, le=336)
    response_time_hours: StrictInt = Field(default=48, ge=1, le=336)


class ProgramTerms(Value):
    """What a program promises and asks; versioned by the program's policy_version."""

    name: str = Field(min_length=1, max_length=200)
    formats: list[Format] = Field(min_length=1)
    organizations: list[str] = Field(min_length=1, description="partner organizations taking part")
    length_weeks: StrictInt = Field(default=26, ge=1, le=260)
    cadence_days: StrictInt = Field(default=14, ge=1, le=90)
    acceptance_window_hours: StrictInt = Field(default=72, ge=1, le=720)
    unmatched_after_days: StrictInt = Field(default=14, ge=1, le=365,
                                      description="how long a request waits for a mentor before it ends unmatched")
    max_open_requests_per_mentee: StrictInt = Field(default=3, ge=1, le=10)
    max_group_size: StrictInt = Field(default=8, ge=2, le=8, description=(
        "group format: the most mentees who share one mentor, the requester included"))
    partners_answer_for_people: StrictBool = Field(default=True, description=(
        "whether a partner organization may accept or decline a proposal for its people; "
        "off: each person answers for themself (operators still may)"))
    ground_rules: GroundRulesTemplate = Field(default_factory=GroundRulesTemplate)
    matching_policy: MatchingPolicy = Field(default_factory=MatchingPolicy)
    matching_mode: Literal["on_demand", "batch"] = Field(
        default="on_demand", description="on_demand: propose as requests arrive; batch: only whole-pool runs")
