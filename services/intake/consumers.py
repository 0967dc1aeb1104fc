"""What intake learns from the other services: matches settle requests, and a
finished mentee's offer to pay it forward becomes a pending mentor enrolment."""

from typing import Any

from shared.consumer import Handler
from shared.contracts.base import EventContract
from shared.contracts.matching import MatchConfirmed, RequestUnmatched
from shared.contracts.sessions import PayItForwardOffered
from shared.envelope import CloudEvent
from shared.store_access import load_sync
from services.intake.application import IntakeApplication
from services.intake.domain.mentorship_request import MentorshipRequest
from services.intake.domain.participant import Participant


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

    def when_pay_it_forward_offered(fact: PayItForwardOffered, _: CloudEvent) -> list[Any]:
        person = load_sync(app, fact.participant_id, Participant, "participant")
        person.offer_to_mentor(fact.relationship_id)
        return [person]

    return {
        MatchConfirmed: when_match_confirmed,
        RequestUnmatched: when_request_unmatched,
        PayItForwardOffered: when_pay_it_forward_offered,
    }
