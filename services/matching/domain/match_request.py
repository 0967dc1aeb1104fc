"""A request as matching works on it: awaiting, proposed, matched, or given up on.

A request no mentor fits yet waits: it stays awaiting, is tried again when the pool
changes, and ends unmatched only once its program's waiting time has passed.
"""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from shared.errors import RuleViolated
from services.matching.domain.pool import OpenRequest, ProgramRules

# Codes a partner's software can act on; the reason beside each says it in words.
NO_MENTOR_AVAILABLE = "no-mentor-available"
NO_PAIR_AGREED = "no-pair-agreed"
DIRECT_ASK_REFUSED = "direct-ask-refused"
NO_MENTOR_FITS = "no-mentor-fits"
PARTICIPANT_LEFT = "participant-left"
A_PARTICIPANT_LEFT = "a participant left the program"


class MatchRequest(Aggregate):
    # Class-level defaults: requests (and snapshots) from before waiting existed lack them.
    waiting_reason: str | None = None
    waiting_until: datetime | None = None
    unmatched_reason_code: str | None = None

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

    def give_up(self, reason: str, reason_code: str | None = None) -> None:
        if self.status in ("awaiting", "proposed"):
            self._unmatched(reason=reason, reason_code=reason_code)

    def waiting_deadline(self, days: int) -> datetime:
        """When waiting for a mentor ends: counted from when the mentee asked."""
        asked = self.details.get("requested_at")
        start = datetime.fromisoformat(str(asked)) if asked else self.created_on
        return start + timedelta(days=days)

    def wait(self, reason: str, at: datetime, until: datetime) -> None:
        """No mentor fits now: wait for the pool to change, or end unmatched once `until` passed."""
        if self.status != "awaiting":
            return
        if at >= until:
            self._unmatched(reason=f"no mentor became available in time: {reason}", reason_code=NO_MENTOR_AVAILABLE)
        elif (reason, until) != (self.waiting_reason, self.waiting_until):
            # Recorded only when it says something new, so waiting costs no event per tick.
            self._waiting(reason=reason, until=until)

    def withdraw(self) -> None:
        if self.status != "withdrawn":
            self._withdrawn()

    def as_open_request(self, rules: ProgramRules | None = None) -> OpenRequest:
        """The request as matching's rules read it; `rules`: its program's switchable ones."""
        details = self.details
        preferences = details.get("preferences", {})
        return OpenRequest(
            request_id=self.id, program_id=self.program_id, mentee_id=self.mentee_id, format=details["format"],
            goals=tuple((goal["topic"], goal["outcome"]) for goal in details["goals"]),
            meeting_modes=frozenset(details.get("meeting_modes", [])),
            must_have=frozenset(preferences.get("must_have", [])), avoid=frozenset(preferences.get("avoid", [])),
            co_mentee_id=UUID(str(details["co_mentee_id"])) if details.get("co_mentee_id") else None,
            co_mentee_ids=tuple(UUID(str(person)) for person in details.get("co_mentee_ids") or ()),
            named_mentor_id=UUID(str(details["named_mentor_id"])) if details.get("named_mentor_id") else None,
            declined_mentor_ids=frozenset(self.declined_mentors), rules=rules or ProgramRules(),
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

    @event("RequestWaiting")
    def _waiting(self, reason: str, until: datetime) -> None:
        self.waiting_reason = reason
        self.waiting_until = until

    @event("RequestUnmatched")
    def _unmatched(self, reason: str, reason_code: str | None = None) -> None:
        # reason_code is absent from requests given up before codes existed.
        self.status = "unmatched"
        self.unmatched_reason = reason
        self.unmatched_reason_code = reason_code

    @event("RequestWithdrawn")
    def _withdrawn(self) -> None:
        self.status = "withdrawn"
