"""Value types for what partners send, checked at the HTTP boundary.

Each refuses, with a 422 naming the field, a value the API used to accept and
something later could not hold: PostgreSQL's text and jsonb refuse U+0000 (the
projector would stop on the stored event), timer arithmetic overflows near the
year 9999, a naive moment cannot be compared with ours, and a time zone that does
not exist cannot be converted. Stored events and the public contracts stay as
lenient as before: facts recorded earlier must still load.
"""

from datetime import date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints

# The serving app's clock, through a contextvar: a validator cannot be handed the
# runtime (shared/http/now.py says how it is set and why).
from shared.http.now import serving_clock

MAX_TEXT_LENGTH = 10_000
MAX_FILTER_LENGTH = 200
MAX_YEARS_AHEAD = 5
EARLIEST_MOMENT_YEAR = 1970
LATEST_MOMENT_YEAR = 2999


def storable(value: str, max_length: int = MAX_TEXT_LENGTH) -> str:
    # Lone surrogates never get here: pydantic refuses them as "not a valid string".
    if "\x00" in value:
        raise ValueError("must not contain the NUL character (U+0000)")
    if len(value) > max_length:
        raise ValueError(f"must be at most {max_length} characters")
    return value


# Any text a partner sends. The bound is checked here rather than as a constraint
# so that a field's own, tighter Field(max_length=...) still applies.
Text = Annotated[str, AfterValidator(storable)]
# A list filter in a query string (status, role, topic).
Filter = Annotated[str, AfterValidator(lambda value: storable(value, MAX_FILTER_LENGTH))]


def real_time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError("not an IANA time zone name, e.g. Europe/Paris") from None
    return name


TimeZoneName = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(storable),
                         AfterValidator(real_time_zone)]


def _years_ahead() -> timedelta:
    return timedelta(days=365 * MAX_YEARS_AHEAD + 1)


def future_date_within_bound(value: date) -> date:
    today = serving_clock.get().now().date()
    if value <= today:
        raise ValueError("must be after today")
    if value > today + _years_ahead():
        raise ValueError(f"must be within {MAX_YEARS_AHEAD} years from today")
    return value


def plausible_moment(value: datetime) -> datetime:
    # Outside these years no mentoring fact exists, and near datetime's own limits
    # converting between zones or adding a reminder's lead overflows.
    if not EARLIEST_MOMENT_YEAR <= value.year <= LATEST_MOMENT_YEAR:
        raise ValueError(f"must be between the years {EARLIEST_MOMENT_YEAR} and {LATEST_MOMENT_YEAR}")
    return value


def within_bound_ahead(value: datetime) -> datetime:
    if value > serving_clock.get().now() + _years_ahead():
        raise ValueError(f"must be within {MAX_YEARS_AHEAD} years from now")
    return value


# A date something ends on: after today, at most a few years away.
EndDate = Annotated[date, AfterValidator(future_date_within_bound)]
# What the schema says of a moment: RFC 3339 with its offset, so a client generated
# from the document cannot send the naive moment the server refuses.
WITH_OFFSET = r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$"
# A moment with its UTC offset (naive ones are refused), in a plausible range.
Moment = Annotated[AwareDatetime, AfterValidator(plausible_moment),
                   Field(json_schema_extra={"pattern": WITH_OFFSET})]
# A moment something is planned for: aware, at most a few years ahead.
PlannedMoment = Annotated[Moment, AfterValidator(within_bound_ahead)]
