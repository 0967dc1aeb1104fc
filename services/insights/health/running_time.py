"""When a relationship was running (active, not paused) and at which agreed cadence,
cut at calendar months: the expected sessions of each month are its running days divided
by the cadence in force, as sessions' own stall timer counts them."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime

SECONDS_PER_DAY = 86400.0


def month_starts_between(start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
    """[start, end) cut at each first of a month (UTC)."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    while start < end:
        following = datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=UTC)
        yield start, min(following, end)
        start = following


def expected_sessions_by_month(
    activated_at: datetime,
    end: datetime,
    pauses: list[tuple[datetime, bool]],
    cadences: list[tuple[datetime, int]],
    first_cadence: int,
) -> dict[str, float]:
    """pauses: (when, paused?); cadences: (when it took effect, days). Both up to `end`."""
    changes = sorted(
        [(at, "pause", paused) for at, paused in pauses if activated_at <= at < end]
        + [(at, "cadence", days) for at, days in cadences if at < end],
        key=lambda change: change[0],
    )
    running, cadence, since = True, first_cadence, activated_at
    expected: dict[str, float] = defaultdict(float)
    for at, kind, value in [*changes, (end, "end", None)]:
        at = max(at, activated_at)
        if running and at > since:
            for month_start, month_end in month_starts_between(since, at):
                key = f"{month_start.year:04d}-{month_start.month:02d}"
                expected[key] += (
                    (month_end - month_start).total_seconds() / SECONDS_PER_DAY / cadence
                )
        since = at
        if kind == "pause":
            running = not value
        elif kind == "cadence":
            assert value is not None  # a cadence change carries its days
            cadence = int(value)
    return dict(expected)
