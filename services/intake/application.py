"""Intake's use cases on its event store. Synchronous: callers use run_blocking."""

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from shared.eventstore import ServiceApplication
from shared.store_access import LoadedOnce, find_sync, load_sync, save_sync
from services.intake.domain.enrolment_rules import check_can_enrol
from services.intake.domain.mentorship_request import MentorshipRequest
from services.intake.domain.participant import Participant
from services.intake.domain.program import Program
from services.intake.domain.request_rules import check_can_request, goal_topics


class IntakeApplication(ServiceApplication):
    service = "intake"
    name = "intake"
    snapshotting_intervals = {Participant: 50, Program: 50, MentorshipRequest: 50}

    # A create whose id is derived from its Idempotency-Key (shared/http/aggregates.py) and
    # finds that id taken was saved by an earlier try whose answer was lost (the process died
    # between the commit and the idempotency record): it answers with what that try made.

    def open_program(self, program_id: UUID, settings: dict[str, Any]) -> Program:
        if (made := find_sync(self, program_id, Program)) is not None:
            return made
        program = Program(id=program_id, settings=settings)
        save_sync(self, program)
        return program

    def enrol(self, participant_id: UUID, program_id: UUID, organization_id: str, profile: dict[str, Any],
              consent_given: bool, personal_ciphertext: str) -> Participant:
        if (made := find_sync(self, participant_id, Participant)) is not None:
            return made
        program = load_sync(self, program_id, Program, "program")
        check_can_enrol(program, organization_id)
        person = Participant.enrol(
            id=participant_id, program_id=program_id, organization_id=organization_id, profile=profile,
            consent_given=consent_given, personal_ciphertext=personal_ciphertext,
        )
        save_sync(self, person)
        return person

    def erase_participant(self, participant_id: UUID,
                          authorize: Callable[[Participant], None]) -> Participant:
        """Records the erasure, or finds it already recorded: the caller deletes the key
        after this either way, so retrying an erase whose key deletion failed finishes it."""
        person = load_sync(self, participant_id, Participant, "participant")
        authorize(person)
        if not person.erased:
            person.erase()
            save_sync(self, person)
        return person

    def request_mentorship(self, request_id: UUID, organization_id: str, fields: dict[str, Any],
                           message_ciphertext: str | None, at: datetime,
                           loaded: LoadedOnce | None = None) -> MentorshipRequest:
        """`loaded`: the aggregates the caller's checks already read, not read again."""
        if (made := find_sync(self, request_id, MentorshipRequest)) is not None:
            return made
        loaded = loaded or LoadedOnce(self)
        program = loaded.get(fields["program_id"], Program, "program")
        mentee = loaded.get(fields["mentee_id"], Participant, "participant")
        co_mentee = self._optional_person(loaded, fields.get("co_mentee_id"))
        named_mentor = self._optional_person(loaded, fields.get("named_mentor_id"))
        group = [loaded.get(person, Participant, "participant") for person in fields.get("co_mentee_ids", [])]
        check_can_request(program, mentee, co_mentee, named_mentor, fields["format"], fields["goals"], group)
        request = MentorshipRequest(
            id=request_id, program_id=program.id, organization_id=organization_id, mentee_id=mentee.id,
            co_mentee_id=fields.get("co_mentee_id"), format=fields["format"], goals=fields["goals"],
            meeting_modes=fields["meeting_modes"], preferences=fields["preferences"],
            named_mentor_id=fields.get("named_mentor_id"), message_ciphertext=message_ciphertext, requested_at=at,
            co_mentee_ids=[member.id for member in group],
        )
        mentee.note_request_opened(request.id, sorted(goal_topics(fields["goals"])))
        # One save for both: a concurrent request for the same mentee conflicts here.
        save_sync(self, request, mentee)
        return request

    def withdraw_request(self, request: MentorshipRequest) -> None:
        request.withdraw()
        mentee = load_sync(self, request.mentee_id, Participant, "participant")
        mentee.note_request_settled(request.id)
        save_sync(self, request, mentee)

    @staticmethod
    def _optional_person(loaded: LoadedOnce, participant_id: UUID | None) -> Participant | None:
        if participant_id is None:
            return None
        return loaded.get(participant_id, Participant, "participant")
