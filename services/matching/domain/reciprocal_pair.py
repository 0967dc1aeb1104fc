"""A reciprocal (co-mentoring) request names both people: matching checks that pair, it never
searches for a third. The requester sits on the proposal's mentee side and the co-mentee on its
mentor side only so that each has a side to accept from; in the relationship both are both.

The rules are the ones that make any relationship possible, not the ones about choosing a
mentor: the co-mentee need not be enrolled as a mentor, and a person one names is not avoided.
"""

from collections.abc import Callable
from uuid import UUID

from services.matching.domain.hard_rules import Managers, outside_reporting_line
from services.matching.domain.no_fit import NoFit
from services.matching.domain.pool import Candidate, OpenRequest
from services.matching.domain.scoring import score
from services.matching.domain.explanation import explain_reciprocal
from services.matching.domain.selection import Choice

PairRule = Callable[[OpenRequest, Candidate, Candidate, Managers], str | None]


def is_named_pair(request: OpenRequest) -> bool:
    return request.format == "reciprocal" and request.co_mentee_id is not None


def two_people(request: OpenRequest, requester: Candidate, co_mentee: Candidate, _: Managers) -> str | None:
    if requester.participant_id == co_mentee.participant_id:
        return "a reciprocal request names two different people"
    return None


def same_program(request: OpenRequest, requester: Candidate, co_mentee: Candidate, _: Managers) -> str | None:
    if requester.program_id != request.program_id or co_mentee.program_id != request.program_id:
        return "the co-mentee is not enrolled in the request's program"
    return None


def both_active(_: OpenRequest, requester: Candidate, co_mentee: Candidate, __: Managers) -> str | None:
    if not co_mentee.active:
        return "the co-mentee is paused or has withdrawn"
    if not requester.active:
        return "the requester is paused or has withdrawn"
    return None


def both_have_room(_: OpenRequest, requester: Candidate, co_mentee: Candidate, __: Managers) -> str | None:
    if not co_mentee.has_room:
        return "the co-mentee has no capacity left"
    return None if requester.has_room else "the requester has no capacity left"


def not_declined_before(request: OpenRequest, _: Candidate, co_mentee: Candidate, __: Managers) -> str | None:
    # The pair is the whole request: once it was declined (or lapsed) there is no one else to ask.
    if co_mentee.participant_id in request.declined_mentor_ids:
        return "the named pair was already proposed and not agreed"
    return None


PAIR_RULES: tuple[PairRule, ...] = (
    two_people, same_program, both_active, outside_reporting_line, both_have_room, not_declined_before,
)
# As for any request: a paused person may resume and a seat may free; other refusals stand.
TIME_CAN_MEND = frozenset({"both_active", "both_have_room"})


def refusing_pair_rule(request: OpenRequest, requester: Candidate, co_mentee: Candidate,
                       managers: Managers) -> tuple[str, str] | None:
    """The first rule the named pair breaks, by name, and its reason."""
    for rule in PAIR_RULES:
        reason = rule(request, requester, co_mentee, managers)
        if reason:
            return rule.__name__, reason
    return None


def pair_refusal(request: OpenRequest, requester: Candidate, co_mentee: Candidate | None,
                 managers: Managers) -> NoFit | None:
    """Why the two named people cannot be proposed now, and whether waiting could change that."""
    if co_mentee is None:
        # Intake checked the enrolment; matching may not have learned of it yet.
        return NoFit("reciprocal request: the co-mentee is not known in this program yet", can_wait=True)
    refused = refusing_pair_rule(request, requester, co_mentee, managers)
    if refused is None:
        return None
    rule, reason = refused
    return NoFit(f"reciprocal request: {reason} (rule {rule})", can_wait=rule in TIME_CAN_MEND)


def check_named_pair(request: OpenRequest, requester: Candidate, co_mentee: Candidate | None,
                     managers: Managers, weights: dict[str, float]) -> Choice | NoFit:
    """The named pair, scored in both directions (the reciprocal format counts what each gains), or why not."""
    refused = pair_refusal(request, requester, co_mentee, managers)
    if refused is not None:
        return refused
    assert co_mentee is not None  # a co-mentee not known yet is a refusal
    result = score(request, requester, co_mentee, weights)
    return Choice(co_mentee, result, explain_reciprocal(request, requester, co_mentee, result))


def names_the_pair(request: OpenRequest, mentor_id: UUID) -> bool:
    """An operator's or a run's pair for a reciprocal request must be the named one."""
    return not is_named_pair(request) or request.co_mentee_id == mentor_id
