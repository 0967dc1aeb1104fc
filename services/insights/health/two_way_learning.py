"""Two-way learning: the share of held sessions in which at least two of the people in it
recorded something they learned (SessionHeld's public `learned` labels, per person), so
that learning went both ways. By month: the month the session was held."""

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from shared.contracts import sessions
from services.insights.health.facts import Fact
from services.insights.health.figures import Figures, Split, month_of, rate, split_by_month
from services.insights.health.scope import Scope


@dataclass(frozen=True)
class HeldSession:
    program: str
    relationship: str
    at: datetime
    learners: int


class TwoWayLearning:
    name = "two_way_learning"
    gauge_labels: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        self.held: dict[str, HeldSession] = {}

    def apply(self, fact: Fact) -> None:
        data = fact.data
        if isinstance(data, sessions.SessionHeld):
            # `learners` since the words left the public event; `learned` for older history.
            learners = len(data.learners) or sum(
                1 for labels in data.learned.values() if any(label.strip() for label in labels)
            )
            self.held.setdefault(
                str(data.session_id),
                HeldSession(str(data.program_id), str(data.relationship_id), fact.time, learners),
            )

    def read(self, scope: Scope) -> Split:
        held = [
            h
            for h in self.held.values()
            if scope.seen(h.at) and scope.has_relationship(h.relationship, h.program)
        ]

        def summarise(group: list[HeldSession]) -> Figures:
            two_way = sum(1 for h in group if h.learners >= 2)
            return {
                "sessions_held": len(group),
                "two_way_sessions": two_way,
                "sessions_with_any_learning": sum(1 for h in group if h.learners >= 1),
                "two_way_learning_share": rate(two_way, len(group)),
            }

        return split_by_month(held, lambda h: month_of(h.at), summarise)
