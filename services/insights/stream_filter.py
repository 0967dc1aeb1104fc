"""What one stream client asked to see, as a predicate on a live event and as the same
predicate in SQL for history: both sides are here so that they stay one rule."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.insights.stored_event import StoredEvent


@dataclass(frozen=True)
class StreamFilter:
    # The organization whose events are visible: a dashboard token's own, or the one an
    # operator asked for; None is every organization (operators only).
    organization: str | None = None
    program: str | None = None
    relationship: str | None = None
    # A type ending in "." is a prefix (mentoring.sessions.), any other an exact type.
    types: tuple[str, ...] = field(default_factory=tuple)
    since: datetime | None = None

    def matches(self, event: StoredEvent) -> bool:
        return (
            (self.organization is None or self.organization in event.organizations)
            and (self.program is None or event.program == self.program)
            and (self.relationship is None or event.relationship == self.relationship)
            and (
                not self.types
                or any(self._type_matches(wanted, event.type) for wanted in self.types)
            )
            and (self.since is None or event.time >= self.since)
        )

    @staticmethod
    def _type_matches(wanted: str, actual: str) -> bool:
        return actual.startswith(wanted) if wanted.endswith(".") else actual == wanted

    def sql(self, first_argument: int) -> tuple[str, list[Any]]:
        """A WHERE fragment (for table alias e) and its arguments, numbered from first_argument."""
        clauses, arguments = [], []

        def argument(value: Any) -> str:
            arguments.append(value)
            return f"${first_argument + len(arguments) - 1}"

        if self.organization is not None:
            clauses.append(f"e.organizations @> ARRAY[{argument(self.organization)}::text]")
        if self.program is not None:
            clauses.append(f"e.program = {argument(self.program)}")
        if self.relationship is not None:
            clauses.append(f"e.relationship = {argument(self.relationship)}")
        if self.types:
            exact = [t for t in self.types if not t.endswith(".")]
            prefixes = [t for t in self.types if t.endswith(".")]
            clauses.append(
                f"(e.type = ANY({argument(exact)}::text[]) OR EXISTS (SELECT 1 FROM "
                f"unnest({argument(prefixes)}::text[]) AS p(prefix)"
                " WHERE starts_with(e.type, p.prefix)))"
            )
        if self.since is not None:
            clauses.append(f"e.time >= {argument(self.since)}")
        return " AND ".join(clauses) or "TRUE", arguments
