"""Matching's own record of the programs and people intake told it about.

Kept as aggregates so a consumer records them in the same transaction as the
message's tracking record, and so the pool can be rebuilt by replay.
"""

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from shared.errors import RuleViolated
from services.matching.domain.pool import Candidate, Window

# Statuses of a person who left the program: matching keeps only their id and this.
LEFT = ("withdrawn", "erased")


class ProgramPolicy(Aggregate):
    @event("ProgramTermsLearned")
    def __init__(self, id: UUID, terms: dict[str, Any], status: str, policy_version: int) -> None:
        self.terms = terms
        self.status = status
        self.policy_version = policy_version

    def learn(self, terms: dict[str, Any], status: str, policy_version: int) -> None:
        if policy_version >= self.policy_version:
            self._changed(terms=terms, status=status, policy_version=policy_version)

    @event("ProgramTermsChanged")
    def _changed(self, terms: dict[str, Any], status: str, policy_version: int) -> None:
        self.terms = terms
        self.status = status
        self.policy_version = policy_version


class PoolMember(Aggregate):
    @event("PoolMemberJoined")
    def __init__(self, id: UUID, program_id: UUID, organization_id: str, profile: dict[str, Any],
                 profile_version: int) -> None:
        self.program_id = program_id
        self.organization_id = organization_id
        self.profile = profile
        self.profile_version = profile_version
        self.status = "active"

    @property
    def has_left(self) -> bool:
        return self.status in LEFT

    def learn_profile(self, profile: dict[str, Any], profile_version: int) -> None:
        if profile_version > self.profile_version and not self.has_left:
            self._profile_learned(profile=profile, profile_version=profile_version)

    def learn_status(self, status: str) -> None:
        """Paused or active again; someone who left stays gone."""
        if self.status != status and not self.has_left:
            self._status_learned(status=status)

    def leave(self, status: str) -> None:
        """Withdrew or was erased: the profile goes, so no list or run can show or match it.
        Withdrawn may still become erased; erased is final."""
        if status not in LEFT:
            raise RuleViolated("unknown-leaving", f"a person leaves as {' or '.join(LEFT)}")
        if self.status != status and self.status != "erased":
            self._left(status=status)

    @event("PoolMemberProfileLearned")
    def _profile_learned(self, profile: dict[str, Any], profile_version: int) -> None:
        self.profile = profile
        self.profile_version = profile_version

    @event("PoolMemberStatusLearned")
    def _status_learned(self, status: str) -> None:
        self.status = status

    @event("PoolMemberLeft")
    def _left(self, status: str) -> None:
        self.status = status
        self.profile = {}

    def as_candidate(self, load: int = 0) -> Candidate:
        if not self.profile:  # left, and forgotten; those who left before that stay inactive candidates
            raise RuleViolated("participant-left", f"participant {self.id} left the program")
        return candidate_from(self.id, self.program_id, self.profile, self.profile_version,
                              self.status == "active", load)


def candidate_from(participant_id: UUID, program_id: UUID, profile: dict[str, Any], profile_version: int,
                   active: bool, load: int) -> Candidate:
    return Candidate(
        participant_id=participant_id, program_id=program_id, profile_version=profile_version,
        roles=profile["roles"], offers={o["topic"]: o["level"] for o in profile.get("offers", [])},
        wants=frozenset(profile.get("wants", [])), years_experience=profile["years_experience"],
        organization=profile["organization"], department=profile.get("department", ""),
        manager_id=UUID(profile["manager_id"]) if profile.get("manager_id") else None,
        location=profile.get("location", ""), time_zone=profile["time_zone"],
        meeting_modes=frozenset(profile["meeting_modes"]),
        availability=tuple(window_from(w) for w in profile.get("availability", [])),
        languages=frozenset(profile["languages"]), capacity=profile["capacity"], active=active, load=load,
        reporting_line=tuple(UUID(str(boss)) for boss in profile.get("reporting_line", [])),
    )


def window_from(window: dict[str, Any]) -> Window:
    def minutes(clock: str) -> int:
        hours, mins = clock.split(":")[:2]
        return int(hours) * 60 + int(mins)

    return Window(window["weekday"], minutes(window["start"]), minutes(window["end"]))
