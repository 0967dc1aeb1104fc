"""Proposals and how people answer them: acceptances and declines by side, expiries.
Rates are over the proposals settled at the moment read (confirmed, declined, expired or
cancelled), so a cohort's rates do not drift while proposals still await answers.
By month: the month each proposal was made."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from shared.contracts import matching
from services.insights.health.facts import Fact
from services.insights.health.figures import Figures, Split, month_of, rate, split_by_month
from services.insights.health.scope import Scope

SIDES = ("mentee", "mentor")


@dataclass
class Proposal:
    program: str
    request: str
    proposed_at: datetime | None = None
    accepted: dict[str, datetime] = field(default_factory=dict)
    declined: dict[str, datetime] = field(default_factory=dict)
    expired_at: datetime | None = None
    cancelled_at: datetime | None = None
    confirmed_at: datetime | None = None

    def settled(self, scope: Scope) -> bool:
        ends = (self.expired_at, self.cancelled_at, self.confirmed_at, *self.declined.values())
        return any(scope.seen(moment) for moment in ends)


class Proposals:
    name = "proposals"
    gauge_labels: ClassVar[dict[str, str]] = {
        "accepted_by_side": "side",
        "declined_by_side": "side",
        "acceptance_rate_by_side": "side",
        "decline_rate_by_side": "side",
    }

    def __init__(self) -> None:
        self.proposals: dict[str, Proposal] = {}

    def apply(self, fact: Fact) -> None:
        data = fact.data
        if not isinstance(
            data,
            matching.MatchProposed
            | matching.MatchAccepted
            | matching.MatchDeclined
            | matching.MatchExpired
            | matching.MatchCancelled
            | matching.MatchConfirmed,
        ):
            return
        proposal = self.proposals.setdefault(
            str(data.proposal_id), Proposal(str(data.program_id), str(data.request_id))
        )
        if isinstance(data, matching.MatchProposed):
            proposal.proposed_at = fact.time
        elif isinstance(data, matching.MatchAccepted):
            proposal.accepted.setdefault(data.by, fact.time)
        elif isinstance(data, matching.MatchDeclined):
            proposal.declined.setdefault(data.by, fact.time)
        elif isinstance(data, matching.MatchExpired):
            proposal.expired_at = proposal.expired_at or fact.time
        elif isinstance(data, matching.MatchCancelled):
            proposal.cancelled_at = proposal.cancelled_at or fact.time
        else:
            proposal.confirmed_at = proposal.confirmed_at or fact.time

    def read(self, scope: Scope) -> Split:
        proposals = [
            p
            for p in self.proposals.values()
            if scope.seen(p.proposed_at) and scope.has_request(p.request, p.program)
        ]

        def summarise(group: list[Proposal]) -> Figures:
            settled = [p for p in group if p.settled(scope)]
            accepted = {
                side: sum(1 for p in settled if scope.seen(p.accepted.get(side))) for side in SIDES
            }
            declined = {
                side: sum(1 for p in settled if scope.seen(p.declined.get(side))) for side in SIDES
            }
            expired = sum(1 for p in settled if scope.seen(p.expired_at))
            return {
                "proposed": len(group),
                "settled": len(settled),
                "confirmed": sum(1 for p in settled if scope.seen(p.confirmed_at)),
                "expired": expired,
                "cancelled": sum(1 for p in settled if scope.seen(p.cancelled_at)),
                "accepted_by_side": accepted,
                "declined_by_side": declined,
                "acceptance_rate_by_side": {s: rate(accepted[s], len(settled)) for s in SIDES},
                "decline_rate_by_side": {s: rate(declined[s], len(settled)) for s in SIDES},
                "expiry_rate": rate(expired, len(settled)),
            }

        return split_by_month(proposals, lambda p: month_of(p.proposed_at), summarise)
