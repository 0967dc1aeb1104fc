"""Sessions' event store. Most use cases are the Relationship's own commands, run
through shared.http.aggregates.change; this class names the store and snapshots, and
holds what spans aggregates: a person leaving the program, and their erasure."""

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate

from shared.eventstore import ServiceApplication
from shared.store_access import find_sync
from services.sessions import key_erasing_recorder
from services.sessions.domain.external_facts import ExternalFacts
from services.sessions.domain.participation import KEYS_ERASED, Participation, participation_id
from services.sessions.domain.relationship import Relationship

SNAPSHOT_EVERY = 50


class SessionsApplication(ServiceApplication):
    service = "sessions"
    name = "sessions"
    env = {"PROCESS_RECORDER_TOPIC": key_erasing_recorder.TOPIC}
    # Long relationships load from the latest snapshot plus at most 49 events.
    snapshotting_intervals = {Relationship: SNAPSHOT_EVERY, ExternalFacts: SNAPSHOT_EVERY,
                              Participation: SNAPSHOT_EVERY}

    def participant_left(self, participant_id: UUID, erased: bool, at: datetime) -> list[Aggregate]:
        """Withdrawn or erased: each relationship they are still in closes, so no timer
        fires for them again; an erasure also deletes their keys (see _record)."""
        participation = self._participation(participant_id)
        if erased:
            participation.erase()
        else:
            participation.leave()
        closed: list[Aggregate] = []
        for relationship_id in self._relationships_of(participation):
            relationship = find_sync(self, relationship_id, Relationship)
            if relationship is not None and participant_id in relationship.party_ids:
                relationship.close_as_a_party_left(participant_id, at)
                closed.append(relationship)
        return [participation, *closed]

    def note_parties(self, relationship: Relationship, at: datetime) -> list[Aggregate]:
        """A new relationship joins each party's participation; one started for someone
        who already left (their match raced their leaving) closes as it starts."""
        participations: list[Aggregate] = []
        for person in relationship.party_ids:
            participation = self._participation(person)
            participation.join(relationship.id)
            if participation.left:
                relationship.close_as_a_party_left(person, at)
            participations.append(participation)
        return participations

    def _participation(self, participant_id: UUID) -> Participation:
        return (find_sync(self, participation_id(participant_id), Participation)
                or Participation.open(participant_id))

    def _relationships_of(self, participation: Participation) -> list[UUID]:
        known = {UUID(relationship_id) for relationship_id in participation.relationship_ids}
        return sorted(known | self._listed_before_participations(participation.participant_id))

    def _listed_before_participations(self, participant_id: UUID) -> set[UUID]:
        """Relationships started before participations were kept are found in the lists;
        those are projected long since, so the lists' lag does not matter for them."""
        with self.recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT to_regclass('documents') IS NOT NULL AS listed")
            row = cursor.fetchone()
            assert row is not None  # a SELECT without FROM answers one row
            if not row["listed"]:
                return set()
            cursor.execute("""SELECT id FROM documents WHERE kind = 'relationship'
                              AND status <> 'closed' AND tags @> %s""",
                           ([f"participant:{participant_id}"],))
            return {UUID(str(row["id"])) for row in cursor.fetchall()}

    def _record(self, processing_event: ProcessingEvent[UUID]) -> Any:
        # Keys are deleted in the very transaction that records their erasure.
        erased = [event.participant_id for event in processing_event.events
                  if isinstance(event, KEYS_ERASED)]
        if erased:
            processing_event.saved_kwargs[key_erasing_recorder.ERASE_KEYS_OF] = erased
        return super()._record(processing_event)
