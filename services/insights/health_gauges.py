"""The live book's program-level gauges, in Prometheus' exposition format: a collector
on a registry of insights' own, read at each scrape."""

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from services.insights.health_book import HealthBook


class HealthGauges:
    def __init__(self) -> None:
        self.book: HealthBook | None = None  # set once the stored events are replayed

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if self.book is None:
            return
        families: dict[tuple[str, tuple[str, ...]], list[tuple[dict[str, str], float]]] = (
            defaultdict(list)
        )
        for name, labels, value in self.book.gauges():
            if value is not None:
                families[(name, tuple(sorted(labels)))].append((labels, float(value)))
        for (name, label_names), samples in families.items():
            family = GaugeMetricFamily(name, f"program health: {name}", labels=list(label_names))
            for labels, value in samples:
                family.add_metric([str(labels[label]) for label in label_names], value)
            yield family

    def exposition(self) -> bytes:
        registry = CollectorRegistry(auto_describe=False)
        registry.register(self)
        return generate_latest(registry)

    def describe(self) -> list[Any]:
        return []
