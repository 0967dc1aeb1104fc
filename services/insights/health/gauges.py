"""Program figures as Prometheus gauges: each number of a family's overall figures is one
gauge, `mentoring_program_<family>_<figure>`; a dict of numbers is one gauge with a label
(the metric names it; p50/p90 become `quantile`). Nulls are left out, not exported as 0."""

from collections.abc import Iterator, Mapping
from typing import Any

PREFIX = "mentoring_program"
QUANTILES = {"p50": "0.5", "p90": "0.9"}

Gauge = tuple[str, dict[str, str], float]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def family_gauges(
    family: str,
    figures: Mapping[str, Any],
    labels: Mapping[str, str],
    gauge_labels: Mapping[str, str],
) -> Iterator[Gauge]:
    for key, value in figures.items():
        name = f"{PREFIX}_{family}_{key}"
        if _number(value):
            yield name, dict(labels), float(value)
        elif isinstance(value, Mapping):
            quantiles = set(value) <= set(QUANTILES)
            label = "quantile" if quantiles else gauge_labels.get(key, "key")
            for inner, number in value.items():
                if _number(number):
                    label_value = QUANTILES[inner] if quantiles else str(inner)
                    yield name, {**labels, label: label_value}, float(number)
