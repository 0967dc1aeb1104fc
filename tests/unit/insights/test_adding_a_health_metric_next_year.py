"""A metric added later is one small class; rebuilding from the recorded log (offset 0)
gives its figure for the whole history, including events from before it existed."""

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from shared.contracts import sessions
from services.insights.health.facts import Fact
from services.insights.health.families import default_metrics
from services.insights.health.figures import Figures, Split, month_of, split_by_month
from services.insights.health.scope import Scope
from tests.unit.insights.health_kit import folded
from tests.unit.insights.program_story import DAY, T0, ProgramStory
from tests.unit.insights.relationship_story import agreed_and_active, held, matched_pair


@dataclass(frozen=True)
class Minutes:
    program: str
    relationship: str
    at: datetime
    minutes: int


class MinutesMentored:
    """Next year's metric: total minutes of sessions held."""

    name = "minutes_mentored"
    gauge_labels: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        self.sessions: dict[str, Minutes] = {}

    def apply(self, fact: Fact) -> None:
        if isinstance(fact.data, sessions.SessionHeld):
            self.sessions[str(fact.data.session_id)] = Minutes(
                str(fact.data.program_id),
                str(fact.data.relationship_id),
                fact.time,
                fact.data.minutes,
            )

    def read(self, scope: Scope) -> Split:
        held = [
            s
            for s in self.sessions.values()
            if scope.seen(s.at) and scope.has_relationship(s.relationship, s.program)
        ]

        def summarise(group: list[Minutes]) -> Figures:
            return {"minutes": sum(s.minutes for s in group)}

        return split_by_month(held, lambda s: month_of(s.at), summarise)


def test_a_metric_added_later_covers_the_whole_recorded_history() -> None:
    story = ProgramStory()
    pair = matched_pair(story, T0)
    agreed_and_active(story, pair, T0 + DAY)
    for day in (5, 20, 35):  # two in January, one in February: "last year"
        held(story, pair, T0 + day * DAY)
    recorded_log = list(story.events)
    this_year = folded(recorded_log)
    assert "minutes_mentored" not in this_year.program(str(story.program))["overall"]

    rebuilt = folded(recorded_log, metrics=[*default_metrics(), MinutesMentored()])

    report = rebuilt.program(str(story.program))
    assert report["overall"]["minutes_mentored"] == {"minutes": 3 * 55}
    assert report["by_month"]["2027-02"]["minutes_mentored"] == {"minutes": 55}
    assert (
        report["overall"]["requests"]
        == this_year.program(str(story.program))["overall"]["requests"]
    )
    assert (
        "mentoring_program_minutes_mentored_minutes",
        {"program_id": str(story.program)},
        165.0,
    ) in list(rebuilt.gauges())
