"""The service's idea of now. CLOCK_OFFSET_SECONDS moves it, so deadlines hours
away (proposal expiry, stalled relationships) can be reached in a test by
restarting a service later in time, while the timers themselves stay real."""

from datetime import UTC, datetime, timedelta

from shared.settings import get_settings


def now() -> datetime:
    return datetime.now(UTC) + timedelta(seconds=get_settings().clock_offset_seconds)
