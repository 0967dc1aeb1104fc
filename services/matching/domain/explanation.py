"""A short sentence a person can read: why these two were proposed."""

from services.matching.domain.logistics import format_offset
from services.matching.domain.pool import Candidate, OpenRequest
from services.matching.domain.scoring import Score


def explain(request: OpenRequest, mentee: Candidate, mentor: Candidate, result: Score) -> str:
    parts = _meeting(request, mentee, mentor)
    for number, topic in enumerate(request.goal_topics, start=1):
        level = mentor.offers.get(topic)
        if level:
            parts.append(f"mentor offers {topic} at {level} level, which is goal {number}")
    for topic in sorted(mentor.wants):
        if topic in mentee.offers:
            parts.append(f"mentee offers {topic}, which the mentor wants to learn")
    return "; ".join(parts + _circle_and_shortfalls(mentee, mentor, result))


def explain_reciprocal(request: OpenRequest, requester: Candidate, co_mentee: Candidate, result: Score) -> str:
    """Co-mentoring: what each offers that the other wants, both ways, and say so when one way is empty."""
    parts = ["co-mentoring: each learns from the other", *_meeting(request, requester, co_mentee)]
    parts.append(_gains("the co-mentee", co_mentee, "the requester", _wanted_by_requester(request, requester)))
    parts.append(_gains("the requester", requester, "the co-mentee", sorted(co_mentee.wants)))
    return "; ".join(parts + _circle_and_shortfalls(requester, co_mentee, result))


def _wanted_by_requester(request: OpenRequest, requester: Candidate) -> list[str]:
    # The request's goals first (as asked), then the rest of what the profile wants to learn.
    return list(dict.fromkeys([*request.goal_topics, *sorted(requester.wants)]))


def _gains(giver_name: str, giver: Candidate, learner_name: str, wanted: list[str]) -> str:
    offered = [f"{topic} at {giver.offers[topic]} level" for topic in wanted if topic in giver.offers]
    if not offered:
        return f"{giver_name} offers nothing {learner_name} asked to learn"
    return f"{giver_name} offers {', '.join(offered)}, which {learner_name} wants to learn"


def _meeting(request: OpenRequest, mentee: Candidate, mentor: Candidate) -> list[str]:
    parts = []
    shared_modes = sorted(set(request.meeting_modes or mentee.meeting_modes) & mentor.meeting_modes)
    if shared_modes:
        parts.append(f"both can meet by {', '.join(mode.replace('_', ' ') for mode in shared_modes)}")
    mentee_zone, mentor_zone = format_offset(mentee.time_zone), format_offset(mentor.time_zone)
    if mentee_zone == mentor_zone:
        parts.append(f"both work in {mentee_zone}")
    else:
        parts.append(f"both work across time zones {mentee_zone}/{mentor_zone}")
    return parts


def _circle_and_shortfalls(mentee: Candidate, mentor: Candidate, result: Score) -> list[str]:
    parts = []
    if mentee.organization != mentor.organization:
        parts.append("they come from different organizations")
    elif mentee.department != mentor.department:
        parts.append("they come from different departments")
    if result.unmet_must_haves:
        parts.append(f"but not: {', '.join(result.unmet_must_haves)}")
    return parts
