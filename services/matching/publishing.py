"""Which matching events the world sees. The pool and the seat ledger stay inside."""

from typing import Any

from shared.contracts import matching as contracts
from shared.publishing import PublicEvent
from services.matching.domain.match_request import MatchRequest
from services.matching.domain.matching_run import MatchingRun
from services.matching.domain.proposal import MatchProposal


RUN_FIGURES = ("proposals", "matched_ratio", "mean_score", "min_score", "blocking_pairs")


def to_public(event: Any, aggregate: Any) -> PublicEvent | None:
    if isinstance(aggregate, MatchProposal):
        contract = proposal_contract(type(event).__name__, event, aggregate)
        key, tenant, program = aggregate.request_id, aggregate.organization_id, aggregate.program_id
    elif isinstance(aggregate, MatchRequest) and type(event).__name__ == "RequestUnmatched":
        contract = contracts.RequestUnmatched(request_id=aggregate.id, program_id=aggregate.program_id,
                                              reason=aggregate.unmatched_reason,
                                              reason_code=aggregate.unmatched_reason_code)
        key, tenant, program = aggregate.id, aggregate.organization_id, aggregate.program_id
    elif isinstance(aggregate, MatchingRun) and type(event).__name__ == "MatchingRunCompleted":
        contract = contracts.MatchingRunCompleted(run_id=aggregate.id, program_id=aggregate.program_id,
                                                  objective=aggregate.objective,
                                                  **{field: aggregate.summary[field] for field in RUN_FIGURES})
        return PublicEvent(contract, key=aggregate.program_id, tenant="operator", program=aggregate.program_id)
    else:
        return None
    if contract is None:
        return None
    return PublicEvent(contract, key=key, tenant=tenant, program=program, relationship=key)


def proposal_contract(name: str, event: Any, proposal: MatchProposal) -> Any:
    ids = {"proposal_id": proposal.id, "request_id": proposal.request_id, "program_id": proposal.program_id}
    if name == "MatchProposed":
        return contracts.MatchProposed(
            **ids, mentee_id=proposal.mentee_id, mentor_id=proposal.mentor_id, score=proposal.score,
            explanation=proposal.explanation, provenance=proposal.provenance, expires_at=proposal.expires_at,
            attempt=proposal.attempt, origin=proposal.origin, co_mentee_ids=proposal.co_mentee_ids,
        )
    if name == "MatchAccepted":
        side, person = proposal.side_and_person(event.by)
        return contracts.MatchAccepted(**ids, by=side, participant_id=person, answered_for_by=event.answered_by)
    if name == "MatchDeclined":
        side, person = proposal.side_and_person(event.by)
        return contracts.MatchDeclined(**ids, by=side, participant_id=person, reason_code=event.reason_code,
                                       answered_for_by=event.answered_by)
    if name == "MatchExpired":
        return contracts.MatchExpired(**ids)
    if name == "MatchExpiryReminderDue":
        return contracts.MatchExpiryReminderDue(**ids, expires_at=proposal.expires_at)
    if name == "MatchCancelled":
        return contracts.MatchCancelled(**ids, reason=event.reason,
                                        after_confirmation=getattr(event, "after_confirmation", False))
    if name == "MatchConfirmed":
        terms = proposal.terms
        return contracts.MatchConfirmed(
            **ids, organization_id=proposal.organization_id,
            mentor_organization_id=terms.get("mentor_organization_id"), mentee_id=proposal.mentee_id,
            mentor_id=proposal.mentor_id, co_mentee_id=terms.get("co_mentee_id"),
            co_mentees=[contracts.GroupMentee(participant_id=person, organization_id=organization)
                        for person, organization in (terms.get("co_mentee_organizations") or {}).items()],
            format=terms["format"],
            goals=terms["goals"], cadence_days=terms["cadence_days"], length_weeks=terms["length_weeks"],
            ground_rules=terms["ground_rules"],
        )
    return None
