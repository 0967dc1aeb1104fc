"""Which intake events the world sees, and in what shape. Sealed text never leaves."""

from typing import Any

from shared.contracts import intake as contracts
from shared.contracts.vocabulary import MatchableProfile, ProgramTerms
from shared.publishing import PublicEvent
from services.intake.domain.mentorship_request import MentorshipRequest
from services.intake.domain.participant import Participant
from services.intake.domain.program import Program

OPERATOR_TENANT = "operator"


def to_public(event: Any, aggregate: Any) -> PublicEvent | None:
    if isinstance(aggregate, Program):
        return program_event(event, aggregate)
    if isinstance(aggregate, Participant):
        return participant_event(event, aggregate)
    if isinstance(aggregate, MentorshipRequest):
        return request_event(event, aggregate)
    return None


def program_event(event: Any, program: Program) -> PublicEvent:
    terms = ProgramTerms.model_validate(program.terms)
    if program.version == 1:
        contract: Any = contracts.ProgramOpened(program_id=program.id, terms=terms)
    else:
        contract = contracts.ProgramChanged(
            program_id=program.id, status=program.status, policy_version=program.policy_version, terms=terms
        )
    return PublicEvent(contract, key=program.id, tenant=OPERATOR_TENANT, program=program.id)


def participant_event(event: Any, person: Participant) -> PublicEvent | None:
    name = type(event).__name__
    ids = {"participant_id": person.id, "program_id": person.program_id}
    if name == "ParticipantEnrolled":
        contract: Any = contracts.ParticipantEnrolled(
            **ids, organization_id=person.organization_id, profile_version=person.profile_version,
            profile=MatchableProfile.model_validate(person.profile),
        )
    elif name in ("ParticipantProfileUpdated", "MentorEnrolmentConfirmed"):
        contract = contracts.ParticipantProfileUpdated(
            **ids, profile_version=person.profile_version, profile=MatchableProfile.model_validate(person.profile)
        )
    elif name == "ParticipantAvailabilityChanged":
        contract = contracts.ParticipantAvailabilityChanged(**ids, available=person.status == "active")
    elif name == "ParticipantWithdrew":
        contract = contracts.ParticipantWithdrew(**ids)
    elif name == "ParticipantErased":
        contract = contracts.ParticipantErased(**ids)
    elif name == "MentorEnrolmentOffered":
        contract = contracts.MentorEnrolmentPending(**ids, relationship_id=person.pending_mentor_offer)
    else:
        return None  # request bookkeeping on the person stays inside intake
    return PublicEvent(contract, key=person.id, tenant=person.organization_id, program=person.program_id)


def request_event(event: Any, request: MentorshipRequest) -> PublicEvent | None:
    name = type(event).__name__
    ids = {"request_id": request.id, "program_id": request.program_id}
    if name == "MentorshipRequested":
        contract: Any = contracts.MentorshipRequested(
            **ids, organization_id=request.organization_id, mentee_id=request.mentee_id,
            co_mentee_id=request.co_mentee_id, co_mentee_ids=request.group_members, format=request.format,
            goals=request.goals,
            meeting_modes=request.meeting_modes, preferences=request.preferences,
            named_mentor_id=request.named_mentor_id, requested_at=request.requested_at,
        )
    elif name == "MentorshipRequestUpdated":
        contract = contracts.MentorshipRequestUpdated(
            **ids, goals=request.goals, meeting_modes=request.meeting_modes, preferences=request.preferences
        )
    elif name == "MentorshipRequestWithdrawn":
        contract = contracts.MentorshipRequestWithdrawn(**ids)
    else:
        return None  # matched / closed: matching and sessions already know
    return PublicEvent(contract, key=request.id, tenant=request.organization_id,
                       program=request.program_id, relationship=request.id)
