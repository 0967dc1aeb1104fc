"""When a failed delivery is tried again: pure, no I/O.

The schedule (WEBHOOK_RETRY_SCHEDULE) lists the wait before each retry; the default
grows roughly five-fold per step up to hours, about 24 hours in all. Each wait is
jittered by up to a fifth either way, so that endpoints that failed together (one
outage) are not all retried in the same instant."""

import random
from dataclasses import dataclass

JITTER = 0.2


@dataclass(frozen=True)
class RetrySchedule:
    waits: tuple[float, ...]

    @classmethod
    def parse(cls, text: str) -> "RetrySchedule":
        return cls(tuple(float(part) for part in text.split(",") if part.strip()))

    @property
    def attempts(self) -> int:
        """Every attempt a delivery gets: the first and one per wait."""
        return 1 + len(self.waits)

    def wait_after(self, failed_attempts: int, draw: random.Random | None = None) -> float | None:
        """Seconds before the next attempt after `failed_attempts` failures, or None
        when the schedule is spent."""
        if failed_attempts > len(self.waits):
            return None
        base = self.waits[failed_attempts - 1]
        return base * (1 + (draw or random).uniform(-JITTER, JITTER))
