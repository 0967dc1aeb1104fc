"""What intake learns from the other services: matches settle requests, a pair that
did not fit asks again with a new request, and a finished mentee's offer to pay it
forward becomes a pending mentor enrolment."""

from typing import Any
from uuid import NAMESPACE_URL, uuid5

from services.intake.application import IntakeApplication
from services.intake.domain.mentorship_request import MentorshipRequest
from services.intake.domain.participant import Participant
from services.intake.domain.program import Program
from services.intake.domain.request_rules import check_can_request, goal_topics
from shared.consumer import Handler
from shared.contracts.base import EventContract
from shared.contracts.matching import MatchConfirmed, RequestUnmatched
from shared.contracts.sessions import PayItForwardOffered, RematchRequested
from shared.envelope import CloudEvent
from shared.store_access import find_sync, load_sync


def handlers(app: IntakeApplication) -> dict[type[EventContract], Handler]:
    def when_match_confirmed(fact: MatchConfirmed, _: CloudEvent) -> list[Any]:
        request = load_sync(app, fact.request_id, MentorshipRequest, "request")
        mentee = load_sync(app, request.mentee_id, Participant, "participant")
        request.mark_matched(fact.mentor_id)
        mentee.note_request_settled(request.id)
        return [request, mentee]

    def when_request_unmatched(fact: RequestUnmatched, _: CloudEvent) -> list[Any]:
        request = load_sync(app, fact.request_id, MentorshipRequest, "request")
        mentee = load_sync(app, request.mentee_id, Participant, "participant")
        request.mark_closed()
        mentee.note_request_settled(request.id)
        return [request, mentee]

    def when_rematch_requested(fact: RematchRequested, envelope: CloudEvent) -> list[Any]:
        new_id = uuid5(NAMESPACE_URL, f"mentoring:rematch:{fact.relationship_id}")
        if find_sync(app, new_id, MentorshipRequest) is not None:
            return []
        ended = load_sync(app, fact.relationship_id, MentorshipRequest, "request")
        # A group is matched again as the group (its requester asks), without those who left it.
        mentee_id = ended.mentee_id if ended.format == "group" else fact.mentee_id
        mentee = load_sync(app, mentee_id, Participant, "participant")
        program = load_sync(app, ended.program_id, Program, "program")
        members = [load_sync(app, person, Participant, "participant") for person in ended.group_members]
        group = [member for member in members if member.is_active]
        check_can_request(program, mentee, None, None, ended.format, ended.goals, group)
        request = MentorshipRequest.rematch_of(ended, new_id, fact.excluded_mentor_id, envelope.time,
                                               [member.id for member in group])
        mentee.note_request_opened(request.id, sorted(goal_topics(ended.goals)))
        return [request, mentee]

    def when_pay_it_forward_offered(fact: PayItForwardOffered, _: CloudEvent) -> list[Any]:
        person = load_sync(app, fact.participant_id, Participant, "participant")
        if person.mentors:
            return []  # a `both` mentee paying it forward already mentors: nothing to record
        person.offer_to_mentor(fact.relationship_id)
        return [person]

    return {
        MatchConfirmed: when_match_confirmed,
        RequestUnmatched: when_request_unmatched,
        PayItForwardOffered: when_pay_it_forward_offered,
        RematchRequested: when_rematch_requested,
    }
