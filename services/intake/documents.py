"""What intake's list endpoints show: public fields only, never sealed text."""

from typing import Any

from shared.read_model import Document
from services.intake.domain.mentorship_request import MentorshipRequest
from services.intake.domain.participant import Participant
from services.intake.domain.program import Program
from services.intake.publishing import OPERATOR_TENANT


def to_document(aggregate: Any) -> Document | None:
    if isinstance(aggregate, Program):
        return Document("program", aggregate.id, OPERATOR_TENANT, aggregate.status, aggregate.version,
                        aggregate.created_on, program_view(aggregate), program_id=aggregate.id,
                        tags=[f"organization:{org}" for org in aggregate.settings["organizations"]])
    if isinstance(aggregate, Participant):
        profile = aggregate.profile
        tags = [f"role:{role}" for role in expand_roles(profile["roles"])]
        tags += [f"topic:{item['topic']}" for item in profile.get("offers", [])]
        tags += [f"topic:{topic}" for topic in profile.get("wants", [])]
        return Document("participant", aggregate.id, aggregate.organization_id, aggregate.status,
                        aggregate.version, aggregate.created_on, participant_view(aggregate),
                        program_id=aggregate.program_id, tags=tags)
    if isinstance(aggregate, MentorshipRequest):
        tags = [f"topic:{goal['topic']}" for goal in aggregate.goals]
        tags += [f"participant:{person}" for person in aggregate.people]
        return Document("request", aggregate.id, aggregate.organization_id, aggregate.status, aggregate.version,
                        aggregate.created_on, request_view(aggregate), program_id=aggregate.program_id, tags=tags)
    return None


def expand_roles(roles: str) -> list[str]:
    return ["mentor", "mentee"] if roles == "both" else [roles]


def program_view(program: Program) -> dict[str, Any]:
    return {"id": str(program.id), "status": program.status, "policy_version": program.policy_version,
            "version": program.version, **program.settings}


def participant_view(person: Participant) -> dict[str, Any]:
    return {
        "id": str(person.id), "program_id": str(person.program_id), "organization_id": person.organization_id,
        "status": person.status, "erased": person.erased, "profile_version": person.profile_version,
        "profile": person.profile, "open_requests": sorted(person.open_requests),
        "pending_mentor_offer": str(person.pending_mentor_offer) if person.pending_mentor_offer else None,
        "version": person.version,
    }


def request_view(request: MentorshipRequest) -> dict[str, Any]:
    return {
        "id": str(request.id), "program_id": str(request.program_id), "organization_id": request.organization_id,
        "mentee_id": str(request.mentee_id),
        "co_mentee_id": str(request.co_mentee_id) if request.co_mentee_id else None,
        "co_mentee_ids": [str(person) for person in request.group_members],
        "format": request.format, "goals": request.goals, "meeting_modes": request.meeting_modes,
        "preferences": request.preferences,
        "named_mentor_id": str(request.named_mentor_id) if request.named_mentor_id else None,
        "has_personal_message": request.message_ciphertext is not None,
        "requested_at": request.requested_at.isoformat(), "status": request.status, "version": request.version,
    }
