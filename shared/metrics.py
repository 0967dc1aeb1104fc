"""Prometheus metrics every service exposes at /metrics."""

from prometheus_client import Counter, Histogram

REQUESTS = Histogram("http_request_seconds", "HTTP request latency", ["service", "method", "route", "status"])
EVENTS_PUBLISHED = Counter("events_published_total", "events the relay published", ["service"])
MESSAGES = Counter("messages_consumed_total", "messages consumers handled, by outcome",
                   ["service", "consumer", "outcome"])
