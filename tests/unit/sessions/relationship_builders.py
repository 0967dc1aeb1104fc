"""Relationships in a known state, for the sessions unit tests."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from shared.errors import NotPermitted, RuleViolated
from services.sessions.domain.relationship import Relationship

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MENTEE, MENTOR, STRANGER = uuid4(), uuid4(), uuid4()


def forming(cadence_days: int = 7, notice_hours: int = 24) -> Relationship:
    relationship = Relationship(
        id=uuid4(), program_id=uuid4(), organization_id="acme", format="one_to_one",
        parties=[{"participant_id": str(MENTEE), "role": "mentee", "organization_id": "acme"},
                 {"participant_id": str(MENTOR), "role": "mentor", "organization_id": "globex"}],
        goals=[{"topic": "public speaking", "outcome": "keynote"}, {"topic": "writing", "outcome": "blog"}],
        cadence_days=cadence_days, length_weeks=12, ground_rules={"cancellation_notice_hours": notice_hours},
        started_at=START,
    )
    # Kept aside so a test can replay the whole history, creation included.
    relationship.pending_creation = relationship.collect_events()
    return relationship


def agreed(relationship: Relationship, end_date: str = "2026-06-01") -> Relationship:
    version = relationship.propose_agreement(MENTEE, {"end_date": end_date, "cadence_days": 7}, START)
    relationship.sign_agreement(MENTEE, version, START)
    relationship.sign_agreement(MENTOR, version, START)
    return relationship


def active(**options) -> Relationship:  # noqa: ANN003
    relationship = agreed(forming(**options))
    relationship.acknowledge_ground_rules(MENTEE, START)
    relationship.acknowledge_ground_rules(MENTOR, START)
    relationship.collect_events()
    return relationship


def with_held_session(relationship: Relationship, at: datetime = START) -> str:
    session = uuid4()
    relationship.schedule_session(MENTEE, session, at + timedelta(days=1), 60, "video", "", at)
    relationship.mark_session_held(MENTOR, session, 55, [0], {str(MENTEE): ["stories"]}, at + timedelta(days=1))
    return str(session)


def refused(relationship: Relationship, kind: str, command) -> None:  # noqa: ANN001
    """Asserts the command is refused with `kind` and records nothing."""
    with pytest.raises((RuleViolated, NotPermitted)) as refusal:
        command()
    assert refusal.value.kind == kind
    assert relationship.collect_events() == [], "a refused command records nothing"
