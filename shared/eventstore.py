"""Each service's event store: an `eventsourcing` Application on its own database.

Writes here are synchronous (psycopg); async code reaches them through
`run_blocking` so the event loop never waits on the database (docs/adr/0001).
"""

import asyncio
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, ParamSpec, TypeVar
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper, StoredEvent, Tracking
from eventsourcing.postgres import PostgresProcessRecorder

from shared import binary_event_insert
from shared.key_erasing_recorder import ERASE_KEYS_OF
from shared.privacy import refuse_unsealed
from shared.settings import Settings
from shared.tracing import Trace, child_traceparent, current_trace

TRACE_KEY = "__trace__"
P = ParamSpec("P")
T = TypeVar("T")


class TracedMapper(Mapper[UUID]):
    """Stores the causing request's trace ids inside each (encrypted) event."""

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        refuse_unsealed(domain_event)
        trace = current_trace.get()
        if trace is not None:
            object.__setattr__(domain_event, TRACE_KEY, trace.as_dict())
        try:
            return super().to_stored_event(domain_event)
        finally:
            domain_event.__dict__.pop(TRACE_KEY, None)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        return self.to_domain_event_with_trace(stored_event)[0]

    def to_domain_event_with_trace(self, stored_event: StoredEvent) -> tuple[Any, dict[str, Any]]:
        domain_event = super().to_domain_event(stored_event)
        # Popped so that replaying an event never sees an argument it did not declare.
        trace = domain_event.__dict__.pop(TRACE_KEY, None) or {}
        return domain_event, trace


class AggregatesCollected(ProcessingEvent[UUID]):
    """The library's collection of what a save records, with aggregates recognised by
    their class: its check is two `typing.Protocol` isinstance calls per object, ~10 us
    each, a tenth of a consumer run's or a bulk save's time. Anything else (a bare
    domain event) goes the library's way, in the order given."""

    def collect_events(self, *objs: Any, **kwargs: Any) -> None:
        for obj in objs:
            if isinstance(obj, Aggregate):
                self.events.extend(obj.collect_events())
                self.aggregates[obj.id] = obj
            elif obj is not None:
                super().collect_events(obj)
        self.saved_kwargs.update(kwargs)


class ServiceApplication(Application[UUID]):
    """A service's event store, recording consumer tracking in the same transaction."""

    service: ClassVar[str]
    # A service that needs more of its recorder names a subclass of this one.
    env: ClassVar[dict[str, str]] = {"PROCESS_RECORDER_TOPIC": binary_event_insert.TOPIC}
    # What construct_mapper and persistence_env make them; declared for the type checker,
    # which otherwise knows only the library's base types (no trace, datastore or channel).
    mapper: "TracedMapper"
    recorder: PostgresProcessRecorder

    def __init__(self, settings: Settings, env: dict[str, str] | None = None) -> None:
        super().__init__(env={**persistence_env(settings, self.service), **(env or {})})

    def construct_mapper(self) -> Mapper[UUID]:
        return TracedMapper(
            transcoder=self.construct_transcoder(),
            cipher=self.factory.cipher(),
            compressor=self.factory.compressor(),
        )

    def construct_recorder(self) -> Any:
        return self.factory.process_recorder()

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        # The library's save (collect, record, snapshot, notify) with the faster collection.
        processing_event = AggregatesCollected()
        processing_event.collect_events(*objs, **kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        return recordings

    def save_tracked(self, *aggregates: Aggregate | None, tracking: Tracking) -> None:
        """Saves new events and the consumed message's position atomically.

        Raises the library's IntegrityError when `tracking` was already recorded,
        which is how a redelivered message is recognised.
        """
        processing_event = AggregatesCollected(tracking=tracking)
        processing_event.collect_events(*aggregates)
        self._record(processing_event)
        self._take_snapshots(processing_event)

    def keys_erased_by(self, events: Sequence[Any]) -> list[UUID]:
        """The people whose keys these events say are erased; a service that keeps per-person
        keys names them here and records with shared/key_erasing_recorder.py."""
        return []

    def _record(self, processing_event: ProcessingEvent[UUID]) -> Any:
        # Keys are deleted in the very transaction that records their erasure.
        erased = self.keys_erased_by(processing_event.events)
        if erased:
            processing_event.saved_kwargs[ERASE_KEYS_OF] = erased
        return super()._record(processing_event)

    def trace_of_origin(self, aggregate_id: UUID) -> Trace | None:
        """The trace the aggregate's first event was recorded in: work a timer later does
        for it (a proposal for a request) continues the trace of what asked for it."""
        first = self.recorder.select_events(aggregate_id, lte=1, limit=1)
        if not first:
            return None
        recorded = self.mapper.to_domain_event_with_trace(first[0])[1]
        if not recorded.get("correlation_id"):
            return None
        return Trace(correlation_id=recorded["correlation_id"], causation_id=recorded.get("causation_id"),
                     traceparent=child_traceparent(recorded.get("traceparent")))

    def has_tracking(self, tracking: Tracking) -> bool:
        recorded = self.recorder.max_tracking_id(tracking.application_name)
        return recorded is not None and recorded >= tracking.notification_id


def persistence_env(settings: Settings, service: str) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": settings.database_for(service),
        "POSTGRES_HOST": settings.postgres_host,
        "POSTGRES_PORT": str(settings.postgres_port),
        "POSTGRES_USER": settings.postgres_user,
        "POSTGRES_PASSWORD": settings.postgres_password.get_secret_value(),
        "POSTGRES_POOL_SIZE": "5",
        "POSTGRES_MAX_OVERFLOW": "10",
        # Off on purpose: with DB functions 9.5.6 drops tracking records (STYLE.md).
        "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
        # AES-GCM under a key ring: events name the key that sealed them, so it can rotate.
        "CIPHER_TOPIC": "shared.key_ring:RotatingCipher",
        "CIPHER_KEY": settings.cipher_key.get_secret_value(),
        "CIPHER_KEYS_RETIRED": settings.cipher_keys_retired.get_secret_value(),
        "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor",
        "CREATE_TABLE": "y",
        # Loading an aggregate was a snapshot SELECT, an events SELECT, decrypting,
        # decompressing and replaying; from the cache it is one SELECT of the events after
        # the cached version (usually none) and a deep copy (docs/performance.md).
        **({"AGGREGATE_CACHE_MAXSIZE": str(settings.aggregate_cache_size),
            "AGGREGATE_CACHE_FASTFORWARD": "y"} if settings.aggregate_cache_size else {}),
    }


async def run_blocking(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Runs synchronous event-store work on a worker thread, keeping the trace context."""
    return await asyncio.to_thread(function, *args, **kwargs)
