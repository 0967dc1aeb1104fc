"""How sessions end: held, missed (a no-show) or cancelled, late or not. The no-show rate
is missed / (held + missed); the late-cancellation rate is late cancellations over every
session that ended one of the three ways. By month: the month the session ended."""

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from shared.contracts import sessions
from services.insights.health.facts import Fact
from services.insights.health.figures import Figures, Split, month_of, rate, split_by_month
from services.insights.health.scope import Scope


@dataclass(frozen=True)
class Ending:
    program: str
    relationship: str
    at: datetime
    kind: str  # held, missed, cancelled, cancelled_late


class Attendance:
    name = "attendance"
    gauge_labels: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        self.endings: dict[str, Ending] = {}

    def apply(self, fact: Fact) -> None:
        data = fact.data
        if isinstance(data, sessions.SessionHeld):
            kind = "held"
        elif isinstance(data, sessions.SessionMissed):
            kind = "missed"
        elif isinstance(data, sessions.SessionCancelled):
            kind = "cancelled_late" if data.late else "cancelled"
        else:
            return
        self.endings.setdefault(
            str(data.session_id),
            Ending(str(data.program_id), str(data.relationship_id), fact.time, kind),
        )

    def read(self, scope: Scope) -> Split:
        endings = [
            e
            for e in self.endings.values()
            if scope.seen(e.at) and scope.has_relationship(e.relationship, e.program)
        ]

        def summarise(group: list[Ending]) -> Figures:
            tally = {
                kind: sum(1 for e in group if e.kind == kind)
                for kind in ("held", "missed", "cancelled", "cancelled_late")
            }
            return {
                "sessions_held": tally["held"],
                "sessions_missed": tally["missed"],
                "sessions_cancelled": tally["cancelled"] + tally["cancelled_late"],
                "late_cancellations": tally["cancelled_late"],
                "no_show_rate": rate(tally["missed"], tally["held"] + tally["missed"]),
                "late_cancellation_rate": rate(tally["cancelled_late"], len(group)),
            }

        return split_by_month(endings, lambda e: month_of(e.at), summarise)
