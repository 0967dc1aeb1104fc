"""Editing a pending request: the request and its mentee change together.

The mentee keeps the topics of each open request (that is how a duplicate is
recognised), so an edit that changed only the request would let a real duplicate
through and refuse a request that is not one. The application saves both at once.
"""

from typing import Any

from services.intake.domain.goals import goal_topics
from services.intake.domain.mentorship_request import MentorshipRequest
from services.intake.domain.participant import Participant
from services.intake.domain.request_rules import check_not_a_duplicate


def edit_request(request: MentorshipRequest, mentee: Participant, goals: list[dict[str, str]],
                 meeting_modes: list[str], preferences: dict[str, Any]) -> None:
    if mentee.id != request.mentee_id:
        raise ValueError(f"participant {mentee.id} is not the mentee of request {request.id}")
    # Every check before any change, so a refusal leaves both aggregates as they were.
    request.check_can_be_edited(goals)
    mentee.check_still_enrolled()
    check_not_a_duplicate(mentee, goals, besides=request.id)
    topics_before = goal_topics(request.goals)
    request.update(goals=goals, meeting_modes=meeting_modes, preferences=preferences)
    if goal_topics(goals) != topics_before:
        mentee.note_request_revised(request.id, sorted(goal_topics(goals)))
