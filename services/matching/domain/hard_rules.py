"""Rules no weight can override: each returns why a pair is refused, or None."""

from collections.abc import Callable

from services.matching.domain.pool import Candidate, OpenRequest
from services.matching.domain.reporting_line import Managers, managers_of, same_reporting_line

HardRule = Callable[[OpenRequest, Candidate, Candidate, Managers], str | None]


def not_the_same_person(request: OpenRequest, mentee: Candidate, mentor: Candidate, _: Managers) -> str | None:
    people = {request.mentee_id, request.co_mentee_id, *request.co_mentee_ids}
    return "a person cannot mentor themself" if mentor.participant_id in people else None


def mentor_mentors(_: OpenRequest, __: Candidate, mentor: Candidate, ___: Managers) -> str | None:
    return None if mentor.can_mentor else "the person is not enrolled as a mentor"


def both_available(_: OpenRequest, mentee: Candidate, mentor: Candidate, __: Managers) -> str | None:
    if not mentor.active:
        return "the mentor is paused or has withdrawn"
    if not mentee.active:
        return "the mentee is paused or has withdrawn"
    return None


def outside_reporting_line(_: OpenRequest, mentee: Candidate, mentor: Candidate, managers: Managers) -> str | None:
    # The two profiles' own declarations count even where the caller's map knows nothing.
    declared = managers_of([mentee, mentor])
    if same_reporting_line(mentee.participant_id, mentor.participant_id, managers, declared):
        return "the two are in the same reporting line"
    return None


def not_avoided(request: OpenRequest, _: Candidate, mentor: Candidate, __: Managers) -> str | None:
    hit = sorted(request.avoid & mentor.attributes())
    return f"the mentee asked to avoid {', '.join(hit)}" if hit else None


def mentor_has_room(_: OpenRequest, __: Candidate, mentor: Candidate, ___: Managers) -> str | None:
    return None if mentor.has_room else "the mentor has no capacity left"


def not_declined_before(request: OpenRequest, _: Candidate, mentor: Candidate, __: Managers) -> str | None:
    if mentor.participant_id in request.declined_mentor_ids:
        return "this pair was already declined for this request"
    return None


HARD_RULES: tuple[HardRule, ...] = (
    not_the_same_person, mentor_mentors, both_available, outside_reporting_line,
    not_avoided, mentor_has_room, not_declined_before,
)


# Refusals that time can mend: a seat frees, a paused person resumes. A request refused
# only for these (or with no mentor enrolled yet) waits; other refusals stand.
TIME_CAN_MEND = frozenset({"both_available", "mentor_has_room"})


def refusing_rule(request: OpenRequest, mentee: Candidate, mentor: Candidate,
                  managers: Managers) -> tuple[str, str] | None:
    """The first rule that refuses the pair, by name, and its reason."""
    for rule in HARD_RULES:
        reason = rule(request, mentee, mentor, managers)
        if reason:
            return rule.__name__, reason
    return None


def refusal(request: OpenRequest, mentee: Candidate, mentor: Candidate, managers: Managers) -> str | None:
    refused = refusing_rule(request, mentee, mentor, managers)
    return refused[1] if refused else None
