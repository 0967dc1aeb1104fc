"""What sessions' lists show: the relationship's public state, never sealed text."""

from typing import Any

from shared.privacy import private_fields
from shared.read_model import Document
from services.sessions.domain.moved_topics import recording_class
from services.sessions.domain.relationship import Relationship

# A check-in in the state keeps its event's fields; those the event declares private stay out.
SEALED_IN_A_CHECK_IN = set(private_fields(recording_class(Relationship, "CheckInRecorded")))


def to_document(aggregate: Any) -> Document | None:
    if not isinstance(aggregate, Relationship):
        return None
    tags = [f"participant:{p}" for p in aggregate.party_ids]
    tags += [f"organization:{party.get('organization_id')}" for party in aggregate.parties]
    return Document("relationship", aggregate.id, aggregate.organization_id, aggregate.status, aggregate.version,
                    aggregate.created_on, relationship_view(aggregate), program_id=aggregate.program_id,
                    tags=sorted(set(tags)))


def relationship_view(relationship: Relationship) -> dict[str, Any]:
    return {
        "id": str(relationship.id), "program_id": str(relationship.program_id),
        "organization_id": relationship.organization_id, "format": relationship.format,
        "parties": relationship.parties, "goals": relationship.goals, "status": relationship.status,
        "cadence_days": relationship.cadence_days, "end_date": relationship.end_date.isoformat(),
        "agreement_in_force": relationship.agreement_in_force,
        "agreements": [{"version": a["version"], "terms": a["terms"], "proposed_by": a["proposed_by"],
                        "signed_by": a["signed_by"]} for a in relationship.agreements],
        "ground_rules": {**relationship.ground_rules, "added": relationship.added_rules},
        "ground_rules_acknowledged_by": relationship.acknowledged_by,
        "missing_for_activation": relationship.missing_for_activation() if relationship.status == "forming" else [],
        "sessions": {sid: {k: v for k, v in s.items()} for sid, s in relationship.sessions.items()},
        "check_ins": [{k: v for k, v in c.items() if k not in SEALED_IN_A_CHECK_IN} for c in relationship.check_ins],
        "pairing_fit": relationship.fit_reports, "outcome": relationship.outcome,
        "goal_outcomes": {by: r["goal_outcomes"] for by, r in relationship.reflections.items()},
        "paid_forward_by": relationship.paid_forward, "version": relationship.version,
        "next_timer_at": due.isoformat() if (due := relationship.next_timer_due()) else None,
    }
