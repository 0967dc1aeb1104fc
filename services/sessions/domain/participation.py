"""One person's part in sessions: the relationships they are a party to, and whether
they left the program (withdrew, or were erased).

Kept in the event store, not read from the lists, because the lists lag behind: a
person leaving just after a match was confirmed still has that relationship found
and closed, and a match confirmed after they left is closed as it starts.
"""

from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


def participation_id(participant_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"mentoring:participation:{participant_id}")


class Participation(Aggregate):
    if TYPE_CHECKING:  # never run: the class @event("ParticipantKeysErased") makes below
        class ParticipantKeysErased(Aggregate.Event):
            participant_id: UUID

    @event("ParticipationOpened")
    def __init__(self, id: UUID, participant_id: UUID) -> None:
        self.participant_id = participant_id
        self.relationship_ids: list[str] = []
        self.left = False
        self.erased = False

    @classmethod
    def open(cls, participant_id: UUID) -> "Participation":
        return cls(id=participation_id(participant_id), participant_id=participant_id)

    def join(self, relationship_id: UUID) -> None:
        if str(relationship_id) not in self.relationship_ids:
            self._joined(relationship_id=relationship_id)

    def leave(self) -> None:
        if not self.left:
            self._left()

    def erase(self) -> None:
        """Erasure is leaving for good, and the person's keys go with it."""
        self.leave()
        if not self.erased:
            self._keys_erased(participant_id=self.participant_id)

    @event("ParticipantJoinedRelationship")
    def _joined(self, relationship_id: UUID) -> None:
        self.relationship_ids = [*self.relationship_ids, str(relationship_id)]

    @event("ParticipantLeftProgram")
    def _left(self) -> None:
        self.left = True

    # The store deletes this person's keys in the transaction that records this event
    # (shared/key_erasing_recorder.py), so it cannot be recorded without it.
    @event("ParticipantKeysErased")
    def _keys_erased(self, participant_id: UUID) -> None:
        self.erased = True


KEYS_ERASED = Participation.ParticipantKeysErased
