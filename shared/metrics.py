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
IDEMPOTENCY = Counter("idempotency_requests_total", "writes with an Idempotency-Key, by outcome: first, "
                      "replayed, taken_over (a killed request's key), reused (other request), in_progress",
                      ["service", "outcome"])
TIMER_RUNS = Counter("timer_runs_total", "timer ticks, by outcome (ok, failed)", ["service", "timer", "outcome"])
DEAD_LETTERED = Counter("dead_letters_total", "messages a consumer sent to its dead-letter topic",
                        ["service", "consumer"])
# Read when scraped (shared/http/service_app.py), so they are never stale.
DB_POOL = Gauge("db_pool_connections", "the service's asyncpg pool: size and in use", ["service", "state"])
EXECUTOR_QUEUE = Gauge("executor_queued_work", "event-store calls waiting for a worker thread", ["service"])
EXECUTOR_THREADS = Gauge("executor_threads", "worker threads of the event store's executor", ["service"])
PARKED_NOW = Gauge("parked_records_waiting", "records parked now, waiting for an operator", ["service"])
