"""Relationships in known states, on a fixed calendar, for the sessions domain tests.

Every builder keeps the events it recorded (creation included) on `relationship.history`,
so a test can replay the whole life. `refused` checks a refusal's kind and that the
refused command recorded nothing.
"""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from shared.errors import DomainError, NotPermitted, RuleViolated
from services.sessions.domain.relationship import Relationship

# A fixed calendar: the relationship starts on Monday 2 March 2026, 09:00 UTC.
STARTED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ACTIVATED = STARTED + timedelta(hours=2)
LATER = ACTIVATED + timedelta(days=1)

MENTEE = UUID("00000000-0000-4000-8000-00000000000a")
MENTOR = UUID("00000000-0000-4000-8000-00000000000b")
STRANGER = UUID("00000000-0000-4000-8000-00000000000c")
RELATIONSHIP_ID = UUID("00000000-0000-4000-8000-0000000000f1")
PROGRAM_ID = UUID("00000000-0000-4000-8000-0000000000f2")

END_DATE = "2026-06-01"  # the first agreement's end date
GOALS = [{"topic": "public speaking", "outcome": "give a keynote"},
         {"topic": "writing", "outcome": "publish a blog post"}]


def session_id(n: int) -> UUID:
    return UUID(f"00000000-0000-4000-8000-{n:012d}")


def forming(cadence_days: int = 7, notice_hours: int | None = 24, length_weeks: int = 12,
            mentee_role: str = "mentee", mentor_role: str = "mentor") -> Relationship:
    ground_rules: dict[str, Any] = {} if notice_hours is None else {"cancellation_notice_hours": notice_hours}
    relationship = Relationship(
        id=RELATIONSHIP_ID, program_id=PROGRAM_ID, organization_id="acme", format="one_to_one",
        parties=[{"participant_id": str(MENTEE), "role": mentee_role, "organization_id": "acme"},
                 {"participant_id": str(MENTOR), "role": mentor_role, "organization_id": "globex"}],
        goals=[dict(goal) for goal in GOALS], cadence_days=cadence_days, length_weeks=length_weeks,
        ground_rules=ground_rules, started_at=STARTED,
    )
    relationship.history = relationship.collect_events()
    return relationship


def drain(relationship: Relationship) -> list[Any]:
    """Collects the pending events, keeping them in the relationship's history."""
    events = relationship.collect_events()
    relationship.history.extend(events)
    return events


def names(events: list[Any]) -> list[str]:
    return [type(event).__name__ for event in events]


def agree(relationship: Relationship, terms: dict[str, Any] | None = None, at: datetime = STARTED) -> int:
    version = relationship.propose_agreement(MENTEE, terms if terms is not None else {"end_date": END_DATE}, at)
    relationship.sign_agreement(MENTEE, version, at)
    relationship.sign_agreement(MENTOR, version, at)
    return version


def acknowledge(relationship: Relationship, at: datetime = STARTED) -> None:
    relationship.acknowledge_ground_rules(MENTEE, at)
    relationship.acknowledge_ground_rules(MENTOR, at)


def active(**options: Any) -> Relationship:
    """Agreement v1 (ending 2026-06-01) in force and ground rules acknowledged: active at ACTIVATED."""
    relationship = forming(**options)
    agree(relationship, at=STARTED)
    relationship.acknowledge_ground_rules(MENTEE, STARTED)
    relationship.acknowledge_ground_rules(MENTOR, ACTIVATED)
    drain(relationship)
    assert relationship.status == "active" and relationship.activated_at == ACTIVATED
    return relationship


def schedule(relationship: Relationship, n: int = 1, starts_at: datetime | None = None,
             at: datetime = ACTIVATED, by: UUID = MENTEE) -> UUID:
    sid = session_id(n)
    relationship.schedule_session(by, sid, starts_at or at + timedelta(days=1), 60, "video", "agenda", at)
    return sid


def hold(relationship: Relationship, n: int = 1, at: datetime = ACTIVATED,
         learned: dict[str, list[str]] | None = None) -> UUID:
    """Schedules session n a day after `at` and marks it held at its start."""
    starts = at + timedelta(days=1)
    sid = schedule(relationship, n, starts_at=starts, at=at)
    relationship.mark_session_held(MENTOR, sid, 55, [0], learned if learned is not None else
                                   {str(MENTEE): ["open with a story"]}, starts)
    return sid


def closed(outcome: str = "completed", **options: Any) -> Relationship:
    relationship = active(**options)
    relationship.close(MENTOR, outcome, "done", LATER)
    drain(relationship)
    return relationship


def paused(**options: Any) -> Relationship:
    relationship = active(**options)
    relationship.pause(MENTOR, "travelling", LATER)
    drain(relationship)
    return relationship


def refused(relationship: Relationship, kind: str, command: Any,
            error: type[DomainError] = RuleViolated) -> DomainError:
    """Asserts the command is refused with `error` of `kind` and records nothing."""
    drain(relationship)
    version_before = relationship.version
    with pytest.raises(DomainError) as refusal:
        command()
    assert type(refusal.value) is error, f"expected {error.__name__}, got {type(refusal.value).__name__}"
    assert refusal.value.kind == kind
    assert relationship.collect_events() == [], "a refused command records nothing"
    assert relationship.version == version_before
    return refusal.value


def not_a_party(relationship: Relationship, command: Any) -> DomainError:
    return refused(relationship, "not-a-party", command, error=NotPermitted)


def replay(events: list[Any]) -> Relationship:
    aggregate = None
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate
