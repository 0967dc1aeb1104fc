"""Who may see and change what in intake. Others' resources answer 404, not 403,
so a partner cannot even learn that another organization's ids exist."""

from shared.errors import NotFound
from shared.http.auth import Principal, require_roles
from services.intake.domain.mentorship_request import MentorshipRequest
from services.intake.domain.participant import Participant
from services.intake.domain.program import Program

API_ROLES = ("partner", "participant", "operator")


def require_api_caller(principal: Principal) -> None:
    require_roles(principal, *API_ROLES)


def check_sees_program(principal: Principal, program: Program) -> None:
    if not (principal.is_operator or program.includes_organization(principal.tenant)):
        raise NotFound("program", program.id)


def check_acts_for_participant(principal: Principal, person: Participant) -> None:
    if not principal.acts_for(person.id, person.organization_id):
        raise NotFound("participant", person.id)


def check_sees_person(principal: Principal, person: Participant, program: Program) -> None:
    """A person the caller may name (a co-mentee, a mentor asked for): someone they act
    for, or anyone enrolled in a program the caller's organization takes part in."""
    if not (principal.acts_for(person.id, person.organization_id) or program.includes_organization(principal.tenant)):
        raise NotFound("participant", person.id)


def check_acts_for_request(principal: Principal, request: MentorshipRequest) -> None:
    if not any(principal.acts_for(person, request.organization_id) for person in request.people):
        raise NotFound("request", request.id)
