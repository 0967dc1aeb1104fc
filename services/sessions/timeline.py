"""A relationship's whole life, rebuilt from events alone, optionally as of a moment.

Facts from intake and matching come from ExternalFacts; the relationship's own
events are replayed one by one, so the state at any moment is exactly what those
events made it. Private parts (the event fields declared Private: notes, comments,
reflections) are returned sealed and only to their owner; the API opens them.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from services.sessions.application import SessionsApplication
from services.sessions.domain.external_facts import ExternalFacts, external_facts_id
from services.sessions.domain.relationship import Relationship
from services.sessions.publishing import public_fact
from shared.privacy import private_fields
from shared.store_access import events_of, find_sync

SOURCE_ORDER = {"intake": 0, "matching": 1, "sessions": 2}


def build_timeline(app: SessionsApplication, relationship_id: UUID, reader: UUID | None,
                   as_of: datetime | None) -> tuple[list[dict[str, Any]], Relationship | None]:
    entries: list[dict[str, Any]] = []
    external = find_sync(app, external_facts_id(relationship_id), ExternalFacts)
    for fact in external.facts if external else []:
        entries.append({"at": fact["at"], "source": fact["source"], "fact": fact["fact"],
                        "attributes": fact["attributes"]})
    relationship: Relationship | None = None
    for event in events_of(app, relationship_id):
        if as_of is not None and event.timestamp > as_of:
            break
        relationship = event.mutate(relationship)
        assert relationship is not None  # the library's mutate returns the aggregate it made or changed
        entries.append(own_entry(event, relationship, reader))
    if as_of is not None:
        entries = [entry for entry in entries if entry["at"] <= as_of]
    entries.sort(key=lambda entry: (entry["at"], SOURCE_ORDER.get(entry["source"], 9)))
    return entries, relationship


def own_entry(event: Any, relationship: Relationship, reader: UUID | None) -> dict[str, Any]:
    name = type(event).__name__
    contract = public_fact(event, relationship)
    attributes = contract.model_dump(mode="json", exclude={"relationship_id", "program_id"}) if contract else {}
    entry: dict[str, Any] = {"at": event.timestamp, "source": "sessions", "fact": name, "attributes": attributes}
    if name == "PrivateNoteAdded":  # no public fact: the entry says whose note, on which session
        entry["attributes"] = {"session_id": str(event.session_id), "author": str(event.author)}
    for field, private in private_fields(type(event)).items():
        sealed = getattr(event, field)
        if reader is not None and getattr(event, private.owner) == reader and sealed:
            entry["sealed_for_reader"] = sealed  # opened by the API with the author's key
    return entry


def state_summary(relationship: Relationship | None) -> dict[str, Any] | None:
    if relationship is None:
        return None
    return {
        "status": relationship.status,
        "agreement_in_force": relationship.agreement_in_force,
        "agreements": [{"version": a["version"], "signed_by": a["signed_by"]} for a in relationship.agreements],
        "ground_rules_acknowledged_by": relationship.acknowledged_by,
        "sessions_held": relationship.held_count,
        "sessions_scheduled": sum(1 for s in relationship.sessions.values() if s["state"] == "scheduled"),
        "outcome": relationship.outcome,
        "version": relationship.version,
    }
