"""The request funnel: open, matched, unmatched (by matching's reason code) and withdrawn;
the match rate; how long a request waits for its first proposal and its confirmation.
By month: the month each request was made (a cohort), as it stands at the moment read.

The match rate is matched / (matched + unmatched): of the requests matching has settled,
the share it paired. Open requests are not settled yet; a withdrawal is the mentee's call."""

from typing import ClassVar

from services.insights.health.facts import Fact
from services.insights.health.figures import (
    Figures,
    Split,
    counts,
    month_of,
    p50_p90,
    rate,
    seconds_between,
    split_by_month,
)
from services.insights.health.request_ledger import RequestLedger, RequestRecord
from services.insights.health.scope import Scope


class Requests:
    name = "requests"
    gauge_labels: ClassVar[dict[str, str]] = {"unmatched_by_reason": "reason"}

    def __init__(self) -> None:
        self.ledger = RequestLedger()

    def apply(self, fact: Fact) -> None:
        self.ledger.apply(fact)

    def read(self, scope: Scope) -> Split:
        requests = [
            r
            for rid, r in self.ledger.requests.items()
            if scope.seen(r.requested_at) and scope.has_request(rid, r.program)
        ]

        def waits(group: list[RequestRecord], until: str) -> list[float]:
            ends = ((r.requested_at, getattr(r, until)) for r in group)
            # Every request in a group was seen: its start is set, as its end when seen.
            return [seconds_between(start, end) for start, end in ends
                    if scope.seen(start) and scope.seen(end)]

        def summarise(group: list[RequestRecord]) -> Figures:
            statuses = {
                "open": 0,
                "matched": 0,
                "unmatched": 0,
                "withdrawn": 0,
                **counts(r.status(scope) for r in group),
            }
            return {
                "requested": len(group),
                **statuses,
                "unmatched_by_reason": counts(
                    r.unmatched_reason for r in group if r.status(scope) == "unmatched"
                ),
                "match_rate": rate(
                    statuses["matched"], statuses["matched"] + statuses["unmatched"]
                ),
                "request_to_first_proposal_seconds": p50_p90(waits(group, "first_proposed_at")),
                "request_to_confirmation_seconds": p50_p90(waits(group, "confirmed_at")),
            }

        return split_by_month(requests, lambda r: month_of(r.requested_at), summarise)
