"""What a health metric is: a small fold over public facts that can read its figures for
a scope. Adding one next year is one class like these, listed in `families.py` (or
passed to `HealthBook(metrics=...)`); a rebuild from offset 0 fills it for all history."""

from typing import ClassVar, Protocol

from services.insights.health.facts import Fact
from services.insights.health.figures import Split
from services.insights.health.scope import Scope


class Metric(Protocol):
    name: str
    # For /metrics: the label a nested figure's keys become (e.g. "by_side" -> "side").
    gauge_labels: ClassVar[dict[str, str]]  # a class attribute is invariant: as each metric says it

    def apply(self, fact: Fact) -> None:
        """Remember what the figures need, dated, so they can be read as of any moment."""

    def read(self, scope: Scope) -> Split:
        """{"overall": {...}, "by_month": {"YYYY-MM": {...}}} for what the scope covers."""
