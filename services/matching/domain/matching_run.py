"""A whole-pool matching run of one program, with its summary figures."""

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event


class MatchingRun(Aggregate):
    @event("MatchingRunCompleted")
    def __init__(self, id: UUID, program_id: UUID, objective: str, summary: dict[str, Any],
                 pairs: list[dict[str, Any]]) -> None:
        self.program_id = program_id
        self.objective = objective
        self.summary = summary
        self.pairs = pairs
