"""One service's moving parts: event store, pool, producer, relay, projector,
consumers and timers, started and stopped together and restarted when they fail."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import asyncpg

from shared.consumer import ConsumerRunner, Handler
from shared.contracts.base import EventContract
from shared.eventstore import ServiceApplication, run_blocking
from shared.http.idempotency import create_idempotency_table, forget_old_keys
from shared.kafka_clients import ensure_topics, group_consumer, idempotent_producer
from shared.publishing import PublicMapper
from shared.read_model import Projector, ToDocument, create_read_model_tables
from shared.relay import OutboxRelay
from shared.settings import Settings
from shared.topics import dead_letter_topic
from shared.vault import CREATE_TABLE as CREATE_VAULT_TABLE
from shared.vault import Vault

log = logging.getLogger(__name__)
RESTART_DELAY_SECONDS = 2.0


@dataclass
class ConsumerSpec:
    name: str
    topics: list[str]
    handlers: dict[type[EventContract], Handler]


@dataclass
class TimerSpec:
    """A durable timer: `fire` finds what is due in the store and records it as events."""

    name: str
    fire: Callable[[], Awaitable[int]]
    every_seconds: float


@dataclass
class ServiceRuntime:
    settings: Settings
    app: ServiceApplication
    to_public: PublicMapper
    to_document: ToDocument
    consumers: list[ConsumerSpec] = field(default_factory=list)
    timers: list[TimerSpec] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.topic = self.settings.topic_for(self.app.service)
        self.pool: asyncpg.Pool | None = None
        self.relay: OutboxRelay | None = None
        self.projector: Projector | None = None
        self.runners: list[ConsumerRunner] = []
        self._tasks: list[asyncio.Task[Any]] = []
        self._closers: list[Callable[[], Awaitable[Any]]] = []

    async def start(self) -> None:
        settings = self.settings
        self.pool = await asyncpg.create_pool(
            settings.postgres_dsn(settings.database_for(self.app.service)), min_size=1, max_size=10,
            init=use_standard_uuids,
        )
        await create_idempotency_table(self.pool)
        await create_read_model_tables(self.pool)
        await self.pool.execute(CREATE_VAULT_TABLE)
        self.vault = Vault(self.pool, settings.cipher_key.get_secret_value())
        consumed = [topic for spec in self.consumers for topic in spec.topics]
        await ensure_topics(settings, sorted({self.topic, *consumed, *map(dead_letter_topic, consumed)}))
        producer = idempotent_producer(settings)
        await producer.start()
        self._closers.append(producer.stop)
        self.producer = producer
        options = {"batch_size": settings.relay_batch_size, "poll_seconds": settings.relay_poll_seconds}
        self.relay = OutboxRelay(self.app, self.pool, self.to_public, producer, self.topic, **options)
        self.projector = Projector(self.app, self.pool, self.to_document, **options)
        self._supervise("relay", self.relay.run)
        self._supervise("projector", self.projector.run)
        for spec in self.consumers:
            self._supervise(f"consumer:{spec.name}", self._consumer_loop(spec))
        pool = self.pool
        forget = TimerSpec("idempotency-keys", lambda: forget_old_keys(pool, settings.idempotency_ttl_hours), 3600)
        for timer in [*self.timers, forget]:
            self._supervise(f"timer:{timer.name}", self._timer_loop(timer))

    def _consumer_loop(self, spec: ConsumerSpec) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            group = f"{self.settings.topic_namespace}.{self.app.service}.{spec.name}"
            consumer = group_consumer(self.settings, group, spec.topics)
            await consumer.start()
            try:
                runner = ConsumerRunner(group, self.app, spec.handlers, consumer, self.producer)
                self.runners.append(runner)
                await runner.run()
            finally:
                await consumer.stop()

        return run

    def _timer_loop(self, timer: TimerSpec) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            while True:
                fired = await timer.fire()
                if fired:
                    log.info("timers fired", extra={"timer": timer.name, "count": fired})
                await asyncio.sleep(timer.every_seconds)

        return run

    def _supervise(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        async def forever() -> None:
            while True:
                try:
                    await run()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("background task failed; restarting", extra={"task": name})
                    await asyncio.sleep(RESTART_DELAY_SECONDS)

        self._tasks.append(asyncio.create_task(forever(), name=name))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for close in reversed(self._closers):
            await close()
        if self.pool is not None:
            await self.pool.close()
        await run_blocking(self.app.close)

    async def readiness(self) -> dict[str, Any]:
        checks: dict[str, Any] = {}
        try:
            assert self.pool is not None
            await self.pool.fetchval("SELECT 1")
            checks["database"] = "ok"
        except Exception as error:  # readiness reports, it does not raise
            checks["database"] = f"failing: {type(error).__name__}"
        try:
            await self.producer.client.fetch_all_metadata()
            checks["broker"] = "ok"
        except Exception as error:
            checks["broker"] = f"failing: {type(error).__name__}"
        if self.relay is not None:
            lag = await self.relay.lag()
            checks["relay_lag"] = lag
        return checks


async def use_standard_uuids(connection: asyncpg.Connection) -> None:
    # asyncpg's own UUID type is not one the event store's transcoder knows.
    await connection.set_type_codec("uuid", encoder=str, decoder=UUID, schema="pg_catalog")
