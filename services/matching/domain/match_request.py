"""A request as matching works on it: awaiting, proposed, matched, or given up on."""

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from shared.errors import RuleViolated
from services.matching.domain.pool import OpenRequest


class MatchRequest(Aggregate):
    @event("RequestReceived")
    def __init__(self, id: UUID, program_id: UUID, organization_id: str, details: dict[str, Any]) -> None:
        self.program_id = program_id
        self.organization_id = organization_id
        self.details = details
        self.status = "awaiting"
        self.attempts = 0
        self.current_proposal: UUID | None = None
        self.declined_mentors: list[UUID] = []

    @property
    def mentee_id(self) -> UUID:
        return UUID(str(self.details["mentee_id"]))

    def revise(self, details: dict[str, Any]) -> None:
        if self.status in ("awaiting", "proposed"):
            self._revised(details=details)

    def note_proposed(self, proposal_id: UUID) -> None:
        if self.status != "awaiting":
            raise RuleViolated("request-not-awaiting", f"the request is {self.status}, not awaiting a proposal")
        self._proposed(proposal_id=proposal_id)

    def note_proposal_ended(self, proposal_id: UUID, declined_mentor: UUID | None) -> None:
        """A proposal was declined, expired or cancelled: wait for the next one."""
        if self.current_proposal == proposal_id:
            self._proposal_ended(proposal_id=proposal_id, declined_mentor=declined_mentor)

    def note_matched(self, proposal_id: UUID) -> None:
        self._matched(proposal_id=proposal_id)

    def give_up(self, reason: str) -> None:
        if self.status in ("awaiting", "proposed"):
            self._unmatched(reason=reason)

    def withdraw(self) -> None:
        if self.status != "withdrawn":
            self._withdrawn()

    def as_open_request(self) -> OpenRequest:
        details = self.details
        preferences = details.get("preferences", {})
        return OpenRequest(
            request_id=self.id, program_id=self.program_id, mentee_id=self.mentee_id, format=details["format"],
            goals=tuple((goal["topic"], goal["outcome"]) for goal in details["goals"]),
            meeting_modes=frozenset(details.get("meeting_modes", [])),
            must_have=frozenset(preferences.get("must_have", [])), avoid=frozenset(preferences.get("avoid", [])),
            co_mentee_id=UUID(str(details["co_mentee_id"])) if details.get("co_mentee_id") else None,
            named_mentor_id=UUID(str(details["named_mentor_id"])) if details.get("named_mentor_id") else None,
            declined_mentor_ids=frozenset(self.declined_mentors),
        )

    @event("RequestRevised")
    def _revised(self, details: dict[str, Any]) -> None:
        self.details = details

    @event("ProposalMade")
    def _proposed(self, proposal_id: UUID) -> None:
        self.status = "proposed"
        self.current_proposal = proposal_id
        self.attempts += 1

    @event("ProposalEnded")
    def _proposal_ended(self, proposal_id: UUID, declined_mentor: UUID | None) -> None:
        self.status = "awaiting"
        self.current_proposal = None
        if declined_mentor is not None:
            self.declined_mentors = [*self.declined_mentors, declined_mentor]

    @event("RequestMatched")
    def _matched(self, proposal_id: UUID) -> None:
        self.status = "matched"

    @event("RequestUnmatched")
    def _unmatched(self, reason: str) -> None:
        self.status = "unmatched"
        self.unmatched_reason = reason

    @event("RequestWithdrawn")
    def _withdrawn(self) -> None:
        self.status = "withdrawn"
