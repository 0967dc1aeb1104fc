"""A short sentence a person can read: why these two were proposed."""

from services.matching.domain.logistics import format_offset
from services.matching.domain.pool import Candidate, OpenRequest
from services.matching.domain.scoring import Score


def explain(request: OpenRequest, mentee: Candidate, mentor: Candidate, result: Score) -> str:
    parts = []
    shared_modes = sorted(set(request.meeting_modes or mentee.meeting_modes) & mentor.meeting_modes)
    if shared_modes:
        parts.append(f"both can meet by {', '.join(mode.replace('_', ' ') for mode in shared_modes)}")
    mentee_zone, mentor_zone = format_offset(mentee.time_zone), format_offset(mentor.time_zone)
    if mentee_zone == mentor_zone:
        parts.append(f"both work in {mentee_zone}")
    else:
        parts.append(f"both work across time zones {mentee_zone}/{mentor_zone}")
    for number, topic in enumerate(request.goal_topics, start=1):
        level = mentor.offers.get(topic)
        if level:
            parts.append(f"mentor offers {topic} at {level} level, which is goal {number}")
    for topic in sorted(mentor.wants):
        if topic in mentee.offers:
            parts.append(f"mentee offers {topic}, which the mentor wants to learn")
    if mentee.organization != mentor.organization:
        parts.append("they come from different organizations")
    elif mentee.department != mentor.department:
        parts.append("they come from different departments")
    if result.unmet_must_haves:
        parts.append(f"but not: {', '.join(result.unmet_must_haves)}")
    return "; ".join(parts)
