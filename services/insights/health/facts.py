"""One public event as the health folds see it: its id, when it happened, and its payload
as the typed contract. Anything that does not decode is malformed, never an exception."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from shared.contracts.base import EventContract, contract_for


class Malformed(ValueError):
    """A known event that cannot be read; the book counts it and goes on."""


@dataclass(frozen=True)
class Fact:
    id: str
    time: datetime
    data: EventContract
    source: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """What makes a CloudEvent unique: its source and id together. The relays derive
        the id from (aggregate, version), and sessions' relationship has the id of intake's
        request, so an id alone repeats across services."""
        return (self.source, self.id)

    @property
    def program(self) -> str | None:
        program = getattr(self.data, "program_id", None)
        return None if program is None else str(program)


def read_fact(event: Any) -> Fact | None:
    """The fact, or None for a type (or version) the folds do not know."""
    if not isinstance(event, Mapping):
        raise Malformed("not a mapping")
    event_type = event.get("type")
    if not isinstance(event_type, str):
        raise Malformed("no type")
    contract = contract_for(event_type)
    if contract is None:
        return None
    event_id = event.get("id")
    if not isinstance(event_id, str) or not event_id:
        raise Malformed("no id")
    data = event.get("data")
    try:
        payload = contract.model_validate(data)
    except ValidationError as error:
        raise Malformed(f"{event_type} data invalid") from error
    source = event.get("source")
    return Fact(
        id=event_id,
        time=parse_time(event.get("time")),
        data=payload,
        source=source if isinstance(source, str) else "",
    )


def parse_time(value: Any) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as error:
            raise Malformed("time is not RFC 3339") from error
    if not isinstance(value, datetime):
        raise Malformed("no time")
    return as_utc(value)


def as_utc(moment: datetime) -> datetime:
    # A time without an offset is taken as UTC, as every service writes it.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
