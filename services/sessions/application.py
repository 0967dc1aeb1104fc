"""Sessions' use cases on its event store. Synchronous: callers use run_blocking.

A command on a relationship names who acts as an `Actor`, settled against the
relationship as loaded (the API's is `acting_person`, services/sessions/api/acting.py):
load, settle who acts, run the Relationship's command, save. A concurrent change makes
the save fail as ConcurrentWrite; nothing is recorded then. Private text (notes,
comments, reflections) arrives sealed with its author's key: the store never sees it
open. What other services decided (a confirmed match, a person leaving the program or
erased) comes back changed but not saved: the consumer saves it with the message's
tracking record, in one transaction.
"""

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.postgres import PostgresProcessRecorder

from shared.errors import DomainError
from shared import key_erasing_recorder
from shared.eventstore import ServiceApplication
from shared.store_access import find_sync, load_sync, save_sync
from services.sessions.domain.external_facts import ExternalFacts
from services.sessions.domain.participation import KEYS_ERASED, Participation, participation_id
from services.sessions.domain.relationship import Relationship

SNAPSHOT_EVERY = 50
# Said in the service's words, never the person's: the fact is published (MenteeLeftGroup).
LEFT_BY_CHOICE = "the mentee left the group"

# Who acts on a relationship, given it as loaded; raises when nobody may act so.
Actor = Callable[[Relationship], UUID]


class SessionsApplication(ServiceApplication):
    service = "sessions"
    name = "sessions"
    env = {"PROCESS_RECORDER_TOPIC": key_erasing_recorder.TOPIC}
    # Long relationships load from the latest snapshot plus at most 49 events.
    snapshotting_intervals = {Relationship: SNAPSHOT_EVERY, ExternalFacts: SNAPSHOT_EVERY,
                              Participation: SNAPSHOT_EVERY}

    # --- what matching decided -------------------------------------------------------
    # Changed, not saved: the consumer saves them with the message's tracking record.

    def start_relationship(self, relationship_id: UUID, program_id: UUID, organization_id: str, format: str,
                           parties: list[dict[str, Any]], goals: list[dict[str, str]], cadence_days: int,
                           length_weeks: int, ground_rules: dict[str, Any], at: datetime) -> list[Aggregate]:
        """A confirmed match starts its relationship exactly once, whatever is redelivered."""
        if find_sync(self, relationship_id, Relationship) is not None:
            return []
        relationship = Relationship(
            id=relationship_id, program_id=program_id, organization_id=organization_id, format=format,
            parties=parties, goals=goals, cadence_days=cadence_days, length_weeks=length_weeks,
            ground_rules=ground_rules, started_at=at,
        )
        return [relationship, *self.note_parties(relationship, at)]

    def end_cancelled_relationship(self, relationship_id: UUID, reason: str, at: datetime) -> list[Aggregate]:
        """Matching undid a confirmation (the request was withdrawn meanwhile, and intake
        owns that): a relationship it started ends, closed in the mentee's name, who asked."""
        relationship = find_sync(self, relationship_id, Relationship)
        if relationship is None or relationship.status == "closed":
            return []
        relationship.close(relationship.mentee_ids[0], "ended_early", reason, at)
        return [relationship]

    # --- forming: the agreement and the ground rules -----------------------------------

    def propose_agreement(self, relationship_id: UUID, actor: Actor, terms: dict[str, Any],
                          at: datetime) -> Relationship:
        relationship, by = self._acting_on(relationship_id, actor)
        relationship.propose_agreement(by, terms, at)
        return self._saved(relationship)

    def sign_agreement(self, relationship_id: UUID, actor: Actor, version: int, at: datetime) -> Relationship:
        relationship, by = self._acting_on(relationship_id, actor)
        relationship.sign_agreement(by, version, at)
        return self._saved(relationship)

    def add_ground_rule(self, relationship_id: UUID, actor: Actor, rule: str, at: datetime) -> Relationship:
        relationship, by = self._acting_on(relationship_id, actor)
        relationship.add_ground_rule(by, rule, at)
        return self._saved(relationship)

    def acknowledge_ground_rules(self, relationship_id: UUID, actor: Actor, at: datetime) -> Relationship:
        relationship, by = self._acting_on(relationship_id, actor)
        relationship.acknowledge_ground_rules(by, at)
        return self._saved(relationship)

    # --- meeting: sessions, notes, check-ins and the pairing-fit question --------------

    def schedule_session(self, relationship_id: UUID, actor: Actor, session_id: UUID, starts_at: datetime,
                         minutes: int, mode: str, agenda: str, at: datetime) -> Relationship:
        relationship, by = self._acting_on(relationship_id, actor)
        relationship.schedule_session(by, session_id, starts_at, minutes, mode, agenda, at)
        return self._saved(relationship)

    def reschedule_session(self, relationship_id: UUID, actor: Actor, session_id: UUID, starts_at: datetime,
                           at: datetime) -> Relationship:
        relationship, by = self._acting_on(relationship_id, actor)
        relationship.reschedule_session(by, session_id, starts_at, at)
        return self._saved(relationship)

    def cancel_session(self, relationship_id: UUID, actor: Actor, session_id: UUID, at: datetime) -> Relationship:
        relationship, by = self._acting_on(relationship_id, actor)
        relationship.cancel_session(by, session_id, at)
        return self._saved(relationship)

    def mark_session_held(self, relationship_id: UUID, actor: Actor, session_id: UUID, minutes: int,
                          goals_touched: list[int], learned: dict[str, list[str]], at: datetime,
                          absent: list[UUID] | None = None) -> Relationship:
        relationship, by = self._acting_on(relationship_id, actor)
        relationship.mark_session_held(by, session_id, minutes, goals_touched, learned, at, absent or [])
        return self._saved(relationship)

    def mark_session_missed(self, relationship_id: UUID, actor: Actor, session_id: UUID, missed_by: list[UUID],
                            at: datetime) -> Relationship:
        relationship, by = self._acting_on(relationship_id, actor)
        relationship.mark_session_missed(by, session_id, missed_by, at)
        return self._saved(relationship)

    def add_private_note(self, relationship_id: UUID, actor: Actor, session_id: UUID, note_ciphertext: str,
                         at: datetime) -> Relationship:
        relationship, by = self._acting_on(relationship_id, actor)
        relationship.add_private_note(by, session_id, note_ciphertext, at)
        return self._saved(relationship)

    def record_check_in(self, relationship_id: UUID, actor: Actor, fit: int, progress: int,
                        comment_ciphertext: str | None, at: datetime) -> Relationship:
        relationship, by = self._acting_on(relationship_id, actor)
        relationship.record_check_in(by, fit, progress, comment_ciphertext, at)
        return self._saved(relationship)

    def report_pairing_fit(self, relationship_id: UUID, actor: Actor, answer: str, at: datetime) -> Relationship:
        relationship, by = self._acting_on(relationship_id, actor)
        relationship.report_pairing_fit(by, answer, at)
        return self._saved(relationship)

    # --- pausing and ending ------------------------------------------------------------

    def pause(self, relationship_id: UUID, actor: Actor, reason: str, at: datetime) -> Relationship:
        relationship, by = self._acting_on(relationship_id, actor)
        relationship.pause(by, reason, at)
        return self._saved(relationship)

    def resume(self, relationship_id: UUID, actor: Actor, at: datetime) -> Relationship:
        relationship, by = self._acting_on(relationship_id, actor)
        relationship.resume(by, at)
        return self._saved(relationship)

    def close_relationship(self, relationship_id: UUID, actor: Actor, outcome: str, reason: str,
                           at: datetime) -> Relationship:
        relationship, by = self._acting_on(relationship_id, actor)
        relationship.close(by, outcome, reason, at)
        return self._saved(relationship)

    def leave_group(self, relationship_id: UUID, actor: Actor, at: datetime) -> Relationship:
        relationship, by = self._acting_on(relationship_id, actor)
        relationship.leave_group(by, LEFT_BY_CHOICE, at)
        return self._saved(relationship)

    def end_for_no_fit(self, relationship_id: UUID, actor: Actor, rematch: bool, at: datetime) -> Relationship:
        relationship, by = self._acting_on(relationship_id, actor)
        relationship.end_for_no_fit(by, rematch, at)
        return self._saved(relationship)

    def record_reflection(self, relationship_id: UUID, actor: Actor, reflection_ciphertext: str,
                          goal_outcomes: Mapping[str, str], at: datetime) -> Relationship:
        relationship, by = self._acting_on(relationship_id, actor)
        relationship.record_reflection(by, reflection_ciphertext, goal_outcomes, at)
        return self._saved(relationship)

    def offer_to_pay_it_forward(self, relationship_id: UUID, actor: Actor, at: datetime) -> Relationship:
        relationship, by = self._acting_on(relationship_id, actor)
        relationship.offer_to_pay_it_forward(by, at)
        return self._saved(relationship)

    # --- timers (services/sessions/timers.py finds the relationships due) ----------------

    def fire_due_timers(self, relationship_id: UUID, now: datetime) -> int:
        """Records what is due by `now`: reminders, a stall, the completion at the end."""
        relationship = load_sync(self, relationship_id, Relationship, "relationship")
        fired = 0
        for session_id in relationship.sessions_due_a_reminder(now):
            relationship.remind_session(UUID(session_id), now)
            fired += 1
        if relationship.is_stalled(now):
            relationship.mark_stalled(now)
            fired += 1
        try:
            relationship.complete_at_end(now)
            fired += 1
        except DomainError:
            pass  # not at its end yet
        if fired:
            save_sync(self, relationship)
        return fired

    def _acting_on(self, relationship_id: UUID, actor: Actor) -> tuple[Relationship, UUID]:
        relationship = load_sync(self, relationship_id, Relationship, "relationship")
        return relationship, actor(relationship)

    def _saved(self, relationship: Relationship) -> Relationship:
        save_sync(self, relationship)
        return relationship

    # --- a person leaving the program ----------------------------------------------------

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
        those are projected long since, so the lists' lag does not matter for them. The
        lists live beside the store in PostgreSQL; the in-memory store has none."""
        if not isinstance(self.recorder, PostgresProcessRecorder):
            return set()
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

    def keys_erased_by(self, events: Sequence[Any]) -> list[UUID]:
        return [event.participant_id for event in events if isinstance(event, KEYS_ERASED)]
