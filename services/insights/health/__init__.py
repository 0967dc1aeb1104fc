"""Program health metrics: a pure fold over the public events (no I/O)."""

from services.insights.health.book import HealthBook
from services.insights.health.metric import Metric

__all__ = ["HealthBook", "Metric"]
