"""How well two people fit, in [0, 100], from weighted factors each in [0, 1].

Reciprocity is scored, not assumed: what the mentor wants to learn against what the
mentee offers, so both sides gain. For a reciprocal (co-mentoring) request both
directions count equally.
"""

from dataclasses import dataclass

from services.matching.domain.logistics import availability_overlap, utc_offset_hours
from services.matching.domain.pool import LEVEL_VALUE, Candidate, OpenRequest

FACTORS = ("learning", "reciprocity", "logistics", "language", "career_gap", "outside_circle")
UNKNOWN_AVAILABILITY = 0.5
MUST_HAVE_PENALTY = 0.5
SYMMETRIC_FORMATS = ("reciprocal", "peer")


@dataclass(frozen=True)
class Score:
    total: float
    factors: dict[str, float]  # each in [0, 1]
    contributions: dict[str, float]  # points each factor added to the total
    unmet_must_haves: tuple[str, ...] = ()


def learning_from(learner_topics: list[str], teacher: Candidate) -> float:
    if not learner_topics:
        return 0.0
    return sum(LEVEL_VALUE.get(teacher.offers.get(topic, ""), 0.0) for topic in learner_topics) / len(learner_topics)


def wants_met_by(learner: Candidate, teacher: Candidate) -> float:
    if not learner.wants:
        return 0.0
    return sum(LEVEL_VALUE.get(teacher.offers.get(topic, ""), 0.0) for topic in learner.wants) / len(learner.wants)


def logistics(request: OpenRequest, mentee: Candidate, mentor: Candidate) -> float:
    shared = set(request.meeting_modes or mentee.meeting_modes) & mentor.meeting_modes
    if "in_person" in shared and (not mentee.location or mentee.location != mentor.location):
        shared.discard("in_person")
    modes = 1.0 if shared else 0.0
    distance = abs(utc_offset_hours(mentee.time_zone) - utc_offset_hours(mentor.time_zone))
    zones = 1 - min(distance, 12) / 12
    overlap = availability_overlap(mentee.availability, mentee.time_zone, mentor.availability, mentor.time_zone)
    availability = UNKNOWN_AVAILABILITY if overlap is None else overlap
    return 0.4 * modes + 0.3 * zones + 0.3 * availability


def career_gap(request: OpenRequest, mentee: Candidate, mentor: Candidate) -> float:
    gap = mentor.years_experience - mentee.years_experience
    if request.format in SYMMETRIC_FORMATS:
        return 1 - min(abs(gap), 10) / 10
    if gap < 3:
        return max(0.0, gap / 3)
    if gap > 15:
        return max(0.0, 1 - (gap - 15) / 15)
    return 1.0


def outside_circle(mentee: Candidate, mentor: Candidate) -> float:
    if mentee.organization != mentor.organization:
        return 1.0
    return 0.5 if mentee.department != mentor.department else 0.0


def factor_values(request: OpenRequest, mentee: Candidate, mentor: Candidate) -> dict[str, float]:
    learning = learning_from(request.goal_topics, mentor)
    reciprocity = wants_met_by(mentor, mentee)
    if request.format in SYMMETRIC_FORMATS:
        # Co-mentoring: each learns from the other, so each direction counts equally.
        mentee_gain = (learning + wants_met_by(mentee, mentor)) / 2
        learning = reciprocity = (mentee_gain + reciprocity) / 2
    return {
        "learning": learning,
        "reciprocity": reciprocity,
        "logistics": logistics(request, mentee, mentor),
        "language": 1.0 if mentee.languages & mentor.languages else 0.0,
        "career_gap": career_gap(request, mentee, mentor),
        "outside_circle": outside_circle(mentee, mentor),
    }


def score(request: OpenRequest, mentee: Candidate, mentor: Candidate, weights: dict[str, float]) -> Score:
    factors = factor_values(request, mentee, mentor)
    weight_sum = sum(max(0.0, weights.get(name, 0.0)) for name in FACTORS) or 1.0
    contributions = {name: 100 * max(0.0, weights.get(name, 0.0)) * factors[name] / weight_sum for name in FACTORS}
    total = sum(contributions.values())
    unmet = tuple(sorted(request.must_have - mentor.attributes()))
    if unmet:
        total *= MUST_HAVE_PENALTY
        contributions = {name: value * MUST_HAVE_PENALTY for name, value in contributions.items()}
    rounded = {name: round(value, 4) for name, value in contributions.items()}
    return Score(round(total, 4), {k: round(v, 4) for k, v in factors.items()}, rounded, unmet)
