"""The consumer runner: Kafka messages in, each applied exactly once.

Each message's effects (new events) and its tracking record are saved in one
transaction; offsets are committed after. A redelivered message finds its tracking
record and is skipped. A message that cannot be decoded or applied goes to
`<topic>.dlq` with the reason, is tracked as handled, and the consumer moves on.
Transient infrastructure failures are retried instead, never dead-lettered.
"""

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, OperationalError, Tracking

from shared.contracts.base import EventContract
from shared.envelope import CloudEvent, UndecodableMessage, decode
from shared.errors import DomainError
from shared.eventstore import ServiceApplication, run_blocking
from shared.metrics import MESSAGES
from shared.topics import dead_letter_topic
from shared.tracing import Trace, current_trace

log = logging.getLogger(__name__)

# A handler reads what it needs from the store and returns the aggregates it changed;
# the runner saves them together with the message's tracking record.
Handler = Callable[[Any, CloudEvent], Sequence[Aggregate | None]]

CONFLICT_RETRIES = 5
APPLIED = "applied"
DUPLICATE = "duplicate"
TRANSIENT_BACKOFF_SECONDS = 1.0


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
        tracking = Tracking(f"{self.name}|{record.topic}:{record.partition}", envelope.sequence_number)
        current_trace.set(Trace(correlation_id=envelope.correlationid, causation_id=envelope.id))
        while True:
            try:
                outcome = await run_blocking(self._apply, handler, contract, envelope, tracking)
            except OperationalError as error:
                log.warning("database unavailable, retrying", extra={"error": str(error)})
                await asyncio.sleep(TRANSIENT_BACKOFF_SECONDS)
                continue
            break
        if outcome == APPLIED:
            self.applied += 1
        elif outcome == DUPLICATE:
            self.duplicates += 1
        else:
            await self._dead_letter(record, outcome)
            await run_blocking(self._track_only, tracking)
            outcome = "dead_lettered"
        MESSAGES.labels(self._app.service, self.name, outcome).inc()

    def _apply(self, handler: Handler, contract: Any, envelope: CloudEvent, tracking: Tracking) -> str:
        """APPLIED, DUPLICATE, or the reason the message cannot be applied."""
        for _attempt in range(CONFLICT_RETRIES):
            if self._app.has_tracking(tracking):
                return DUPLICATE
            try:
                aggregates = handler(contract, envelope)
                self._app.save_tracked(*aggregates, tracking=tracking)
                return APPLIED
            except DomainError as error:
                return f"{error.kind}: {error.detail}"
            except IntegrityError:
                # Either a concurrent redelivery recorded it first (seen at the top of
                # the loop), or another writer changed an aggregate: load and retry.
                continue
            except OperationalError:
                raise
            except Exception as error:  # a bug must not wedge the partition forever
                log.exception("handler failed", extra={"type": envelope.type})
                return f"handler error: {type(error).__name__}: {error}"
        return "gave up after repeated concurrent-write conflicts"

    def _track_only(self, tracking: Tracking) -> None:
        try:
            self._app.save_tracked(tracking=tracking)
        except IntegrityError:
            pass  # already tracked by an earlier delivery

    async def _dead_letter(self, record: ConsumerRecord, reason: str) -> None:
        self.dead_lettered += 1
        log.warning("dead-lettered", extra={"topic": record.topic, "offset": record.offset, "reason": reason})
        headers = list(record.headers or []) + [
            ("dlq-reason", reason.encode()[:4000]),
            ("dlq-consumer", self.name.encode()),
            ("dlq-origin", f"{record.topic}:{record.partition}:{record.offset}".encode()),
        ]
        await self._producer.send_and_wait(
            dead_letter_topic(record.topic), value=record.value, key=record.key, headers=headers
        )
