"""The consumer runner: Kafka messages in, each applied exactly once.

Each message's effects (new events) and its tracking record are saved in one
transaction; offsets are committed after. A redelivered message finds its tracking
record and is skipped. A message that cannot be decoded or applied goes to
`<topic>.dlq` with the reason, is tracked as handled, and the consumer moves on.
Transient infrastructure failures and concurrent-write conflicts are retried with
back-off instead, never dead-lettered. A redriven message (shared/topics.py) is
tracked by its event id, so it is applied exactly once even though it arrives
behind later messages.
"""

import asyncio
import logging
import random
from collections.abc import Callable, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Tracking

from shared.contracts.base import EventContract
from shared.envelope import CloudEvent, UndecodableMessage, decode
from shared.errors import DomainError
from shared.eventstore import ServiceApplication, run_blocking
from shared.metrics import DEAD_LETTERED, MESSAGES
from shared.telemetry import CONSUMER, span
from shared.topics import DLQ_CONSUMER, DLQ_ORIGIN, DLQ_REASON, EVERY_CONSUMER, REDRIVE_FOR, dead_letter_topic
from shared.tracing import Trace, current_trace
from shared.transient import is_transient

log = logging.getLogger(__name__)

# A handler reads what it needs from the store and returns the aggregates it changed;
# the runner saves them together with the message's tracking record.
Handler = Callable[[Any, CloudEvent], Sequence[Aggregate | None]]

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
    ) -> None:
        self.name = name
        self._app = app
        self._handlers = handlers
        self._consumer = consumer
        self._producer = producer
        self.applied = 0
        self.duplicates = 0
        self.dead_lettered = 0

    async def run(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=500, max_records=100)
            for partition, records in batches.items():
                for record in records:
                    await self.process(record)
                await self._consumer.commit({partition: records[-1].offset + 1})

    async def process(self, record: ConsumerRecord) -> None:
        redrive_for = header(record, REDRIVE_FOR)
        if redrive_for not in (None, EVERY_CONSUMER, self.name):
            return  # redriven for another consumer, which refused it; this one applied it already
        try:
            envelope = decode(record.value)
            contract = envelope.contract()
        except UndecodableMessage as error:
            await self._dead_letter(record, str(error))
            MESSAGES.labels(self._app.service, self.name, "undecodable").inc()
            return
        handler = self._handlers.get(type(contract))
        if handler is None:
            return  # an event this consumer has no use for
        if redrive_for is None:
            tracking = Tracking(f"{self.name}|{record.topic}:{record.partition}", envelope.sequence_number)
        else:
            tracking = Tracking(f"{self.name}|redrive:{envelope.id}", envelope.sequence_number)
        with span(f"apply {envelope.type}", CONSUMER, envelope.traceparent, consumer=self.name) as traceparent:
            current_trace.set(Trace(correlation_id=envelope.correlationid, causation_id=envelope.id,
                                    traceparent=traceparent))
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
