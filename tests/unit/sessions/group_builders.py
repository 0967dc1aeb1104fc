"""A group relationship (one mentor, three mentees), for the sessions unit tests."""

from uuid import UUID, uuid4

from services.sessions.domain.relationship import Relationship
from tests.unit.sessions.relationship_builders import START

GROUP_MENTOR, ADA, BEN, CLEO = uuid4(), uuid4(), uuid4(), uuid4()
GROUP_MENTEES = (ADA, BEN, CLEO)
EVERYONE = (GROUP_MENTOR, *GROUP_MENTEES)


def forming_group(relationship_id: UUID | None = None, program_id: UUID | None = None) -> Relationship:
    parties = [{"participant_id": str(GROUP_MENTOR), "role": "mentor", "organization_id": "globex"},
               *({"participant_id": str(person), "role": "mentee", "organization_id": "acme"}
                 for person in GROUP_MENTEES)]
    relationship = Relationship(
        id=relationship_id or uuid4(), program_id=program_id or uuid4(), organization_id="acme", format="group",
        parties=parties,
        goals=[{"topic": "public speaking", "outcome": "keynote"}], cadence_days=7, length_weeks=12,
        ground_rules={"cancellation_notice_hours": 24}, started_at=START)
    relationship.pending_creation = relationship.collect_events()
    return relationship


def active_group() -> Relationship:
    relationship = forming_group()
    version = relationship.propose_agreement(GROUP_MENTOR, {"end_date": "2026-06-01", "cadence_days": 7}, START)
    for person in EVERYONE:
        relationship.sign_agreement(person, version, START)
        relationship.acknowledge_ground_rules(person, START)
    relationship.collect_events()
    return relationship
