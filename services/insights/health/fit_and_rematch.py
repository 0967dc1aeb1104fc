"""'Not a good fit' and what came of asking for a new match. The rate is the share of
started relationships in which someone answered not_a_good_fit. A rematch's outcome is the
outcome of the request intake opened for it: the same mentee's next request in the program
that avoids the excluded mentor (that is how intake opens it; no public link names it).
By month: the month each relationship started."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from shared.contracts import sessions
from services.insights.health.facts import Fact
from services.insights.health.figures import Figures, Split, counts, month_of, rate, split_by_month
from services.insights.health.request_ledger import RequestLedger, RequestRecord
from services.insights.health.scope import Scope

# The new request is recorded by intake just after sessions' event; allow for clocks apart.
CLOCK_SKEW = timedelta(minutes=5)
OUTCOME = {
    "matched": "rematched",
    "open": "waiting",
    "unmatched": "unmatched",
    "withdrawn": "withdrawn",
}


@dataclass
class Fit:
    program: str
    started_at: datetime | None = None
    not_a_good_fit_at: datetime | None = None
    closed_no_fit_at: datetime | None = None
    rematch: tuple[datetime, str, str] | None = None  # when, mentee, excluded mentor


def requested_at(request: RequestRecord) -> datetime:
    assert request.requested_at is not None  # only requests seen are candidates
    return request.requested_at


class FitAndRematch:
    name = "fit_and_rematch"
    gauge_labels: ClassVar[dict[str, str]] = {"rematch_outcomes": "outcome"}

    def __init__(self) -> None:
        self.fits: dict[str, Fit] = {}
        self.requests = RequestLedger()

    def apply(self, fact: Fact) -> None:
        self.requests.apply(fact)
        data = fact.data
        if not isinstance(data, sessions.SessionsEvent):
            return
        fit = self.fits.setdefault(str(data.relationship_id), Fit(str(data.program_id)))
        if isinstance(data, sessions.RelationshipStarted):
            fit.started_at = fact.time
        elif isinstance(data, sessions.PairingFitReported) and data.answer == "not_a_good_fit":
            fit.not_a_good_fit_at = fit.not_a_good_fit_at or fact.time
        elif isinstance(data, sessions.RelationshipClosed) and data.outcome == "no_fit":
            fit.closed_no_fit_at = fit.closed_no_fit_at or fact.time
        elif isinstance(data, sessions.RematchRequested) and fit.rematch is None:
            fit.rematch = (fact.time, str(data.mentee_id), str(data.excluded_mentor_id))

    def _new_request(self, fit: Fit, scope: Scope) -> RequestRecord | None:
        assert fit.rematch is not None  # asked only of fits with a rematch
        at, mentee, excluded = fit.rematch
        candidates = [
            r
            for r in self.requests.requests.values()
            if r.mentee == mentee
            and r.program == fit.program
            and scope.seen(r.requested_at)
            and f"participant:{excluded}" in r.avoided
            and r.requested_at >= at - CLOCK_SKEW
        ]
        return min(candidates, key=requested_at, default=None)

    def _rematch_outcome(self, fit: Fit, scope: Scope) -> str:
        request = self._new_request(fit, scope)
        return "awaiting_request" if request is None else OUTCOME[request.status(scope)]

    def read(self, scope: Scope) -> Split:
        fits = [
            f
            for rid, f in self.fits.items()
            if scope.seen(f.started_at) and scope.has_relationship(rid, f.program)
        ]

        def summarise(group: list[Fit]) -> Figures:
            not_fit = sum(1 for f in group if scope.seen(f.not_a_good_fit_at))
            rematches = [f for f in group if f.rematch is not None and scope.seen(f.rematch[0])]
            outcomes = {
                "rematched": 0,
                "waiting": 0,
                "unmatched": 0,
                "withdrawn": 0,
                "awaiting_request": 0,
                **counts(self._rematch_outcome(f, scope) for f in rematches),
            }
            return {
                "relationships": len(group),
                "not_a_good_fit_reported": not_fit,
                "not_a_good_fit_rate": rate(not_fit, len(group)),
                "closed_no_fit": sum(1 for f in group if scope.seen(f.closed_no_fit_at)),
                "rematches_requested": len(rematches),
                "rematch_outcomes": outcomes,
                "rematched_rate": rate(outcomes["rematched"], len(rematches)),
            }

        return split_by_month(fits, lambda f: month_of(f.started_at), summarise)
