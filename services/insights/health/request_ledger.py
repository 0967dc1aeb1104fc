"""Where each request stands at a moment: open, matched, unmatched (with matching's reason
code) or withdrawn, with the moments of its first proposal and its confirmation.
Shared by the request funnel and the rematch outcomes."""

from dataclasses import dataclass
from datetime import datetime

from shared.contracts import intake, matching
from services.insights.health.facts import Fact
from services.insights.health.scope import Scope

NO_REASON_CODE = "unspecified"  # RequestUnmatched published before reason codes existed


@dataclass
class RequestRecord:
    program: str
    requested_at: datetime | None = None
    mentee: str | None = None
    avoided: frozenset[str] = frozenset()
    first_proposed_at: datetime | None = None
    confirmed_at: datetime | None = None
    unconfirmed_at: datetime | None = None
    unmatched_at: datetime | None = None
    unmatched_reason: str = NO_REASON_CODE
    withdrawn_at: datetime | None = None

    def status(self, scope: Scope) -> str:
        # The mentee's withdrawal stands over a confirmation that raced it (docs/adr/0004).
        if scope.seen(self.withdrawn_at):
            return "withdrawn"
        if scope.seen(self.unmatched_at):
            return "unmatched"
        if scope.seen(self.confirmed_at) and not scope.seen(self.unconfirmed_at):
            return "matched"
        return "open"


class RequestLedger:
    def __init__(self) -> None:
        self.requests: dict[str, RequestRecord] = {}

    def apply(self, fact: Fact) -> None:
        data = fact.data
        request_id = getattr(data, "request_id", None)
        program = fact.program  # every event about a request names its program
        if request_id is None or program is None \
                or not isinstance(data, intake.IntakeEvent | matching.MatchingEvent):
            return
        record = self.requests.setdefault(str(request_id), RequestRecord(program))
        if isinstance(data, intake.MentorshipRequested):
            record.requested_at, record.mentee = fact.time, str(data.mentee_id)
            record.avoided = frozenset(data.preferences.avoid)
        elif isinstance(data, intake.MentorshipRequestWithdrawn):
            record.withdrawn_at = record.withdrawn_at or fact.time
        elif isinstance(data, matching.MatchProposed):
            record.first_proposed_at = min(filter(None, (record.first_proposed_at, fact.time)))
        elif isinstance(data, matching.MatchConfirmed):
            record.confirmed_at = record.confirmed_at or fact.time
        elif isinstance(data, matching.MatchCancelled) and data.after_confirmation:
            record.unconfirmed_at = record.unconfirmed_at or fact.time
        elif isinstance(data, matching.RequestUnmatched):
            record.unmatched_at = record.unmatched_at or fact.time
            record.unmatched_reason = data.reason_code or NO_REASON_CODE
