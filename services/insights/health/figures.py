"""Arithmetic every metric shares: rates with a null for nothing to divide by, p50/p90,
calendar months, and the overall / by-month split each family returns."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar, overload

Item = TypeVar("Item")
Figures = dict[str, Any]
Split = dict[str, Any]  # {"overall": Figures, "by_month": {"YYYY-MM": Figures}}


def rate(part: float, whole: float) -> float | None:
    return None if not whole else round(part / whole, 4)


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return None if not values else round(sum(values) / len(values), 4)


def quantile(values: list[float], q: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return round(ordered[below] + (ordered[above] - ordered[below]) * (position - below), 3)


def p50_p90(values: Iterable[float]) -> dict[str, float | None]:
    values = list(values)
    return {"p50": quantile(values, 0.5), "p90": quantile(values, 0.9)}


@overload
def seconds_between(start: datetime, end: datetime) -> float: ...


@overload
def seconds_between(start: datetime | None, end: datetime | None) -> float | None: ...


def seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds()


def month_of(moment: datetime | None) -> str:
    # Items are split by month once seen, so their moment is set (Scope.seen says so).
    assert moment is not None
    moment = moment.astimezone(UTC)
    return f"{moment.year:04d}-{moment.month:02d}"


def split_by_month(
    items: Iterable[Item], month: Callable[[Item], str], summarise: Callable[[list[Item]], Figures]
) -> Split:
    """The same summary over all items and over each month's items."""
    items = list(items)
    months: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        months[month(item)].append(item)
    return {
        "overall": summarise(items),
        "by_month": {key: summarise(group) for key, group in sorted(months.items())},
    }


def counts(keys: Iterable[str]) -> dict[str, int]:
    tally: dict[str, int] = defaultdict(int)
    for key in keys:
        tally[key] += 1
    return dict(sorted(tally.items()))
