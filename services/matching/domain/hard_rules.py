"""Rules no weight can override: each returns why a pair is refused, or None."""

from collections.abc import Callable, Mapping
from uuid import UUID

from services.matching.domain.pool import Candidate, OpenRequest

Managers = Mapping[UUID, UUID | None]
HardRule = Callable[[OpenRequest, Candidate, Candidate, Managers], str | None]


def not_the_same_person(request: OpenRequest, mentee: Candidate, mentor: Candidate, _: Managers) -> str | None:
    people = {request.mentee_id, request.co_mentee_id}
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
    def chain(person: UUID) -> set[UUID]:
        boss = managers.get(person)
        return {boss, managers.get(boss)} - {None} if boss else set()

    if mentor.participant_id in chain(mentee.participant_id) or mentee.participant_id in chain(mentor.participant_id):
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


def refusal(request: OpenRequest, mentee: Candidate, mentor: Candidate, managers: Managers) -> str | None:
    for rule in HARD_RULES:
        reason = rule(request, mentee, mentor, managers)
        if reason:
            return reason
    return None
