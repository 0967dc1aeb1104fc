"""The outbox relay: the application's notification log, published to its Kafka topic.

Notifications are sent in id order with an idempotent producer (acks=all), keyed
per relationship or participant, so per-key order survives retries. The position
is saved only after the broker acknowledged the whole batch: a crash re-sends at
most that batch and never skips. Consumers recognise the re-sent tail by the
envelope's `sequence`.
"""

import asyncio
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer

from shared.aggregate_tracker import AggregateTracker
from shared.envelope import CONTENT_TYPE, CloudEvent, event_id
from shared.eventstore import ServiceApplication, run_blocking
from shared.log_follower import LogFollower
from shared.metrics import EVENTS_PUBLISHED
from shared.publishing import PublicEvent, PublicMapper
from shared.telemetry import PRODUCER, span
from shared.topics import EVERY_CONSUMER, REDRIVE_FOR
from shared.tracing import new_correlation_id


class OutboxRelay(LogFollower):
    def __init__(self, app: ServiceApplication, pool: asyncpg.Pool, to_public: PublicMapper,
                 producer: AIOKafkaProducer, topic: str, **options: Any) -> None:
        super().__init__(app, pool, f"relay:{topic}", **options)
        self._to_public = to_public
        self._producer = producer
        self._topic = topic
        self._source = f"/mentoring/{app.service}"
        self._tracker = AggregateTracker(app)
        self.published = 0

    async def handle(self, notifications: list[Any], connection: asyncpg.Connection, retrying: bool = False) -> None:
        envelopes = await run_blocking(self._envelopes_for, notifications)
        headers = [("content-type", CONTENT_TYPE.encode())]
        if retrying:
            # Sent behind later events: every consumer applies it once by its own id
            # instead of taking it for a resent tail (see shared/consumer.py).
            headers.append((REDRIVE_FOR, EVERY_CONSUMER.encode()))
        deliveries = [
            await self._producer.send(self._topic, value=envelope.to_bytes(), key=key.encode(), headers=headers)
            for key, envelope in envelopes
        ]
        await asyncio.gather(*deliveries)
        if not retrying:
            await self.position.save(connection, notifications[-1].id)
        self.published += len(envelopes)
        EVENTS_PUBLISHED.labels(self.app.service).inc(len(envelopes))

    def _envelopes_for(self, notifications: list[Any]) -> list[tuple[str, CloudEvent]]:
        envelopes = []
        for notification in notifications:
            domain_event, trace = self.app.mapper.to_domain_event_with_trace(notification)
            public = self._to_public(domain_event, self._tracker.state_after(domain_event))
            if public is not None:
                envelope = self._envelope(notification.id, domain_event, trace, public)
                envelopes.append((str(public.key), envelope))
        return envelopes

    def _envelope(self, sequence: int, domain_event: Any, trace: dict[str, Any], public: PublicEvent) -> CloudEvent:
        event_type = public.contract.cloudevent_type()
        with span(f"publish {event_type}", PRODUCER, trace.get("traceparent"), topic=self._topic) as traceparent:
            return self._cloud_event(sequence, domain_event, trace, public, event_type, traceparent)

    def _cloud_event(self, sequence: int, domain_event: Any, trace: dict[str, Any], public: PublicEvent,
                     event_type: str, traceparent: str | None) -> CloudEvent:
        return CloudEvent(
            id=event_id(domain_event.originator_id, domain_event.originator_version),
            source=self._source,
            type=event_type,
            subject=str(domain_event.originator_id),
            time=domain_event.timestamp,
            dataschema=f"https://mentoring.example/events/{event_type}.json",
            tenant=public.tenant,
            program=str(public.program) if public.program else None,
            relationship=str(public.relationship) if public.relationship else None,
            correlationid=trace.get("correlation_id") or new_correlation_id(),
            causationid=trace.get("causation_id"),
            traceparent=traceparent,
            sequence=str(sequence),
            data=public.contract.model_dump(mode="json"),
        )
