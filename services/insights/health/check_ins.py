"""Check-ins: how well the pair fits and how much progress each person sees (1 to 5),
averaged. By month: the month of the check-in."""

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from shared.contracts import sessions
from services.insights.health.facts import Fact
from services.insights.health.figures import Figures, Split, mean, month_of, split_by_month
from services.insights.health.scope import Scope


@dataclass(frozen=True)
class CheckIn:
    program: str
    relationship: str
    at: datetime
    fit: int
    progress: int


class CheckIns:
    name = "check_ins"
    gauge_labels: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        self.check_ins: dict[str, CheckIn] = {}

    def apply(self, fact: Fact) -> None:
        data = fact.data
        if isinstance(data, sessions.CheckInRecorded):
            self.check_ins[fact.id] = CheckIn(
                str(data.program_id), str(data.relationship_id), fact.time, data.fit, data.progress
            )

    def read(self, scope: Scope) -> Split:
        check_ins = [
            c
            for c in self.check_ins.values()
            if scope.seen(c.at) and scope.has_relationship(c.relationship, c.program)
        ]

        def summarise(group: list[CheckIn]) -> Figures:
            return {
                "check_ins": len(group),
                "fit_average": mean(c.fit for c in group),
                "progress_average": mean(c.progress for c in group),
            }

        return split_by_month(check_ins, lambda c: month_of(c.at), summarise)
