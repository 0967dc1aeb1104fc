"""A tiny stand-in for the program-health fold (services/insights/health/), with its
interface: the insights wiring tests (replay, as_of, scoping, /metrics) assert on its
figures, which say only how many events of a program or organization it was given."""

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any


class CountingHealthBook:
    def __init__(self) -> None:
        self.by_program: Counter[str] = Counter()
        self.by_organization: Counter[str] = Counter()

    def apply(self, event: Mapping[str, Any]) -> None:
        data = event.get("data") or {}
        program = event.get("program") or data.get("program_id")
        if program:
            self.by_program[str(program)] += 1
        organization = data.get("organization_id") or event.get("tenant")
        if organization:
            self.by_organization[str(organization)] += 1

    def program(self, program_id: str, as_of: datetime | None = None) -> dict[str, Any]:
        if program_id not in self.by_program:
            raise KeyError(program_id)
        return {
            "program_id": program_id,
            "events": self.by_program[program_id],
            "as_of": as_of.isoformat() if as_of else None,
        }

    def organization(self, organization: str, as_of: datetime | None = None) -> dict[str, Any]:
        return {
            "organization": organization,
            "events": self.by_organization[organization],
            "as_of": as_of.isoformat() if as_of else None,
        }

    def gauges(self) -> Iterable[tuple[str, dict[str, str], float]]:
        for program, count in self.by_program.items():
            yield "insights_stand_in_program_events", {"program": program}, float(count)
