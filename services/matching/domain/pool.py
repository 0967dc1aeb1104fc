"""The people and requests matching chooses among, as plain values."""

from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

LEVEL_VALUE = {"basic": 0.4, "intermediate": 0.75, "expert": 1.0}


@dataclass(frozen=True)
class Window:
    weekday: int
    start_minute: int
    end_minute: int


@dataclass(frozen=True)
class Candidate:
    participant_id: UUID
    program_id: UUID
    profile_version: int
    roles: str
    offers: dict[str, str]  # topic -> level
    wants: frozenset[str]
    years_experience: int
    organization: str
    department: str
    manager_id: UUID | None
    location: str
    time_zone: str
    meeting_modes: frozenset[str]
    availability: tuple[Window, ...]
    languages: frozenset[str]
    capacity: int
    active: bool = True
    load: int = 0
    reporting_line: tuple[UUID, ...] = ()  # the managers above manager_id, nearest first, as declared

    @property
    def can_mentor(self) -> bool:
        return self.roles in ("mentor", "both")

    @property
    def has_room(self) -> bool:
        return self.load < self.capacity

    def attributes(self) -> set[str]:
        """What a mentee's must-have and avoid preferences can name."""
        return {
            f"organization:{self.organization}", f"department:{self.department}",
            f"participant:{self.participant_id}", f"location:{self.location}",
            *(f"language:{language}" for language in self.languages),
            *(f"mode:{mode}" for mode in self.meeting_modes),
        }


def with_one_more_open_proposal(mentors: list[Candidate], mentor_id: UUID) -> list[Candidate]:
    """The pool once `mentor_id` has been proposed to: an open proposal counts in a
    mentor's load (see pool_queries.mentors_of), so a pass of the matchmaker that ranks
    many requests against one read of the pool does not give them all the same last seat."""
    return [replace(mentor, load=mentor.load + 1) if mentor.participant_id == mentor_id else mentor
            for mentor in mentors]


@dataclass(frozen=True)
class ProgramRules:
    """The program's switchable hard rules (shared.contracts.vocabulary.MatchingRules)."""

    same_organization: bool = True
    shared_language: bool = False
    max_time_zone_gap_hours: int | None = None

    @classmethod
    def of(cls, terms: dict[str, Any]) -> "ProgramRules":
        rules = terms.get("matching_policy", {}).get("rules") or {}
        return cls(same_organization=bool(rules.get("same_organization", True)),
                   shared_language=bool(rules.get("shared_language", False)),
                   max_time_zone_gap_hours=rules.get("max_time_zone_gap_hours"))


@dataclass(frozen=True)
class OpenRequest:
    request_id: UUID
    program_id: UUID
    mentee_id: UUID
    format: str
    goals: tuple[tuple[str, str], ...]  # (topic, outcome)
    meeting_modes: frozenset[str]
    must_have: frozenset[str] = frozenset()
    avoid: frozenset[str] = frozenset()
    co_mentee_id: UUID | None = None
    co_mentee_ids: tuple[UUID, ...] = ()  # a group's other mentees
    named_mentor_id: UUID | None = None
    declined_mentor_ids: frozenset[UUID] = field(default_factory=frozenset)
    rules: ProgramRules = ProgramRules()

    @property
    def goal_topics(self) -> list[str]:
        return [topic for topic, _ in self.goals]
