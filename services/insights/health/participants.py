"""People enrolled, by the role they hold at the moment read (a mentee who pays it forward
becomes `both`), and how many left. By month: the month each person enrolled."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from shared.contracts import intake
from services.insights.health.facts import Fact
from services.insights.health.figures import Figures, Split, counts, month_of, split_by_month
from services.insights.health.scope import Scope


@dataclass
class Person:
    program: str
    enrolled_at: datetime | None = None
    roles: list[tuple[datetime, str]] = field(default_factory=list)
    left_at: datetime | None = None

    def role(self, scope: Scope) -> str:
        return max((r for r in self.roles if scope.seen(r[0])), default=(None, "unknown"))[1]


class Participants:
    name = "participants"
    gauge_labels: ClassVar[dict[str, str]] = {"enrolled_by_role": "role"}

    def __init__(self) -> None:
        self.people: dict[str, Person] = {}

    def apply(self, fact: Fact) -> None:
        data = fact.data
        if not isinstance(
            data,
            intake.ParticipantEnrolled
            | intake.ParticipantProfileUpdated
            | intake.ParticipantWithdrew
            | intake.ParticipantErased,
        ):
            return
        person = self.people.setdefault(str(data.participant_id), Person(str(data.program_id)))
        if isinstance(data, intake.ParticipantEnrolled):
            person.enrolled_at = fact.time
        if isinstance(data, intake.ParticipantEnrolled | intake.ParticipantProfileUpdated):
            person.roles.append((fact.time, data.profile.roles))
        elif person.left_at is None:  # erased after withdrawing left once
            person.left_at = fact.time

    def read(self, scope: Scope) -> Split:
        people = [
            (pid, p)
            for pid, p in self.people.items()
            if scope.seen(p.enrolled_at) and scope.has_participant(pid, p.program)
        ]

        def summarise(group: list[tuple[str, Person]]) -> Figures:
            return {
                "enrolled": len(group),
                "enrolled_by_role": {
                    "mentor": 0,
                    "mentee": 0,
                    "both": 0,
                    **counts(p.role(scope) for _, p in group),
                },
                "left": sum(1 for _, p in group if scope.seen(p.left_at)),
            }

        return split_by_month(people, lambda item: month_of(item[1].enrolled_at), summarise)
