"""One public event as insights stored it: its place on the topic, the columns the
stream filters on, and the CloudEvent JSON exactly as it was on the topic."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class StoredEvent:
    service: str
    partition: int
    offset: int
    type: str
    time: datetime
    program: str | None
    relationship: str | None
    organizations: frozenset[str]
    body: str

    @classmethod
    def from_row(cls, row: Any) -> "StoredEvent":
        return cls(
            row["service"],
            row["partition"],
            row["offset"],
            row["type"],
            row["time"],
            row["program"],
            row["relationship"],
            frozenset(row["organizations"]),
            row["body"],
        )


# Qualified by the alias `e` the queries give the events table.
COLUMNS = (
    'e.service, e.partition, e."offset", e.type, e.time, e.program, e.relationship,'
    " e.organizations, e.body"
)
