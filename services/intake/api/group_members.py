"""A group request's other mentees, checked at the boundary: every problem is a 422 naming
the field (`body.co_mentee_ids.<position>`), and a person the caller may not see is a 404
naming it, so nobody learns that another organization's ids exist."""

from services.intake.api.access import check_sees_person
from services.intake.domain.group_rules import group_member_problems, group_shape_problems
from services.intake.domain.participant import Participant
from services.intake.domain.program import Program
from services.intake.schemas import NewRequest
from shared.errors import NotFound
from shared.http.auth import Principal
from shared.http.problems import Problem
from shared.store_access import LoadedOnce


def invalid(problems: list[tuple[str, str]]) -> Problem:
    errors = [{"field": f"body.{field}", "reason": why} for field, why in problems]
    return Problem(422, "validation-failed", "; ".join(f"{e['field']}: {e['reason']}" for e in errors),
                   errors=errors)


def check_group_members(loaded: LoadedOnce, principal: Principal, body: NewRequest, program: Program) -> None:
    shape = group_shape_problems(body.format, body.mentee_id, body.co_mentee_ids)
    if shape:
        raise invalid(shape)
    members = []
    for position, person_id in enumerate(body.co_mentee_ids):
        field = f"body.co_mentee_ids.{position}"
        try:
            person = loaded.get(person_id, Participant, "participant")
            check_sees_person(principal, person, loaded.get(person.program_id, Program, "program"))
        except NotFound:
            raise Problem(404, "not-found", f"{field}: participant {person_id} was not found",
                          errors=[{"field": field, "reason": "no such participant for this caller"}]) from None
        members.append(person)
    problems = group_member_problems(program, members)
    if problems:
        raise invalid(problems)
