"""Shared makings for intake's pure domain tests: programs, people and requests in known
states, a `refused` check, and replay from recorded events. Holds no tests of its own."""

import copy
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from shared.contracts.vocabulary import MatchableProfile, ProgramTerms
from shared.errors import RuleViolated
from services.intake.domain.mentorship_request import MentorshipRequest
from services.intake.domain.participant import Participant
from services.intake.domain.program import Program
from tests.support.sealed_stand_ins import sealed_stand_in

# Distinctive, so a leak into any published JSON is unmistakable.
PERSONAL_CIPHERTEXT = sealed_stand_in("SEALED-PERSONAL::gAAAAABn-ada-lovelace-ada@example.org")
MESSAGE_CIPHERTEXT = sealed_stand_in("SEALED-MESSAGE::gAAAAABn-please-be-my-mentor")
REQUESTED_AT = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)


def program_settings(formats: tuple[str, ...] = ("one_to_one",), organizations: tuple[str, ...] = ("acme", "globex"),
                     cap: int = 3, **terms: Any) -> dict[str, Any]:
    dumped = ProgramTerms(name="Leaders of tomorrow", formats=list(formats), organizations=list(organizations),
                          max_open_requests_per_mentee=cap, **terms).model_dump(mode="json")
    return {**dumped, "description": "A six-month program for first-time managers."}


def open_program(formats: tuple[str, ...] = ("one_to_one",), organizations: tuple[str, ...] = ("acme", "globex"),
                 cap: int = 3, **terms: Any) -> Program:
    return Program(id=uuid4(), settings=program_settings(formats, organizations, cap, **terms))


def profile_for(roles: str = "mentee", organization: str = "acme", **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = dict(
        roles=roles, offers=[{"topic": "sql", "level": "expert"}], wants=["leadership"], years_experience=4,
        career_stage="early", organization=organization, time_zone="Europe/Paris", meeting_modes=["video"],
        languages=["en"], capacity=2,
    )
    fields.update(changes)
    return MatchableProfile(**fields).model_dump(mode="json")


def enrolled(program: Program, roles: str = "mentee", organization: str = "acme",
             ciphertext: str = PERSONAL_CIPHERTEXT) -> Participant:
    return Participant.enrol(id=uuid4(), program_id=program.id, organization_id=organization,
                             profile=profile_for(roles, organization), consent_given=True,
                             personal_ciphertext=ciphertext)


def goals(*topics: str) -> list[dict[str, str]]:
    return [{"topic": topic, "outcome": f"be confident with {topic}"} for topic in topics]


def preferences(must_have: tuple[str, ...] = (), avoid: tuple[str, ...] = ()) -> dict[str, list[str]]:
    return {"must_have": list(must_have), "avoid": list(avoid)}


def new_request(program: Program, mentee: Participant, topics: tuple[str, ...] = ("leadership",),
                format: str = "one_to_one", co_mentee: Participant | None = None,
                named_mentor: Participant | None = None, message: str | None = None) -> MentorshipRequest:
    return MentorshipRequest(
        id=uuid4(), program_id=program.id, organization_id=mentee.organization_id, mentee_id=mentee.id,
        co_mentee_id=co_mentee.id if co_mentee else None, format=format, goals=goals(*topics),
        meeting_modes=["video"], preferences=preferences(avoid=("organization:initech",)),
        named_mentor_id=named_mentor.id if named_mentor else None, message_ciphertext=message,
        requested_at=REQUESTED_AT,
    )


def settled(*aggregates: Any) -> None:
    """Forgets the events already recorded, as if they were saved."""
    for aggregate in aggregates:
        aggregate.collect_events()


def refused(kind: str, command: Any, *aggregates: Any) -> RuleViolated:
    """The command is refused with `kind`, and none of the aggregates recorded anything."""
    settled(*aggregates)
    before = [copy.deepcopy(state_of(aggregate)) for aggregate in aggregates]
    with pytest.raises(RuleViolated) as refusal:
        command()
    assert refusal.value.kind == kind, refusal.value.detail
    for aggregate, state in zip(aggregates, before, strict=True):
        assert aggregate.collect_events() == [], "a refused command records no event"
        assert state_of(aggregate) == state, "a refused command changes nothing"
    return refusal.value


def replay(events: list[Any]) -> Any:
    aggregate = None
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def state_of(aggregate: Any) -> dict[str, Any]:
    """Everything the aggregate holds, bar the events waiting to be saved."""
    return {key: value for key, value in vars(aggregate).items() if key != "_pending_events"}


def names(events: list[Any]) -> list[str]:
    return [type(event).__name__ for event in events]


def an_id() -> UUID:
    return uuid4()
