"""Rules no weight can override: each returns why a pair is refused, or None."""

from collections.abc import Callable

import numpy as np

from services.matching.domain.logistics import utc_offset_hours
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


def same_organization_allowed(request: OpenRequest, mentee: Candidate, mentor: Candidate, _: Managers) -> str | None:
    if request.rules.same_organization or mentee.organization != mentor.organization:
        return None
    return "the program pairs people of different organizations only"


def shared_language(request: OpenRequest, mentee: Candidate, mentor: Candidate, _: Managers) -> str | None:
    if not request.rules.shared_language or mentee.languages & mentor.languages:
        return None
    return "the program asks for a language both speak"


def time_zone_window(request: OpenRequest, mentee: Candidate, mentor: Candidate, _: Managers) -> str | None:
    gap = request.rules.max_time_zone_gap_hours
    if gap is None or time_zone_gap(mentee, mentor) <= gap:
        return None
    return f"the program pairs people at most {gap} hours apart"


def time_zone_gap(mentee: Candidate, mentor: Candidate) -> float:
    # float32, as the vectorised scorer holds offsets, so both decide a border case alike.
    return float(abs(np.float32(utc_offset_hours(mentee.time_zone)) - np.float32(utc_offset_hours(mentor.time_zone))))


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
    same_organization_allowed, shared_language, time_zone_window,
    not_avoided, mentor_has_room, not_declined_before,
)


# Refusals that time can mend: a seat frees, a paused person resumes, or (the program's own
# rules) a mentor who meets them enrols. A request refused only for these (or with no mentor
# enrolled yet) waits, until its program's deadline; other refusals stand.
TIME_CAN_MEND = frozenset({"both_available", "mentor_has_room",
                           "same_organization_allowed", "shared_language", "time_zone_window"})


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
