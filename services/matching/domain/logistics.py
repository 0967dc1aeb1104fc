"""Time zones and weekly availability, compared in UTC minutes of the week."""

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from services.matching.domain.pool import Window

MINUTES_PER_WEEK = 7 * 24 * 60
# A fixed instant keeps offsets, and so scores, reproducible whatever the date.
REFERENCE_INSTANT = datetime(2026, 1, 15, 12, 0)


@lru_cache(maxsize=1024)
def utc_offset_hours(time_zone: str) -> float:
    offset = REFERENCE_INSTANT.replace(tzinfo=ZoneInfo(time_zone)).utcoffset()
    return offset.total_seconds() / 3600 if offset else 0.0


def format_offset(time_zone: str) -> str:
    hours = utc_offset_hours(time_zone)
    sign = "+" if hours >= 0 else "-"
    whole, minutes = divmod(abs(hours) * 60, 60)
    return f"UTC{sign}{int(whole)}" + (f":{int(minutes):02d}" if minutes else "")


def utc_intervals(windows: tuple[Window, ...], time_zone: str) -> list[tuple[int, int]]:
    shift = int(utc_offset_hours(time_zone) * 60)
    intervals = []
    for window in windows:
        start = (window.weekday * 1440 + window.start_minute - shift) % MINUTES_PER_WEEK
        length = window.end_minute - window.start_minute
        end = start + length
        if end <= MINUTES_PER_WEEK:
            intervals.append((start, end))
        else:  # wraps past Sunday midnight
            intervals += [(start, MINUTES_PER_WEEK), (0, end - MINUTES_PER_WEEK)]
    return merged(intervals)


def merged(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping windows count once: two windows on the same evening are one evening."""
    result: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def overlap_minutes(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    return sum(max(0, min(end_a, end_b) - max(start_a, start_b)) for start_a, end_a in a for start_b, end_b in b)


def availability_overlap(a: tuple[Window, ...], a_zone: str, b: tuple[Window, ...], b_zone: str) -> float | None:
    """Share of the smaller availability both can meet in; None when either gave none."""
    if not a or not b:
        return None
    a_utc, b_utc = utc_intervals(a, a_zone), utc_intervals(b, b_zone)
    smaller = min(sum(e - s for s, e in a_utc), sum(e - s for s, e in b_utc))
    return min(1.0, overlap_minutes(a_utc, b_utc) / smaller) if smaller else 0.0
