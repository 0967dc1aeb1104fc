"""A person enrolled in one program by a partner organization."""

from typing import Annotated, Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from shared.errors import RuleViolated
from shared.privacy import Private


class Participant(Aggregate):
    @event("ParticipantEnrolled")
    def __init__(
        self, id: UUID, program_id: UUID, organization_id: str, profile: dict[str, Any],
        consent_given: bool, personal_ciphertext: Annotated[str, Private(owner="originator_id")],
    ) -> None:
        self.program_id = program_id
        self.organization_id = organization_id
        self.profile = profile
        self.consent_given = consent_given
        # Name and contact, sealed with this person's own key by the application: the domain never sees
        # them, and erasure (deleting the key) makes it unreadable for good.
        self.personal_ciphertext: str | None = personal_ciphertext
        self.status = "active"
        self.profile_version = 1
        self.erased = False
        self.pending_mentor_offer: UUID | None = None
        # Open requests live here, not only on the requests, so two requests made at
        # once both change this aggregate and optimistic concurrency lets one win.
        self.open_requests: dict[str, list[str]] = {}

    @classmethod
    def enrol(cls, id: UUID, program_id: UUID, organization_id: str, profile: dict[str, Any],
              consent_given: bool, personal_ciphertext: str) -> "Participant":
        if not consent_given:
            raise RuleViolated("consent-required", "a participant must consent to the processing of their data")
        return cls(id=id, program_id=program_id, organization_id=organization_id, profile=profile,
                   consent_given=consent_given, personal_ciphertext=personal_ciphertext)

    @property
    def roles(self) -> str:
        return self.profile["roles"]

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def can_be_mentee(self) -> bool:
        return self.roles in ("mentee", "both")

    def update_profile(self, profile: dict[str, Any]) -> None:
        self.check_still_enrolled()
        self._profile_updated(profile=profile)

    def pause(self) -> None:
        self.check_still_enrolled()
        if self.status == "paused":
            raise RuleViolated("participant-already-paused", "availability is already paused")
        self._availability_changed(available=False)

    def resume(self) -> None:
        self.check_still_enrolled()
        if self.status == "active":
            raise RuleViolated("participant-already-active", "the participant is already available")
        self._availability_changed(available=True)

    def withdraw(self) -> None:
        self.check_still_enrolled()
        self._withdrew()

    def erase(self) -> None:
        if self.erased:
            raise RuleViolated("participant-erased", "this participant's personal data is already erased")
        self._erased()

    @property
    def mentors(self) -> bool:
        return self.roles in ("mentor", "both")

    def offer_to_mentor(self, relationship_id: UUID) -> None:
        """Pay it forward: a finished mentee offers to mentor; someone must confirm it."""
        self.check_still_enrolled()
        if self.mentors:
            raise RuleViolated("already-a-mentor", "this participant already mentors")
        self._mentor_offer_recorded(relationship_id=relationship_id)

    def confirm_mentor_enrolment(self) -> None:
        self.check_still_enrolled()
        if self.pending_mentor_offer is None:
            raise RuleViolated("no-pending-mentor-offer", "there is no pending offer to mentor to confirm")
        self._mentor_enrolment_confirmed()

    def note_request_opened(self, request_id: UUID, topics: list[str]) -> None:
        self.check_still_enrolled()
        self._request_opened(request_id=request_id, topics=sorted(topics))

    def note_request_revised(self, request_id: UUID, topics: list[str]) -> None:
        """An open request was edited: its new topics are what later duplicates compare with."""
        self.check_still_enrolled()
        if str(request_id) in self.open_requests:
            self._request_revised(request_id=request_id, topics=sorted(topics))

    def note_request_settled(self, request_id: UUID) -> None:
        if str(request_id) in self.open_requests:
            self._request_settled(request_id=request_id)

    def check_still_enrolled(self) -> None:
        """Neither withdrawn nor erased: the person can still change, and still ask."""
        if self.erased:
            raise RuleViolated("participant-erased", "this participant's personal data was erased")
        if self.status == "withdrawn":
            raise RuleViolated("participant-withdrawn", "the participant has withdrawn")

    @event("ParticipantProfileUpdated")
    def _profile_updated(self, profile: dict[str, Any]) -> None:
        self.profile = profile
        self.profile_version += 1

    @event("ParticipantAvailabilityChanged")
    def _availability_changed(self, available: bool) -> None:
        self.status = "active" if available else "paused"

    @event("ParticipantWithdrew")
    def _withdrew(self) -> None:
        self.status = "withdrawn"
        # Someone who left asks for nothing: their open requests no longer count.
        self.open_requests = {}

    @event("ParticipantErased")
    def _erased(self) -> None:
        self.erased = True
        self.personal_ciphertext = None
        self.status = "withdrawn"
        self.open_requests = {}

    @event("ParticipantRequestOpened")
    def _request_opened(self, request_id: UUID, topics: list[str]) -> None:
        self.open_requests = {**self.open_requests, str(request_id): topics}

    @event("ParticipantRequestRevised")
    def _request_revised(self, request_id: UUID, topics: list[str]) -> None:
        self.open_requests = {**self.open_requests, str(request_id): topics}

    @event("ParticipantRequestSettled")
    def _request_settled(self, request_id: UUID) -> None:
        self.open_requests = {k: v for k, v in self.open_requests.items() if k != str(request_id)}

    @event("MentorEnrolmentOffered")
    def _mentor_offer_recorded(self, relationship_id: UUID) -> None:
        self.pending_mentor_offer = relationship_id

    @event("MentorEnrolmentConfirmed")
    def _mentor_enrolment_confirmed(self) -> None:
        self.profile = {**self.profile, "roles": "both"}
        self.profile_version += 1
        self.pending_mentor_offer = None
