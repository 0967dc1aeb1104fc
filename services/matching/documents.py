"""What matching's lists show, and what its timers and matchmaker query."""

from typing import Any

from shared.read_model import Document
from services.matching.domain.match_request import MatchRequest
from services.matching.domain.matching_run import MatchingRun
from services.matching.domain.proposal import MatchProposal
from services.matching.domain.replicas import PoolMember, ProgramPolicy
from services.matching.domain.seats import Seats


def to_document(aggregate: Any) -> Document | None:
    if isinstance(aggregate, MatchProposal):
        return Document("match", aggregate.id, aggregate.organization_id, aggregate.status, aggregate.version,
                        aggregate.created_on, match_view(aggregate), program_id=aggregate.program_id,
                        tags=[*(f"participant:{person}" for person in aggregate.people),
                              f"request:{aggregate.request_id}", *organization_tags(aggregate)])
    if isinstance(aggregate, MatchRequest):
        return Document("request", aggregate.id, aggregate.organization_id, aggregate.status, aggregate.version,
                        aggregate.created_on, request_view(aggregate), program_id=aggregate.program_id,
                        tags=[f"participant:{person}" for person in askers(aggregate)])
    if isinstance(aggregate, PoolMember) and aggregate.has_left:
        # Only the id and why: no tags either, so no list or pool query finds them.
        return Document("member", aggregate.id, aggregate.organization_id, aggregate.status, aggregate.version,
                        aggregate.created_on, {"id": str(aggregate.id), "status": aggregate.status},
                        program_id=aggregate.program_id)
    if isinstance(aggregate, PoolMember):
        roles = ["mentor", "mentee"] if aggregate.profile["roles"] == "both" else [aggregate.profile["roles"]]
        body = {"id": str(aggregate.id), "profile": aggregate.profile, "profile_version": aggregate.profile_version}
        return Document("member", aggregate.id, aggregate.organization_id, aggregate.status, aggregate.version,
                        aggregate.created_on, body, program_id=aggregate.program_id,
                        tags=[f"role:{role}" for role in roles])
    if isinstance(aggregate, Seats):
        body = {"participant_id": str(aggregate.participant_id), "role": aggregate.role,
                "capacity": aggregate.capacity, "held": len(aggregate.held)}
        return Document("seats", aggregate.id, "operator", "open", aggregate.version, aggregate.created_on, body,
                        tags=[f"participant:{aggregate.participant_id}", f"role:{aggregate.role}"])
    if isinstance(aggregate, ProgramPolicy):
        body = {"id": str(aggregate.id), "matching_mode": aggregate.terms.get("matching_mode", "on_demand"),
                "policy_version": aggregate.policy_version}
        return Document("program", aggregate.id, "operator", aggregate.status, aggregate.version,
                        aggregate.created_on, body, program_id=aggregate.id)
    if isinstance(aggregate, MatchingRun):
        return Document("run", aggregate.id, "operator", "completed", aggregate.version, aggregate.created_on,
                        {"id": str(aggregate.id), "objective": aggregate.objective, **aggregate.summary},
                        program_id=aggregate.program_id)
    return None


def askers(request: MatchRequest) -> list[str]:
    """The mentee and any co-mentee: their leaving ends the request. A group's other mentees
    are not askers: one of them leaving leaves the group smaller, it does not end it."""
    co_mentee = request.details.get("co_mentee_id")
    return [str(request.mentee_id), *([str(co_mentee)] if co_mentee else [])]


def request_view(request: MatchRequest) -> dict[str, Any]:
    # waiting_until lets the matchmaker find, in one query, the requests whose wait is over.
    until = request.waiting_until
    return {"id": str(request.id), "status": request.status, "attempts": request.attempts,
            "waiting_reason": request.waiting_reason, "waiting_until": until.isoformat() if until else None,
            "unmatched_reason": getattr(request, "unmatched_reason", None),
            "reason_code": request.unmatched_reason_code}


def organization_tags(proposal: MatchProposal) -> list[str]:
    organizations = {proposal.organization_id, proposal.terms.get("mentor_organization_id"),
                     *(proposal.terms.get("co_mentee_organizations") or {}).values()}
    return [f"organization:{org}" for org in sorted(organizations - {None})]


def match_view(proposal: MatchProposal) -> dict[str, Any]:
    return {
        "id": str(proposal.id), "request_id": str(proposal.request_id), "program_id": str(proposal.program_id),
        "mentee_id": str(proposal.mentee_id), "mentor_id": str(proposal.mentor_id), "status": proposal.status,
        "co_mentee_ids": [str(person) for person in proposal.co_mentee_ids], "awaiting": proposal.awaiting,
        "score": proposal.score, "explanation": proposal.explanation, "provenance": proposal.provenance,
        "accepted_by": proposal.accepted_by, "proposed_at": proposal.proposed_at.isoformat(),
        "expires_at": proposal.expires_at.isoformat(), "reminded": proposal.reminded,
        "attempt": proposal.attempt, "origin": proposal.origin, "ended_reason": proposal.ended_reason,
        "version": proposal.version,
    }
