"""Who may be in a group request: the requester and 1 to 7 other mentees of the same program.

Each problem names the field it is about (`co_mentee_ids` or `co_mentee_ids.<position>`), so
the API answers 422 naming it, and the domain refuses the same request when a member changed
between the API's check and the save (withdrew meanwhile, say).
"""

from uuid import UUID

from services.intake.domain.participant import Participant
from services.intake.domain.program import Program
from shared.errors import RuleViolated

MAX_OTHER_MENTEES = 7  # one mentor with up to 8 mentees: the size commercial group programs use
FIELD = "co_mentee_ids"


def group_shape_problems(format: str, mentee_id: UUID, co_mentee_ids: list[UUID]) -> list[tuple[str, str]]:
    """What the ids alone say: how many, and that each person is named once."""
    if format != "group":
        return [(FIELD, "only a group request names other mentees")] if co_mentee_ids else []
    if not 1 <= len(co_mentee_ids) <= MAX_OTHER_MENTEES:
        return [(FIELD, f"a group request names 1 to {MAX_OTHER_MENTEES} other mentees")]
    problems = []
    seen = {mentee_id}
    for position, person in enumerate(co_mentee_ids):
        if person in seen:
            why = "is the requesting mentee" if person == mentee_id else "is named twice"
            problems.append((f"{FIELD}.{position}", why))
        seen.add(person)
    return problems


def group_member_problems(program: Program, members: list[Participant]) -> list[tuple[str, str]]:
    """What the program and the people say: no larger than the program's groups; each
    enrolled in this program, active, and able to be mentored."""
    problems = []
    if len(members) + 1 > program.max_group_size:
        problems.append((FIELD, f"this program's groups have at most {program.max_group_size} mentees, "
                                "the requester included"))
    for position, member in enumerate(members):
        if member.program_id != program.id:
            why = "is not enrolled in this program"
        elif not member.is_active:
            why = f"is {member.status}"
        elif not member.can_be_mentee():
            why = "is enrolled as a mentor only"
        else:
            continue
        problems.append((f"{FIELD}.{position}", why))
    return problems


def check_group_members(program: Program, mentee: Participant, format: str, members: list[Participant]) -> None:
    problems = [*group_shape_problems(format, mentee.id, [member.id for member in members]),
                *group_member_problems(program, members)]
    if problems:
        raise RuleViolated("group-member-not-allowed", "; ".join(f"{field}: {why}" for field, why in problems))
