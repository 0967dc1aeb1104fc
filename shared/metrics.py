"""Prometheus metrics every service exposes at /metrics."""

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Histogram("http_request_seconds", "HTTP request latency", ["service", "method", "route", "status"])
EVENTS_PUBLISHED = Counter("events_published_total", "events the relay published", ["service"])
MESSAGES = Counter("messages_consumed_total", "messages consumers handled, by outcome",
                   ["service", "consumer", "outcome"])
FOLLOWER_LAG = Gauge("follower_lag_notifications", "notifications a log follower has still to handle",
                     ["service", "follower"])
RECORDS_PARKED = Counter("records_parked_total", "records a follower could not apply and parked",
                         ["service", "follower"])
TIMER_ITEMS = Counter("timer_items_total", "items timers handled, by outcome", ["service", "timer", "outcome"])
