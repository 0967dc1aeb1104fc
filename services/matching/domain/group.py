"""A group request: one mentor for the requester and the 1 to 7 other mentees it names,
proposed as one. Matching searches for the mentor, never for the members.

Every hard rule holds between the mentor and EACH member (not themself, outside each one's
reporting line, active, room, not avoided, not already declined). The group takes one seat
of the mentor's capacity, so `mentor_has_room` reads the same for every member. The score is
the group's: the mean of the members' scores with that mentor, factor by factor, so a mentor
who suits the requester alone does not win the whole group.
"""

from collections import Counter
from collections.abc import Iterable
from statistics import fmean

from services.matching.domain.explanation import explain
from services.matching.domain.hard_rules import TIME_CAN_MEND, Managers, refusing_rule
from services.matching.domain.no_fit import NO_MENTOR_YET, NoFit
from services.matching.domain.pool import Candidate, OpenRequest
from services.matching.domain.scoring import FACTORS, Score, score
from services.matching.domain.selection import Choice


def is_group(request: OpenRequest) -> bool:
    return request.format == "group" and bool(request.co_mentee_ids)


def group_refusal(request: OpenRequest, members: list[Candidate], mentor: Candidate,
                  managers: Managers) -> tuple[str, str] | None:
    """The first rule the mentor breaks with any member, by name, and its reason."""
    for member in members:
        refused = refusing_rule(request, member, mentor, managers)
        if refused:
            return refused
    return None


def group_score(request: OpenRequest, members: list[Candidate], mentor: Candidate,
                weights: dict[str, float]) -> tuple[Score, list[Score]]:
    """The mean of the members' scores, and each member's own (requester first)."""
    each = [score(request, member, mentor, weights) for member in members]
    mean = Score(
        total=round(fmean(s.total for s in each), 4),
        factors={name: round(fmean(s.factors[name] for s in each), 4) for name in FACTORS},
        contributions={name: round(fmean(s.contributions[name] for s in each), 4) for name in FACTORS},
        # The must-haves are the request's and are about the mentor: the same for every member.
        unmet_must_haves=each[0].unmet_must_haves,
    )
    return mean, each


def explain_group(request: OpenRequest, members: list[Candidate], mentor: Candidate, mean: Score,
                  each: list[Score]) -> str:
    figures = ", ".join(f"{s.total:.1f}" for s in each)
    head = (f"group of {len(members)} mentees with one mentor: the score is the mean of the members' "
            f"scores ({figures})")
    return "; ".join([head, explain(request, members[0], mentor, mean)])


def choose_for_group(request: OpenRequest, members: list[Candidate], mentor: Candidate,
                     weights: dict[str, float]) -> Choice:
    mean, each = group_score(request, members, mentor, weights)
    return Choice(mentor, mean, explain_group(request, members, mentor, mean, each))


def rank_for_group(request: OpenRequest, members: list[Candidate], mentors: Iterable[Candidate],
                   managers: Managers, weights: dict[str, float]) -> list[Choice]:
    """Mentors allowed with every member, best group score first; ties broken by id."""
    choices = [choose_for_group(request, members, mentor, weights)
               for mentor in mentors if group_refusal(request, members, mentor, managers) is None]
    return sorted(choices, key=lambda choice: (-choice.score.total, str(choice.mentor.participant_id)))


def check_group_pair(request: OpenRequest, members: list[Candidate], mentor: Candidate, managers: Managers,
                     weights: dict[str, float]) -> Choice | str:
    """An operator's or a run's mentor for a group: the hard rules hold for every member."""
    refused = group_refusal(request, members, mentor, managers)
    if refused:
        return f"group request: {refused[1]}"
    return choose_for_group(request, members, mentor, weights)


def why_no_mentor_fits_group(request: OpenRequest, members: list[Candidate], mentors: Iterable[Candidate],
                             managers: Managers) -> NoFit:
    """Every rule that refused a mentor for some member, with how many mentors, most first."""
    refused = [found for mentor in mentors if (found := group_refusal(request, members, mentor, managers))]
    if not refused:
        return NoFit(NO_MENTOR_YET, can_wait=True)
    counts = Counter(refused)
    parts = [f"{reason} ({count} mentor{'s' if count > 1 else ''})"
             for (_, reason), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    can_wait = any(rule in TIME_CAN_MEND for rule, _ in counts)
    return NoFit("group request: no mentor in the program meets the hard rules for every member: "
                 + "; ".join(parts), can_wait)


def members_not_yet_known() -> NoFit:
    # Intake checked every member's enrolment; matching may not have learned of one yet.
    return NoFit("group request: a member is not known in this program yet", can_wait=True)
