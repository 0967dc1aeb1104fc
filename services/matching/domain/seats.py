"""How many relationships one person holds in one role: the capacity ledger.

Every confirmation reserves a seat on this aggregate in the same save as the
proposal, so two confirmations racing for the last seat conflict on its version and
only one can win, on any replica.
"""

from functools import lru_cache
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from shared.errors import RuleViolated


# Remembered: a message about a person derives its ledgers' ids four or five times (to
# load them with its run, to find and to open them), at 4 us of SHA-1 and UUID each.
@lru_cache(maxsize=16_384)
def seats_id(participant_id: UUID, role: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"mentoring:seats:{role}:{participant_id}")


class Seats(Aggregate):
    @event("SeatsOpened")
    def __init__(self, id: UUID, participant_id: UUID, role: str, capacity: int) -> None:
        self.participant_id = participant_id
        self.role = role
        self.capacity = capacity
        self.held: list[UUID] = []

    @classmethod
    def open(cls, participant_id: UUID, role: str, capacity: int) -> "Seats":
        return cls(id=seats_id(participant_id, role), participant_id=participant_id, role=role, capacity=capacity)

    @property
    def free(self) -> int:
        return self.capacity - len(self.held)

    def reserve(self, proposal_id: UUID) -> None:
        if proposal_id in self.held:
            return
        if self.free <= 0:
            raise RuleViolated("no-capacity-left", f"the {self.role} has no capacity left ({self.capacity} taken)")
        self._reserved(proposal_id=proposal_id)

    def release(self, proposal_id: UUID) -> None:
        if proposal_id in self.held:
            self._released(proposal_id=proposal_id)

    def set_capacity(self, capacity: int) -> None:
        if capacity != self.capacity:
            self._capacity_set(capacity=capacity)

    @event("SeatReserved")
    def _reserved(self, proposal_id: UUID) -> None:
        self.held = [*self.held, proposal_id]

    @event("SeatReleased")
    def _released(self, proposal_id: UUID) -> None:
        self.held = [held for held in self.held if held != proposal_id]

    @event("SeatCapacitySet")
    def _capacity_set(self, capacity: int) -> None:
        self.capacity = capacity
