"""Sessions' public facts. Notes, comments and reflections never leave: only that
something happened, who did it and the figures (ratings, minutes, goal outcomes)."""

from collections.abc import Callable
from typing import Any

from shared.contracts import sessions as contracts
from shared.publishing import PublicEvent
from services.sessions.domain.relationship import Relationship


def _agreement_proposed(e: Any, r: Relationship) -> dict[str, Any]:
    terms = e.terms
    return dict(agreement_version=e.version, proposed_by=e.proposed_by, end_date=terms.get("end_date"),
                cadence_days=terms.get("cadence_days"),
                meeting_mode=(terms.get("logistics") or {}).get("meeting_mode"))


def _session(e: Any, r: Relationship) -> dict[str, Any]:
    return r.sessions[str(e.session_id)]


def _rematch(e: Any, r: Relationship) -> dict[str, Any]:
    mentee, mentor = r.rematch_pair(e.by)
    return dict(mentee_id=mentee, excluded_mentor_id=mentor)


MAPPERS: dict[str, tuple[type[contracts.SessionsEvent], Callable[[Any, Relationship], dict[str, Any]]]] = {
    "RelationshipStarted": (contracts.RelationshipStarted, lambda e, r: dict(
        organization_id=r.organization_id, format=r.format, parties=r.parties, goals=r.goals)),
    "AgreementProposed": (contracts.AgreementProposed, _agreement_proposed),
    "AgreementSigned": (contracts.AgreementSigned,
                        lambda e, r: dict(agreement_version=e.version, signed_by=e.signed_by)),
    "AgreementInEffect": (contracts.AgreementInEffect, lambda e, r: dict(agreement_version=e.version)),
    "GroundRuleAdded": (contracts.GroundRuleAdded, lambda e, r: dict(added_by=e.added_by)),
    "GroundRulesAcknowledged": (contracts.GroundRulesAcknowledged,
                                lambda e, r: dict(acknowledged_by=e.acknowledged_by)),
    "RelationshipActivated": (contracts.RelationshipActivated, lambda e, r: dict(activated_at=e.activated_at)),
    "SessionScheduled": (contracts.SessionScheduled, lambda e, r: dict(session_id=e.session_id, starts_at=e.starts_at,
                                                                minutes=e.minutes, mode=e.mode)),
    "SessionRescheduled": (contracts.SessionRescheduled,
                           lambda e, r: dict(session_id=e.session_id, starts_at=e.starts_at)),
    "SessionCancelled": (contracts.SessionCancelled, lambda e, r: dict(session_id=e.session_id, cancelled_by=e.by,
                                                                notice_hours=e.notice_hours, late=e.late)),
    "SessionHeld": (contracts.SessionHeld, lambda e, r: dict(session_id=e.session_id, minutes=e.minutes,
                                                      goals_touched=e.goals_touched, learners=_learners(e),
                                                      absent=getattr(e, "absent", None) or [])),
    "SessionMissed": (contracts.SessionMissed, lambda e, r: dict(session_id=e.session_id, missed_by=e.missed_by)),
    "SessionReminderDue": (contracts.SessionReminderDue, lambda e, r: dict(
        session_id=e.session_id, starts_at=_session(e, r)["starts_at"])),
    "CheckInRecorded": (contracts.CheckInRecorded, lambda e, r: dict(by=e.by, fit=e.fit, progress=e.progress)),
    "PairingFitReported": (contracts.PairingFitReported, lambda e, r: dict(by=e.by, answer=e.answer)),
    "MenteeLeftGroup": (contracts.MenteeLeftGroup, lambda e, r: dict(participant_id=e.participant_id,
                                                                    reason=e.reason)),
    "RelationshipPaused": (contracts.RelationshipPaused, lambda e, r: dict(by=e.by)),
    "RelationshipResumed": (contracts.RelationshipResumed, lambda e, r: dict(by=e.by)),
    "RelationshipStalled": (contracts.RelationshipStalled, lambda e, r: dict(quiet_since=e.quiet_since)),
    "RelationshipClosed": (contracts.RelationshipClosed, lambda e, r: dict(outcome=e.outcome, closed_by=e.by)),
    "ReflectionRecorded": (contracts.GoalOutcomesRecorded, lambda e, r: dict(by=e.by, goal_outcomes=e.goal_outcomes)),
    "PayItForwardOffered": (contracts.PayItForwardOffered, lambda e, r: dict(participant_id=e.participant_id,
                                                                      organization_id=r.organization_id)),
    "RematchRequested": (contracts.RematchRequested, _rematch),
}


def public_fact(event: Any, relationship: Relationship) -> Any | None:
    mapping = MAPPERS.get(type(event).__name__)
    if mapping is None:
        return None  # PrivateNoteAdded and anything else private
    contract, fields = mapping
    return contract(relationship_id=relationship.id, program_id=relationship.program_id, **fields(event, relationship))


def to_public(event: Any, aggregate: Any) -> PublicEvent | None:
    if not isinstance(aggregate, Relationship):
        return None
    contract = public_fact(event, aggregate)
    if contract is None:
        return None
    return PublicEvent(contract, key=aggregate.id, tenant=aggregate.organization_id,
                       program=aggregate.program_id, relationship=aggregate.id)


def _learners(held: Any) -> list[str]:
    """Who learned something: the fact; what they learned is their words and stays here."""
    return sorted(person for person, labels in held.learned.items() if any(label.strip() for label in labels))
