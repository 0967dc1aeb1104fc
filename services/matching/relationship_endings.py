"""What matching learns from sessions: a relationship ended, so the seats it held are free.

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
from services.matching.domain.seats import Seats, seats_id


def handlers(app: MatchingApplication) -> dict[type[EventContract], Handler]:
    def relationship_closed(fact: facts.RelationshipClosed, _: CloudEvent) -> list[Any]:
        # The relationship id is the request id; the request remembers which proposal it became.
        request = find_sync(app, fact.relationship_id, MatchRequest)
        if request is None or request.status != "matched" or request.current_proposal is None:
            return []
        proposal = find_sync(app, request.current_proposal, MatchProposal)
        if proposal is None:
            return []
        freed = []
        for person, role in proposal.seat_roles:
            seats = find_sync(app, seats_id(person, role), Seats)
            if seats is not None and proposal.id in seats.held:
                seats.release(proposal.id)
                freed.append(seats)
        return freed

    return {facts.RelationshipClosed: relationship_closed}
