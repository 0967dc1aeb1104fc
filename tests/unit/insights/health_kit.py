"""Folding a recorded history into a HealthBook, for the health tests."""

from collections.abc import Iterable
from typing import Any

from services.insights.health import HealthBook, Metric


def folded(events: Iterable[dict[str, Any]], metrics: list[Metric] | None = None) -> HealthBook:
    book = HealthBook(metrics=metrics)
    for event in events:
        book.apply(event)
    return book
