"""The pairs matching confirmed: their mean score, the share of reciprocal pairs and the
share across organizations (or, within one organization, across departments, where both
people gave one). A confirmation undone later (the request was withdrawn) no longer counts.
By month: the month each pair was confirmed."""

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from shared.contracts import intake, matching
from services.insights.health.facts import Fact
from services.insights.health.figures import Figures, Split, mean, month_of, rate, split_by_month
from services.insights.health.scope import Scope


@dataclass
class Pair:
    program: str
    confirmed_at: datetime
    proposal: str
    reciprocal: bool
    organizations: tuple[str, str]
    people: tuple[str, str]
    unconfirmed_at: datetime | None = None


class MatchingQuality:
    name = "matching_quality"
    gauge_labels: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        self.pairs: dict[str, Pair] = {}
        self.scores: dict[str, float] = {}
        self.departments: dict[str, list[tuple[datetime, str]]] = {}

    def apply(self, fact: Fact) -> None:
        data = fact.data
        if isinstance(data, matching.MatchProposed):
            self.scores[str(data.proposal_id)] = data.score
        elif isinstance(data, matching.MatchConfirmed) and str(data.request_id) not in self.pairs:
            self.pairs[str(data.request_id)] = Pair(
                str(data.program_id),
                fact.time,
                str(data.proposal_id),
                data.format == "reciprocal",
                (data.organization_id, data.mentor_organization_id or data.organization_id),
                (str(data.mentee_id), str(data.mentor_id)),
            )
        elif isinstance(data, matching.MatchCancelled) and data.after_confirmation:
            pair = self.pairs.get(str(data.request_id))
            if pair is not None:
                pair.unconfirmed_at = pair.unconfirmed_at or fact.time
        elif isinstance(data, intake.ParticipantEnrolled | intake.ParticipantProfileUpdated):
            history = self.departments.setdefault(str(data.participant_id), [])
            history.append((fact.time, data.profile.department))

    def _department(self, person: str, at: datetime) -> str:
        return max((d for d in self.departments.get(person, []) if d[0] <= at), default=(at, ""))[1]

    def _apart(self, pair: Pair) -> bool:
        if pair.organizations[0] != pair.organizations[1]:
            return True
        mentee, mentor = (self._department(p, pair.confirmed_at) for p in pair.people)
        return bool(mentee and mentor and mentee != mentor)

    def read(self, scope: Scope) -> Split:
        pairs = [
            p
            for rid, p in self.pairs.items()
            if scope.seen(p.confirmed_at)
            and not scope.seen(p.unconfirmed_at)
            and scope.has_relationship(rid, p.program)
        ]

        def summarise(group: list[Pair]) -> Figures:
            return {
                "confirmed_pairs": len(group),
                "mean_score": mean(
                    self.scores[p.proposal] for p in group if p.proposal in self.scores
                ),
                "reciprocal_share": rate(sum(p.reciprocal for p in group), len(group)),
                "cross_organization_share": rate(
                    sum(p.organizations[0] != p.organizations[1] for p in group), len(group)
                ),
                "cross_organization_or_department_share": rate(
                    sum(self._apart(p) for p in group), len(group)
                ),
            }

        return split_by_month(pairs, lambda p: month_of(p.confirmed_at), summarise)
