"""Sessions' event store. Use cases are the Relationship's own commands, run
through shared.http.aggregates.change; this class names the store and snapshots."""

from shared.eventstore import ServiceApplication
from services.sessions.domain.external_facts import ExternalFacts
from services.sessions.domain.relationship import Relationship

SNAPSHOT_EVERY = 50


class SessionsApplication(ServiceApplication):
    service = "sessions"
    name = "sessions"
    # Long relationships load from the latest snapshot plus at most 49 events.
    snapshotting_intervals = {Relationship: SNAPSHOT_EVERY, ExternalFacts: SNAPSHOT_EVERY}
