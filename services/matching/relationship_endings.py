"""What matching learns from sessions: a relationship ended, so the seats it held are free;
a group's mentee left it, so that mentee's seat is free.

Every way a relationship ends (completed, ended early, ended for no fit) is one public
fact, RelationshipClosed. The seats go back in the same save as the message's tracking
record, so a crash never frees a seat twice or loses the release.
"""

from typing import Any

from shared.consumer import Handler
from shared.contracts import sessions as facts
from shared.contracts.base import EventContract
from shared.envelope import CloudEvent
from shared.store_access import find_sync
from services.matching.application import MatchingApplication
from services.matching.domain.match_request import MatchRequest
from services.matching.domain.proposal import MatchProposal
from services.matching.seat_release import free_seat_of_member, free_seats_of


def handlers(app: MatchingApplication) -> dict[type[EventContract], Handler]:
    def confirmed_proposal(relationship_id: Any) -> MatchProposal | None:
        # The relationship id is the request id; the request remembers which proposal it became.
        request = find_sync(app, relationship_id, MatchRequest)
        if request is None or request.status != "matched" or request.current_proposal is None:
            return None
        return find_sync(app, request.current_proposal, MatchProposal)

    def relationship_closed(fact: facts.RelationshipClosed, _: CloudEvent) -> list[Any]:
        proposal = confirmed_proposal(fact.relationship_id)
        return free_seats_of(app, proposal) if proposal is not None else []

    def mentee_left_group(fact: facts.MenteeLeftGroup, _: CloudEvent) -> list[Any]:
        proposal = confirmed_proposal(fact.relationship_id)
        return free_seat_of_member(app, proposal, fact.participant_id) if proposal is not None else []

    return {facts.RelationshipClosed: relationship_closed, facts.MenteeLeftGroup: mentee_left_group}
