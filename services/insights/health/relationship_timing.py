"""How long a confirmed pair takes to get going: confirmation -> agreement in effect (signed
by everyone) -> first session held, p50/p90 in seconds. By month: the confirmation month."""

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from shared.contracts import matching, sessions
from services.insights.health.facts import Fact
from services.insights.health.figures import Figures, Split, month_of, p50_p90, split_by_month
from services.insights.health.scope import Scope


@dataclass
class Start:
    program: str
    confirmed_at: datetime | None = None
    in_effect_at: datetime | None = None
    first_held_at: datetime | None = None


def _earliest(current: datetime | None, moment: datetime) -> datetime:
    return moment if current is None else min(current, moment)


class RelationshipTiming:
    name = "relationship_timing"
    gauge_labels: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        self.starts: dict[str, Start] = {}

    def apply(self, fact: Fact) -> None:
        data = fact.data
        if isinstance(data, matching.MatchConfirmed):
            start = self.starts.setdefault(str(data.request_id), Start(str(data.program_id)))
            start.confirmed_at = _earliest(start.confirmed_at, fact.time)
        elif isinstance(data, sessions.AgreementInEffect | sessions.SessionHeld):
            start = self.starts.setdefault(str(data.relationship_id), Start(str(data.program_id)))
            if isinstance(data, sessions.AgreementInEffect):
                start.in_effect_at = _earliest(start.in_effect_at, fact.time)
            else:
                start.first_held_at = _earliest(start.first_held_at, fact.time)

    def read(self, scope: Scope) -> Split:
        starts = [
            s
            for rid, s in self.starts.items()
            if scope.seen(s.confirmed_at) and scope.has_relationship(rid, s.program)
        ]

        def spans(group: list[Start], begin: str, end: str) -> list[float]:
            pairs = ((getattr(s, begin), getattr(s, end)) for s in group)
            return [(b - a).total_seconds() for a, b in pairs if scope.seen(a) and scope.seen(b)]

        def summarise(group: list[Start]) -> Figures:
            return {
                "confirmation_to_agreement_seconds": p50_p90(
                    spans(group, "confirmed_at", "in_effect_at")
                ),
                "agreement_to_first_session_seconds": p50_p90(
                    spans(group, "in_effect_at", "first_held_at")
                ),
                "confirmation_to_first_session_seconds": p50_p90(
                    spans(group, "confirmed_at", "first_held_at")
                ),
            }

        return split_by_month(starts, lambda s: month_of(s.confirmed_at), summarise)
