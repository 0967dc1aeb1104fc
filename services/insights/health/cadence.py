"""Sessions held per relationship per month against the agreed cadence. A relationship-month
is a month in which the relationship was running (active and not paused) for some time.
Adherence = sum of min(held, expected) / sum of expected over relationship-months: a pair
meeting twice as often does not hide one that never meets. Cadence: the agreement in
effect's, else the program's from MatchConfirmed. By month: the calendar month."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from shared.contracts import matching, sessions
from services.insights.health.facts import Fact
from services.insights.health.figures import Figures, Split, month_of, rate, split_by_month
from services.insights.health.running_time import expected_sessions_by_month
from services.insights.health.scope import Scope


@dataclass
class Rhythm:
    program: str
    program_cadence: int | None = None
    proposed_cadences: dict[int, int | None] = field(default_factory=dict)
    in_effect: list[tuple[datetime, int]] = field(default_factory=list)
    activated_at: datetime | None = None
    pauses: list[tuple[datetime, bool]] = field(default_factory=list)
    closed_at: datetime | None = None
    held: list[datetime] = field(default_factory=list)

    def months(self, scope: Scope) -> dict[str, tuple[int, float]]:
        """month -> (held, expected)."""
        if not scope.seen(self.activated_at) or self.program_cadence is None:
            return {}
        end = self.closed_at if scope.seen(self.closed_at) else scope.as_of
        cadences = [
            (at, self.proposed_cadences.get(v) or self.program_cadence) for at, v in self.in_effect
        ]
        expected = expected_sessions_by_month(
            self.activated_at,
            end,
            [p for p in self.pauses if scope.seen(p[0])],
            [c for c in cadences if scope.seen(c[0])],
            self.program_cadence,
        )
        held: dict[str, int] = {}
        for moment in filter(scope.seen, self.held):
            held[month_of(moment)] = held.get(month_of(moment), 0) + 1
        return {m: (held.get(m, 0), expected.get(m, 0.0)) for m in {*expected, *held}}


class Cadence:
    name = "cadence"
    gauge_labels: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        self.rhythms: dict[str, Rhythm] = {}

    def apply(self, fact: Fact) -> None:
        data = fact.data
        if isinstance(data, matching.MatchConfirmed):
            self._rhythm(data.request_id, data.program_id).program_cadence = data.cadence_days
        if not isinstance(data, sessions.SessionsEvent):
            return
        rhythm = self._rhythm(data.relationship_id, data.program_id)
        if isinstance(data, sessions.AgreementProposed):
            rhythm.proposed_cadences[data.agreement_version] = data.cadence_days
        elif isinstance(data, sessions.AgreementInEffect):
            rhythm.in_effect.append((fact.time, data.agreement_version))
        elif isinstance(data, sessions.RelationshipActivated):
            rhythm.activated_at = rhythm.activated_at or fact.time
        elif isinstance(data, sessions.RelationshipPaused | sessions.RelationshipResumed):
            rhythm.pauses.append((fact.time, isinstance(data, sessions.RelationshipPaused)))
        elif isinstance(data, sessions.RelationshipClosed):
            rhythm.closed_at = rhythm.closed_at or fact.time
        elif isinstance(data, sessions.SessionHeld):
            rhythm.held.append(fact.time)

    def _rhythm(self, relationship: object, program: object) -> Rhythm:
        return self.rhythms.setdefault(str(relationship), Rhythm(str(program)))

    def read(self, scope: Scope) -> Split:
        months = [
            (month, held, expected)
            for rid, r in self.rhythms.items()
            if scope.has_relationship(rid, r.program)
            for month, (held, expected) in r.months(scope).items()
        ]

        def summarise(group: list[tuple[str, int, float]]) -> Figures:
            held = sum(g[1] for g in group)
            expected = sum(g[2] for g in group)
            return {
                "sessions_held": held,
                "relationship_months": len(group),
                "sessions_per_relationship_month": rate(held, len(group)),
                "expected_per_relationship_month": rate(expected, len(group)),
                "cadence_adherence": rate(sum(min(g[1], g[2]) for g in group), expected),
            }

        return split_by_month(months, lambda g: g[0], summarise)
