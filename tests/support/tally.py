"""A minimal service used to test the spine: tallies that count increments per key."""

from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from shared.contracts.base import EventContract
from shared.eventstore import ServiceApplication
from shared.publishing import PublicEvent
from shared.read_model import Document


class Tally(Aggregate):
    @event("TallyOpened")
    def __init__(self, id: UUID, key: str, tenant: str) -> None:
        self.key = key
        self.tenant = tenant
        self.count = 0
        self.notes: list[str] = []

    @event("TallyIncremented")
    def increment(self, note: str) -> None:
        self.count += 1
        self.notes.append(note)


class TallyIncremented(EventContract):
    service: ClassVar[str] = "spinetest"
    abstract: ClassVar[bool] = False
    tally_id: UUID
    key: str
    count: int
    note: str


class TallyApp(ServiceApplication):
    service = "intake"  # borrows the intake database setting; tests point it at a fresh database


def tally_to_public(domain_event: Any, tally: Tally) -> PublicEvent | None:
    if type(domain_event).__name__ != "TallyIncremented":
        return None  # opening a tally stays private, as internal events do
    contract = TallyIncremented(tally_id=tally.id, key=tally.key, count=tally.count, note=tally.notes[-1])
    return PublicEvent(contract=contract, key=tally.id, tenant=tally.tenant)


def tally_to_document(tally: Tally) -> Document:
    return Document(
        kind="tally", id=tally.id, tenant=tally.tenant, status="open", version=tally.version,
        created_at=tally.created_on, body={"id": str(tally.id), "key": tally.key, "count": tally.count},
        tags=[f"key:{tally.key}"],
    )
