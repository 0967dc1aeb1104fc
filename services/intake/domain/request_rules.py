"""Whether a mentee may open a request: rules that span several aggregates.

The application loads the program and the people (the mentee's open requests are
on the mentee); these functions decide, so every rule lives here and is tested without a database.
"""

from uuid import UUID

from shared.errors import RuleViolated
from services.intake.domain.goals import MAX_GOALS, check_goal_count, goal_topics
from services.intake.domain.group_rules import check_group_members
from services.intake.domain.participant import Participant
from services.intake.domain.program import Program

__all__ = ["MAX_GOALS", "check_can_request", "check_enrolled_and_active", "check_named_mentor",
           "check_not_a_duplicate", "goal_topics"]


def check_can_request(
    program: Program,
    mentee: Participant,
    co_mentee: Participant | None,
    named_mentor: Participant | None,
    format: str,
    goals: list[dict[str, str]],
    group: list[Participant] | None = None,
) -> None:
    """`group`: the other mentees a group request names, loaded."""
    if program.status != "open":
        raise RuleViolated("program-not-open", f"the program is {program.status}; requests need an open program")
    if not program.allows_format(format):
        raise RuleViolated("format-not-allowed", f"the program does not offer the {format} format")
    check_goal_count(goals)
    for person in filter(None, (mentee, co_mentee)):
        check_enrolled_and_active(program, person)
    if not mentee.can_be_mentee():
        raise RuleViolated("not-a-mentee", "the participant is enrolled as a mentor only")
    if format == "reciprocal" and co_mentee is None:
        raise RuleViolated("co-mentee-required", "a reciprocal request names both people")
    if format != "reciprocal" and co_mentee is not None:
        raise RuleViolated("co-mentee-not-allowed", "only reciprocal requests name a second person")
    if co_mentee is not None and co_mentee.id == mentee.id:
        raise RuleViolated("co-mentee-is-mentee", "a reciprocal request names two different people")
    check_group_members(program, mentee, format, group or [])
    if named_mentor is not None:
        check_named_mentor(program, mentee, named_mentor, co_mentee)
        if any(named_mentor.id == member.id for member in group or []):
            raise RuleViolated("named-mentor-is-mentee", "a group's mentee cannot be its mentor")
    cap = program.settings["max_open_requests_per_mentee"]
    if len(mentee.open_requests) >= cap:
        raise RuleViolated("open-request-cap-reached",
                           f"the mentee already has {len(mentee.open_requests)} open requests; "
                           f"the program allows {cap}")
    check_not_a_duplicate(mentee, goals)


def check_enrolled_and_active(program: Program, person: Participant) -> None:
    if person.program_id != program.id:
        raise RuleViolated("not-enrolled", f"participant {person.id} is not enrolled in this program")
    if not person.is_active:
        raise RuleViolated("participant-not-active", f"participant {person.id} is {person.status}")


def check_named_mentor(program: Program, mentee: Participant, mentor: Participant,
                       co_mentee: Participant | None = None) -> None:
    # Matching never pairs a person with themself, so such a request would wait for nothing.
    if mentor.id in (mentee.id, co_mentee.id if co_mentee else None):
        raise RuleViolated("named-mentor-is-mentee", "a mentee cannot ask themself")
    check_enrolled_and_active(program, mentor)
    if mentor.roles not in ("mentor", "both"):
        raise RuleViolated("named-person-not-a-mentor", "the named person does not mentor")


def check_not_a_duplicate(mentee: Participant, goals: list[dict[str, str]], besides: UUID | None = None) -> None:
    """No two open requests of one mentee ask for the same topics; `besides` is the one being edited."""
    wanted = goal_topics(goals)
    others = (topics for request_id, topics in mentee.open_requests.items() if request_id != str(besides))
    if any(frozenset(topics) == wanted for topics in others):
        raise RuleViolated("duplicate-open-request", "an open request already asks for these same goals")
