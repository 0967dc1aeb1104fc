"""The service's idea of now. CLOCK_OFFSET_SECONDS moves it, so deadlines hours
away (proposal expiry, stalled relationships) can be reached in a test by
restarting a service later in time, while the timers themselves stay real.

A Clock is made from the one Settings object the entry point builds and is held
by the runtime: two apps in one process (tests) each keep their own offset."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shared.settings import Settings


@dataclass(frozen=True)
class Clock:
    offset: timedelta = timedelta(0)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Clock":
        return cls(timedelta(seconds=settings.clock_offset_seconds))

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


# Real UTC time, no offset: what code that no app serves (a validator called directly) reads.
REAL_CLOCK = Clock()
