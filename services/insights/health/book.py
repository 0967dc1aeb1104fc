"""HealthBook: program health as a pure fold over the public events, in log order.

`apply` takes each CloudEvent as it is on Kafka; `program` / `organization` read every
family's figures overall and by month, as they were at `as_of` (default: the latest event
time seen, so a reading never depends on a clock); `gauges` gives Prometheus gauges."""

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from services.insights.health.directory import Directory
from services.insights.health.facts import Malformed, as_utc, read_fact
from services.insights.health.families import default_metrics
from services.insights.health.gauges import Gauge, family_gauges
from services.insights.health.metric import Metric
from services.insights.health.scope import Scope

BEFORE_ANYTHING = datetime(1970, 1, 1, tzinfo=UTC)


class HealthBook:
    def __init__(self, metrics: Iterable[Metric] | None = None) -> None:
        self.metrics = list(metrics) if metrics is not None else default_metrics()
        self.directory = Directory()
        self.applied = 0
        self.skipped = 0  # malformed: a known type whose envelope or payload does not decode
        self.ignored = 0  # types or versions no family knows
        self.duplicates = 0  # a relay's re-sent tail or a redrive: same source and id
        self.latest: datetime | None = None
        self._seen: set[tuple[str, str]] = set()

    def apply(self, event: Mapping[str, Any]) -> None:
        try:
            fact = read_fact(event)
        except Malformed:
            self.skipped += 1
            return
        if fact is None:
            self.ignored += 1
            return
        if fact.key in self._seen:
            self.duplicates += 1
            return
        self._seen.add(fact.key)
        self.applied += 1
        self.latest = fact.time if self.latest is None else max(self.latest, fact.time)
        self.directory.apply(fact)
        for metric in self.metrics:
            metric.apply(fact)

    def programs(self) -> dict[str, dict[str, Any]]:
        """Every program seen: its name when ProgramOpened/Changed was, and its organizations."""
        return {
            pid: {
                **about,
                "organizations": sorted(self.directory.program_organizations.get(pid, ())),
            }
            for pid, about in self.directory.programs.items()
        }

    def program(self, program_id: str, as_of: datetime | None = None) -> dict[str, Any]:
        program_id = str(program_id)
        if program_id not in self.directory.programs:
            raise KeyError(program_id)
        head = {"program_id": program_id, **self.directory.programs[program_id]}
        return self._report(Scope(self.directory, self._moment(as_of), program=program_id), head)

    def organization(self, organization: str, as_of: datetime | None = None) -> dict[str, Any]:
        if organization not in self.directory.organizations():
            raise KeyError(organization)
        scope = Scope(self.directory, self._moment(as_of), organization=organization)
        return self._report(scope, {"organization": organization})

    def gauges(self, as_of: datetime | None = None) -> Iterator[Gauge]:
        for program_id in sorted(self.directory.programs):
            scope = Scope(self.directory, self._moment(as_of), program=program_id)
            for metric in self.metrics:
                yield from family_gauges(
                    metric.name,
                    metric.read(scope)["overall"],
                    {"program_id": program_id},
                    metric.gauge_labels,
                )

    def _moment(self, as_of: datetime | None) -> datetime:
        if as_of is not None:
            return as_utc(as_of)
        return self.latest or BEFORE_ANYTHING

    def _report(self, scope: Scope, head: dict[str, Any]) -> dict[str, Any]:
        overall: dict[str, Any] = {}
        by_month: dict[str, dict[str, Any]] = {}
        for metric in self.metrics:
            split = metric.read(scope)
            overall[metric.name] = split["overall"]
            for month, figures in split["by_month"].items():
                by_month.setdefault(month, {})[metric.name] = figures
        return {
            **head,
            "as_of": scope.as_of.isoformat(),
            "overall": overall,
            "by_month": dict(sorted(by_month.items())),
        }
