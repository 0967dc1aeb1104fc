"""The consumer runner: Kafka messages in, each applied exactly once.

Each message's effects (new events) and its tracking record are saved in one
transaction; offsets are committed after. A redelivered message finds its tracking
record and is skipped. A message that cannot be decoded or applied goes to
`<topic>.dlq` with the reason, is tracked as handled, and the consumer moves on.
Transient infrastructure failures and concurrent-write conflicts are retried with
back-off instead, never dead-lettered. A redriven message (shared/topics.py) is
tracked by its event id, so it is applied exactly once even though it arrives
behind later messages.

A partition's run of plain messages is applied in one transaction: the handlers see
the aggregates the earlier messages of the run changed, each event keeps its own
message's trace, and the run's highest sequence is its tracking record (the store
keeps one tracking row per partition, the highest applied, so that is the row one
save per message would leave). The aggregates a run's messages name are loaded for
the whole run in two statements (shared/bulk_load.py). Anything unusual in a run (a
refused message, a conflict, the database away) sends the whole run through the
one-at-a-time path, which starts again from what is committed.
"""

import asyncio
import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Tracking

from shared.contracts.base import EventContract
from shared.bulk_load import load_many
from shared.envelope import CloudEvent, UndecodableMessage, decode
from shared.errors import DomainError
from shared.eventstore import TRACE_KEY, ServiceApplication, run_blocking
from shared.metrics import DEAD_LETTERED, MESSAGES
from shared.telemetry import CONSUMER, span
from shared.topics import DLQ_CONSUMER, DLQ_ORIGIN, DLQ_REASON, EVERY_CONSUMER, REDRIVE_FOR, dead_letter_topic
from shared.tracing import Trace, current_trace
from shared.transient import is_transient

log = logging.getLogger(__name__)

# A handler reads what it needs from the store and returns the aggregates it changed;
# the runner saves them together with the message's tracking record.
Handler = Callable[[Any, CloudEvent], Sequence[Aggregate | None]]

# Messages of a partition fetched, and applied in one transaction, at a time.
RUN_SIZE = 500
COMMIT_EVERY_SECONDS = 1.0
CONFLICT_RETRIES = 30
APPLIED = "applied"
DUPLICATE = "duplicate"
CONFLICT = "conflict"
MAX_BACKOFF_SECONDS = 5.0


def backoff_seconds(attempt: int) -> float:
    """Exponential with full jitter, so replicas retrying together spread out."""
    return random.uniform(0, min(MAX_BACKOFF_SECONDS, 0.05 * 2 ** attempt))


def header(record: ConsumerRecord, name: str) -> str | None:
    for key, value in record.headers or []:
        if key == name:
            return bytes(value).decode(errors="replace")
    return None


class ConsumerRunner:
    def __init__(
        self,
        name: str,
        app: ServiceApplication,
        handlers: dict[type[EventContract], Handler],
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        also_reads: Callable[[Any], Iterable[UUID]] | None = None,
    ) -> None:
        self.name = name
        self._also_reads = also_reads
        self._app = app
        self._handlers = handlers
        self._consumer = consumer
        self._producer = producer
        self.applied = 0
        self.duplicates = 0
        self.dead_lettered = 0
        read_through_runs(app)

    async def run(self) -> None:
        # Offsets are only where a restart resumes: what was applied is known from the
        # tracking records, so a message delivered again after an uncommitted offset is a
        # duplicate, skipped. Committing once a second while busy, and when the partitions
        # fall quiet, instead of after every fetch spares a broker round trip and an
        # offsets-topic write per fetch (one per message or two at low rates).
        uncommitted: dict[TopicPartition, int] = {}
        last_commit = time.monotonic()
        try:
            while True:
                batches = await self._consumer.getmany(timeout_ms=500, max_records=RUN_SIZE)
                for partition, records in batches.items():
                    await self.process_partition(records)
                    uncommitted[partition] = records[-1].offset + 1
                if uncommitted and (not batches or time.monotonic() - last_commit >= COMMIT_EVERY_SECONDS):
                    await self._commit(uncommitted)
                    uncommitted, last_commit = {}, time.monotonic()
        finally:
            if uncommitted:
                try:
                    await self._commit(uncommitted)
                except Exception as error:  # stopping anyway: the next owner reads them again
                    log.info("offsets not committed on stopping", extra={"reason": repr(error)})

    async def _commit(self, offsets: dict[TopicPartition, int]) -> None:
        # A partition taken away by a rebalance since is not ours to commit: its next
        # owner reads those messages again and finds them applied.
        assigned = self._consumer.assignment()
        mine = {partition: offset for partition, offset in offsets.items() if partition in assigned}
        if not mine:
            return
        try:
            await self._consumer.commit(mine)
        except CommitFailedError as error:
            log.info("offsets not committed: the group rebalanced", extra={"reason": repr(error)})

    async def process_partition(self, records: list[ConsumerRecord]) -> None:
        """One partition's records in order: runs of plain messages together, redriven ones alone."""
        run: list[Message] = []
        for record in records:
            if header(record, REDRIVE_FOR) is not None:
                await self._process_run(run)
                run = []
                await self.process(record)
            elif (message := await self._decoded(record)) is not None:
                run.append(message)
        await self._process_run(run)

    async def process(self, record: ConsumerRecord) -> None:
        redrive_for = header(record, REDRIVE_FOR)
        if redrive_for not in (None, EVERY_CONSUMER, self.name):
            return  # redriven for another consumer, which refused it; this one applied it already
        message = await self._decoded(record)
        if message is not None:
            await self._process_one(message, redrive_for)

    async def _decoded(self, record: ConsumerRecord) -> "Message | None":
        """The message with its handler; None when it is dead-lettered or of no use here."""
        try:
            envelope = decode(record.value)
            contract = envelope.contract()
        except UndecodableMessage as error:
            await self._dead_letter(record, str(error))
            MESSAGES.labels(self._app.service, self.name, "undecodable").inc()
            return None
        handler = self._handlers.get(type(contract))
        return None if handler is None else Message(record, envelope, contract, handler)

    async def _process_run(self, run: "list[Message]") -> None:
        if len(run) > 1:
            try:
                applied, duplicates = await run_blocking(self._apply_run, run)
            except Exception as error:  # refused, conflicting, or the database away: one at a time
                log.info("run applied one message at a time", extra={"messages": len(run), "reason": repr(error)})
            else:
                self.applied += applied
                self.duplicates += duplicates
                MESSAGES.labels(self._app.service, self.name, APPLIED).inc(applied)
                MESSAGES.labels(self._app.service, self.name, DUPLICATE).inc(duplicates)
                return
        for message in run:
            await self._process_one(message)

    def _apply_run(self, run: "list[Message]") -> tuple[int, int]:
        """Applies the run in one transaction; (applied, duplicates). Raises, saving
        nothing, when any message in it is not plainly applied."""
        first = run[0].record
        tracking_name = f"{self.name}|{first.topic}:{first.partition}"
        highest = self._app.recorder.max_tracking_id(tracking_name) or 0
        fresh = [message for message in run if message.envelope.sequence_number > highest]
        reads = RunReads(*load_many(self._app, [i for message in fresh for i in self._reads(message.contract)]))
        applied = 0
        with reading_through(reads):
            for message in fresh:
                if message.envelope.sequence_number <= highest:
                    continue  # a resent tail inside the run: applied earlier in it
                with span(f"apply {message.envelope.type}", CONSUMER, message.envelope.traceparent,
                          consumer=self.name) as traceparent:
                    trace = message.trace(traceparent)
                    current_trace.set(trace)
                    reads.keep(message.handler(message.contract, message.envelope), trace)
                highest = message.envelope.sequence_number
                applied += 1
        if applied:
            current_trace.set(None)  # each event already carries its own message's trace
            self._app.save_tracked(*reads.changed.values(), tracking=Tracking(tracking_name, highest))
        return applied, len(run) - applied

    def _reads(self, contract: Any) -> list[UUID]:
        """The ids to load for a message: those it names, and those its service derives from it."""
        ids = named_ids(contract)
        if self._also_reads is not None:
            ids.extend(self._also_reads(contract))
        return ids

    async def _process_one(self, message: "Message", redrive_for: str | None = None) -> None:
        record, envelope, contract, handler = message.record, message.envelope, message.contract, message.handler
        if redrive_for is None:
            tracking = Tracking(f"{self.name}|{record.topic}:{record.partition}", envelope.sequence_number)
        else:
            tracking = Tracking(f"{self.name}|redrive:{envelope.id}", envelope.sequence_number)
        with span(f"apply {envelope.type}", CONSUMER, envelope.traceparent, consumer=self.name) as traceparent:
            current_trace.set(message.trace(traceparent))
            outcome = await self._apply_with_retries(handler, contract, envelope, tracking)
        if outcome == APPLIED:
            self.applied += 1
        elif outcome == DUPLICATE:
            self.duplicates += 1
        else:
            await self._dead_letter(record, outcome)
            await run_blocking(self._track_only, tracking)
            outcome = "dead_lettered"
        MESSAGES.labels(self._app.service, self.name, outcome).inc()

    async def _apply_with_retries(self, handler: Handler, contract: Any, envelope: CloudEvent,
                                  tracking: Tracking) -> str:
        conflicts = failures = 0
        while True:
            try:
                outcome = await run_blocking(self._apply, handler, contract, envelope, tracking)
            except Exception as error:
                if not is_transient(error):
                    raise
                # The database is away, not the message at fault: wait and try again.
                log.warning("database unavailable, retrying", extra={"error": str(error), "attempt": failures})
                await asyncio.sleep(backoff_seconds(failures) + 0.2)
                failures += 1
                continue
            if outcome != CONFLICT:
                return outcome
            conflicts += 1
            if conflicts >= CONFLICT_RETRIES:
                return "gave up after repeated concurrent-write conflicts"
            await asyncio.sleep(backoff_seconds(conflicts))

    def _apply(self, handler: Handler, contract: Any, envelope: CloudEvent, tracking: Tracking) -> str:
        """APPLIED, DUPLICATE, CONFLICT, or the reason the message cannot be applied."""
        if self._app.has_tracking(tracking):
            return DUPLICATE
        try:
            aggregates = handler(contract, envelope)
            self._app.save_tracked(*aggregates, tracking=tracking)
            return APPLIED
        except DomainError as error:
            return f"{error.kind}: {error.detail}"
        except IntegrityError:
            # Either a concurrent redelivery recorded it first (seen on the next try),
            # or another writer changed an aggregate: load again and retry.
            return CONFLICT
        except Exception as error:
            if is_transient(error):
                raise
            log.exception("handler failed", extra={"type": envelope.type})  # a bug must not wedge the partition
            return f"handler error: {type(error).__name__}: {error}"

    def _track_only(self, tracking: Tracking) -> None:
        try:
            self._app.save_tracked(tracking=tracking)
        except IntegrityError:
            pass  # already tracked by an earlier delivery

    async def _dead_letter(self, record: ConsumerRecord, reason: str) -> None:
        self.dead_lettered += 1
        DEAD_LETTERED.labels(self._app.service, self.name).inc()
        log.warning("dead-lettered", extra={"topic": record.topic, "offset": record.offset, "reason": reason})
        headers = list(record.headers or []) + [
            (DLQ_REASON, reason.encode()[:4000]),
            (DLQ_CONSUMER, self.name.encode()),
            (DLQ_ORIGIN, f"{record.topic}:{record.partition}:{record.offset}".encode()),
        ]
        await self._producer.send_and_wait(
            dead_letter_topic(record.topic), value=record.value, key=record.key, headers=headers
        )


@dataclass(frozen=True)
class Message:
    record: ConsumerRecord
    envelope: CloudEvent
    contract: Any
    handler: Handler

    def trace(self, traceparent: str | None) -> Trace:
        return Trace(correlation_id=self.envelope.correlationid, causation_id=self.envelope.id,
                     traceparent=traceparent)


class ChangedOutsideItsResult(Exception):
    """A handler changed an aggregate it did not return: alone, that change would be dropped."""


class RunReads:
    """What a run's handlers read and change. `changed`: the aggregates returned so far,
    which the store does not have yet; `loaded`: what was handed out from the run's one
    bulk load (each id handed out once and then shared, so a change made to it but not
    returned is seen and refused); `absent`: ids the bulk load found no events for."""

    def __init__(self, prefetched: dict[UUID, Aggregate], absent: set[UUID]) -> None:
        self.changed: dict[UUID, Aggregate] = {}
        self.loaded: dict[UUID, Aggregate] = {}
        self._prefetched = prefetched
        self._absent = absent
        # What the handler now running was handed: only these can it have changed.
        self._handed_out: dict[UUID, Aggregate] = {}

    def get(self, aggregate_id: UUID) -> Aggregate | None:
        """The run's copy, or None when the store must be asked; AggregateNotFoundError
        for an id the run knows has no events and has not created."""
        if aggregate_id in self._prefetched:
            self.loaded[aggregate_id] = self._prefetched.pop(aggregate_id)
        found = self.changed.get(aggregate_id)
        if found is None:
            found = self.loaded.get(aggregate_id)
        if found is None:
            if aggregate_id in self._absent and aggregate_id not in self.changed:
                raise AggregateNotFoundError(aggregate_id)
            return None
        self._handed_out[aggregate_id] = found
        return found

    def keep(self, returned: Sequence[Aggregate | None], trace: Trace) -> None:
        """Adds a handler's aggregates to the run's, stamping its new events with its message's trace."""
        mine = set()
        for aggregate in returned:
            if aggregate is None:
                continue
            if self.changed.setdefault(aggregate.id, aggregate) is not aggregate:
                raise ChangedOutsideItsResult(f"a second copy of {aggregate.id} in one run")
            mine.add(aggregate.id)
            self._handed_out[aggregate.id] = aggregate
        stamp = trace.as_dict()  # one per message, shared by its events (none changes it)
        for aggregate in self._handed_out.values():
            for event in aggregate.pending_events:
                if TRACE_KEY not in event.__dict__:
                    if aggregate.id not in mine:
                        raise ChangedOutsideItsResult(f"{aggregate.id} changed but not returned")
                    object.__setattr__(event, TRACE_KEY, stamp)
        self._handed_out = {}


# The reads of the run being applied; unset everywhere but inside a run.
_run_reads: ContextVar[RunReads | None] = ContextVar("consumer_run_reads", default=None)


@contextmanager
def reading_through(reads: RunReads) -> Iterator[None]:
    token = _run_reads.set(reads)
    try:
        yield
    finally:
        _run_reads.reset(token)


def read_through_runs(app: ServiceApplication) -> None:
    """Makes the application's repository answer a run's handlers from the run's reads;
    everyone else (HTTP, timers, other threads) reads the store as before."""
    repository = app.repository
    if getattr(repository, "reads_through_runs", False):
        return
    from_store = repository.get

    def get(aggregate_id: UUID, **options: Any) -> Any:
        reads = _run_reads.get()
        if reads is not None and not options:
            found = reads.get(aggregate_id)
            if found is not None:
                return found
        return from_store(aggregate_id, **options)

    repository.get = get  # type: ignore[method-assign]
    repository.reads_through_runs = True  # type: ignore[attr-defined]


def named_ids(contract: EventContract) -> list[UUID]:
    """The ids a message names (its top-level UUID fields and lists of them): what its
    handler usually loads, fetched for the whole run at once."""
    ids: list[UUID] = []
    for value in contract.__dict__.values():
        if isinstance(value, UUID):
            ids.append(value)
        elif isinstance(value, (list, tuple)):
            ids.extend(item for item in value if isinstance(item, UUID))
    return ids
