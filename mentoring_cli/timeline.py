"""`mentoring timeline`: a relationship's life across services, as of a moment, as a table."""

from datetime import datetime
from typing import Any
from uuid import UUID

from mentoring_cli.operator_api import call
from shared.settings import Settings


def fetch_timeline(settings: Settings, relationship_id: UUID, as_of: datetime | None) -> dict[str, Any]:
    params = {"as_of": as_of.isoformat()} if as_of else {}
    timeline: dict[str, Any] = call(settings, "sessions", "GET", f"/v1/relationships/{relationship_id}/timeline",
                                    params=params)
    return timeline


def describe(attributes: dict[str, Any]) -> str:
    return ", ".join(f"{key}={value}" for key, value in attributes.items() if value not in (None, [], {}))
