"""A relationship as it was at a moment, rebuilt from its own events alone.

Pure: give it the relationship's domain events (in version order, creation first)
and a moment; it replays those recorded up to that moment. It stops at the first
later event rather than skipping it, so the result is always a state the
relationship really was in.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from services.sessions.domain.relationship import Relationship


def events_up_to(events: Iterable[Any], as_of: datetime | None) -> list[Any]:
    recorded = []
    for event in events:
        if as_of is not None and event.timestamp > as_of:
            break
        recorded.append(event)
    return recorded


def state_as_of(events: Iterable[Any], as_of: datetime | None = None) -> Relationship | None:
    """None when the relationship did not exist yet at `as_of`."""
    relationship: Relationship | None = None
    for event in events_up_to(events, as_of):
        relationship = event.mutate(relationship)
    return relationship


def summary(relationship: Relationship | None) -> dict[str, Any] | None:
    """Facts at a glance: status, the version in force, who signed which version, sessions held."""
    if relationship is None:
        return None
    return {
        "status": relationship.status,
        "outcome": relationship.outcome,
        "agreement_in_force": relationship.agreement_in_force,
        "agreements": [{"version": a["version"], "proposed_by": a["proposed_by"], "signed_by": a["signed_by"]}
                       for a in relationship.agreements],
        "ground_rules_acknowledged_by": relationship.acknowledged_by,
        "sessions_held": relationship.held_count,
        "sessions_scheduled": sum(1 for s in relationship.sessions.values() if s["state"] == "scheduled"),
        "version": relationship.version,
    }
