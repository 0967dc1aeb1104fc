"""Correlation and causation ids carried from a request or message to the events it causes."""

from contextvars import ContextVar
from dataclasses import dataclass
from uuid import uuid4


@dataclass(frozen=True)
class Trace:
    correlation_id: str
    causation_id: str | None = None
    traceparent: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        # Spelled out: dataclasses.asdict deep-copies field by field, and every saved event
        # carries one of these (8 % of a consumer run's time went to asdict).
        return {"correlation_id": self.correlation_id, "causation_id": self.causation_id,
                "traceparent": self.traceparent}


current_trace: ContextVar[Trace | None] = ContextVar("current_trace", default=None)


def new_correlation_id() -> str:
    return uuid4().hex


def child_traceparent(parent: str | None) -> str | None:
    """W3C trace context one hop on: the same trace id, a new parent (span) id, so what a
    consumer causes stays in the trace of the request that started it. A malformed
    parent is dropped rather than passed on."""
    parts = (parent or "").split("-")
    if len(parts) != 4 or len(parts[1]) != 32 or len(parts[2]) != 16 or parts[1] == "0" * 32:
        return None
    try:
        int(parts[1], 16), int(parts[3], 16)
    except ValueError:
        return None
    return f"00-{parts[1].lower()}-{uuid4().hex[:16]}-{parts[3]}"
