"""Freeing the seats a confirmed match held: one rule for every ending that frees them
(sessions' RelationshipClosed, matching's own cancellation of a confirmed match)."""

from typing import Any
from uuid import UUID

from shared.store_access import find_sync
from services.matching.application import MatchingApplication
from services.matching.domain.proposal import MatchProposal
from services.matching.domain.seats import Seats, seats_id


def free_seats_of(app: MatchingApplication, proposal: MatchProposal) -> list[Any]:
    """The ledgers changed; the caller saves them with whatever else the ending changed."""
    freed = []
    for person, role in proposal.seat_roles:  # a co-mentoring pair holds more than two
        seats = find_sync(app, seats_id(person, role), Seats)
        if seats is not None and proposal.id in seats.held:
            seats.release(proposal.id)
            freed.append(seats)
    return freed


def free_seat_of_member(app: MatchingApplication, proposal: MatchProposal, person: UUID) -> list[Any]:
    """A group's mentee left the relationship: only their own seat comes back; the mentor's one
    seat for the group stays held while the group goes on."""
    freed = []
    for holder, role in proposal.seat_roles:
        if holder == person and role == "mentee":
            seats = find_sync(app, seats_id(person, role), Seats)
            if seats is not None and proposal.id in seats.held:
                seats.release(proposal.id)
                freed.append(seats)
    return freed
