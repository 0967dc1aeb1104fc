"""Correlation and causation ids carried from a request or message to the events it causes."""

from contextvars import ContextVar
from dataclasses import asdict, dataclass
from uuid import uuid4


@dataclass(frozen=True)
class Trace:
    correlation_id: str
    causation_id: str | None = None
    traceparent: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


current_trace: ContextVar[Trace | None] = ContextVar("current_trace", default=None)


def new_correlation_id() -> str:
    return uuid4().hex
