"""One service's moving parts: event store, pool, producer, relay, projector,
consumers and timers, started and stopped together and restarted when they fail.

The broker is not needed to start: the outbox exists so that writes are accepted
while Kafka is away. Topics, the producer, the relay and the consumers come up in
the background as soon as the broker answers; HTTP serves from the first moment."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from uuid import UUID

import asyncpg

from shared.clock import Clock
from shared.consumer import ConsumerRunner, Handler
from shared.contracts.base import EventContract
from shared.eventstore import ServiceApplication, run_blocking
from shared.http.idempotency import forget_old_keys
from shared.kafka_clients import ensure_topics, group_consumer, idempotent_producer
from shared.log_follower import LogFollower
from shared.metrics import DB_POOL, EXECUTOR_QUEUE, EXECUTOR_THREADS, PARKED_NOW, TIMER_RUNS
from shared.parking import parked_count
from shared.publishing import PublicMapper
from shared.read_model import DOCUMENTS_WRITTEN, Projector, ToDocument
from shared.relay import OutboxRelay
from shared.schema_version import require_migrated
from shared.session_state import holding_session_state, keep_as_is
from shared.settings import Settings
from shared.supervision import supervised
from shared.topics import dead_letter_topic
from shared.vault import Vault

log = logging.getLogger(__name__)
# The service's own application, so that its routes and timers see its use cases.
App = TypeVar("App", bound=ServiceApplication)
BROKER_RETRY_SECONDS = 2.0
STOP_SECONDS = 10.0
# A follower held here that fails this many times in a row, for reasons that are not
# the infrastructure's, is stuck: readiness says so (parking should make it rare).
STUCK_AFTER_FAILURES = 3
# After a woken tick, a pause before the next woken one: a burst of writes (a whole
# cohort enrolling) costs a few ticks a second, not one per write.
WOKEN_TICK_GAP_SECONDS = 0.05


@dataclass
class ConsumerSpec:
    name: str
    topics: list[str]
    handlers: dict[type[EventContract], Handler]
    # Ids the handlers load that a message does not name (e.g. derived from one it does):
    # loaded with the named ones, once per run (shared/bulk_load.py).
    also_reads: Callable[[Any], Iterable[UUID]] | None = None


@dataclass
class TimerSpec:
    """A durable timer: `fire` finds what is due in the store and records it as events."""

    name: str
    fire: Callable[[], Awaitable[int]]
    every_seconds: float
    # Document kinds whose projection wakes the timer at once: the poll stays as the
    # backstop (and the only clock for deadlines), the wake takes new work to it promptly.
    woken_by: frozenset[str] = frozenset()


@dataclass
class ServiceRuntime(Generic[App]):
    settings: Settings
    app: App
    to_public: PublicMapper
    to_document: ToDocument
    consumers: list[ConsumerSpec] = field(default_factory=list)
    timers: list[TimerSpec] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.topic = self.settings.topic_for(self.app.service)
        self.clock = Clock.from_settings(self.settings)
        self.pool: asyncpg.Pool | None = None
        self.relay: OutboxRelay | None = None
        self.projector: Projector | None = None
        self.runners: list[ConsumerRunner] = []
        self.producer: Any = None
        self._tasks: list[asyncio.Task[Any]] = []
        self._closers: list[Callable[[], Awaitable[Any]]] = []
        self._wakes: dict[str, asyncio.Event] = {}

    async def start(self) -> None:
        settings = self.settings
        database = settings.database_for(self.app.service)
        self.pool = await asyncpg.create_pool(
            settings.postgres_dsn(database), min_size=1, max_size=10, init=use_standard_uuids, reset=keep_as_is,
        )
        # The tables are the deploy's migrations' (shared/migrate.py); the service only checks.
        await require_migrated(self.pool, self.app.service, database)
        self.vault = Vault(self.pool, settings.vault_ring())
        if settings.background_work:
            self._start_background_work()

    def _start_background_work(self) -> None:
        """The followers, consumers and timers: in every process of the service unless
        BACKGROUND_WORK says this one only answers HTTP (docs/performance.md)."""
        settings = self.settings
        assert self.pool is not None
        options = {"batch_size": settings.relay_batch_size, "poll_seconds": settings.relay_poll_seconds}
        self.projector = Projector(self.app, self.pool, self.to_document, **options)
        self._supervise("projector", self.projector.run)
        self._tasks.append(asyncio.create_task(self._connect_broker(options), name="broker"))
        pool = self.pool
        forget = TimerSpec("idempotency-keys", lambda: forget_old_keys(pool, settings.idempotency_ttl_hours), 3600)
        for timer in [*self.timers, forget]:
            self._wakes[timer.name] = asyncio.Event()
            self._supervise(f"timer:{timer.name}", self._timer_loop(timer))
        if any(timer.woken_by for timer in self.timers):
            self._supervise("documents-listener", self._listen_for_documents)

    async def _listen_for_documents(self) -> None:
        assert self.pool is not None

        def written(_: Any, __: Any, ___: Any, payload: str) -> None:
            kinds = set(payload.split(","))
            for timer in self.timers:
                if timer.woken_by & kinds:
                    self._wakes[timer.name].set()

        async with holding_session_state(self.pool) as connection:
            await connection.add_listener(DOCUMENTS_WRITTEN, written)
            try:
                for timer in self.timers:  # what was written while not listening
                    if timer.woken_by:
                        self._wakes[timer.name].set()
                await asyncio.Future()  # until cancelled or the connection breaks
            finally:
                await connection.remove_listener(DOCUMENTS_WRITTEN, written)

    async def _connect_broker(self, options: dict[str, Any]) -> None:
        """Topics and producer once the broker answers, then the relay and consumers."""
        settings = self.settings
        consumed = [topic for spec in self.consumers for topic in spec.topics]
        while True:
            producer = idempotent_producer(settings)
            try:
                await ensure_topics(settings, sorted({self.topic, *consumed, *map(dead_letter_topic, consumed)}))
                await producer.start()
                break
            except asyncio.CancelledError:
                raise
            except Exception as error:
                await producer.stop()
                log.warning("broker unavailable; writes wait in the outbox", extra={"error": repr(error)})
                await asyncio.sleep(BROKER_RETRY_SECONDS)
        self._closers.append(producer.stop)
        self.producer = producer
        assert self.pool is not None
        self.relay = OutboxRelay(self.app, self.pool, self.to_public, producer, self.topic, **options)
        self._supervise("relay", self.relay.run)
        for spec in self.consumers:
            self._supervise(f"consumer:{spec.name}", self._consumer_loop(spec))

    def consumer_group(self, spec: ConsumerSpec) -> str:
        return f"{self.settings.topic_namespace}.{self.app.service}.{spec.name}"

    def _consumer_loop(self, spec: ConsumerSpec) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            group = self.consumer_group(spec)
            consumer = group_consumer(self.settings, group, spec.topics)
            await consumer.start()
            try:
                runner = ConsumerRunner(group, self.app, spec.handlers, consumer, self.producer, spec.also_reads)
                self.runners.append(runner)
                await runner.run()
            finally:
                await consumer.stop()

        return run

    def _timer_loop(self, timer: TimerSpec) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            wake = self._wakes[timer.name]
            while True:
                wake.clear()  # a wake while firing is kept: it may be for work this tick missed
                try:
                    fired = await timer.fire()
                except Exception:
                    TIMER_RUNS.labels(self.app.service, timer.name, "failed").inc()
                    raise
                TIMER_RUNS.labels(self.app.service, timer.name, "ok").inc()
                if fired:
                    log.info("timers fired", extra={"timer": timer.name, "count": fired})
                try:
                    await asyncio.wait_for(wake.wait(), timer.every_seconds)
                except TimeoutError:
                    continue
                await asyncio.sleep(WOKEN_TICK_GAP_SECONDS)

        return run

    def _supervise(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        self._tasks.append(supervised(name, run))

    async def stop(self) -> None:
        """Bounded: an orchestrator's SIGTERM must end the process even when the broker
        or the database no longer answers (what is unfinished is logged, not awaited)."""
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=STOP_SECONDS)
            for task in pending:
                log.error("background task did not stop", extra={
                    "task": task.get_name(), "stack": [repr(frame) for frame in task.get_stack()]})
        for close in reversed(self._closers):
            try:
                await asyncio.wait_for(close(), STOP_SECONDS)
            except Exception as error:  # stopping goes on whatever one client does
                log.warning("client did not close", extra={"error": repr(error)})
        if self.pool is not None:
            try:
                await asyncio.wait_for(self.pool.close(), STOP_SECONDS)
            except TimeoutError:
                log.error("database connections still in use at stop; terminating them")
                self.pool.terminate()
        await run_blocking(self.app.close)

    async def sample_gauges(self) -> None:
        """The gauges read at scrape time: pool, executor and parked records."""
        service = self.app.service
        if self.pool is not None:
            size = self.pool.get_size()
            DB_POOL.labels(service, "size").set(size)
            DB_POOL.labels(service, "in_use").set(size - self.pool.get_idle_size())
            PARKED_NOW.labels(service).set(await self.pool.fetchval(
                "SELECT count(*) FROM parked_records WHERE state = 'parked'"))
        # asyncio.to_thread's executor: the loop's default one (a private attribute, stable since 3.7).
        executor = getattr(asyncio.get_running_loop(), "_default_executor", None)
        if executor is not None:
            EXECUTOR_QUEUE.labels(service).set(executor._work_queue.qsize())
            EXECUTOR_THREADS.labels(service).set(len(executor._threads))

    async def readiness(self) -> dict[str, Any]:
        """What HTTP needs (the database) decides readiness; the broker and the
        followers are reported. A follower is only this replica's concern while it
        holds the follower's lock: a standby's followers are waiting, not behind."""
        checks: dict[str, Any] = {}
        try:
            assert self.pool is not None
            await self.pool.fetchval("SELECT 1")
            checks["database"] = "ok"
        except Exception as error:  # readiness reports, it does not raise
            checks["database"] = f"failing: {type(error).__name__}"
        if not self.settings.background_work:
            checks["broker"] = "not used here: BACKGROUND_WORK is off"
        elif self.producer is None:
            checks["broker"] = "connecting"
        else:
            try:
                await asyncio.wait_for(self.producer.client.fetch_all_metadata(), 2.0)
                checks["broker"] = "ok"
            except Exception as error:
                checks["broker"] = f"failing: {type(error).__name__}"
        if checks["database"] == "ok":
            checks["followers"] = {name: await self._follower_status(name, follower)
                                   for name, follower in self.followers().items()}
        return checks

    def followers(self) -> dict[str, LogFollower]:
        found: dict[str, LogFollower | None] = {"relay": self.relay, "projector": self.projector}
        return {name: follower for name, follower in found.items() if follower is not None}

    async def _follower_status(self, name: str, follower: LogFollower) -> dict[str, Any]:
        assert self.pool is not None
        status: dict[str, Any] = {"held_here": follower.holding,
                                  "parked": await parked_count(self.pool, follower.position.follower)}
        if follower.holding:
            status["lag"] = await follower.lag()
        # Between its retries a failing follower has let go of the lock: judge it anyway.
        status["stuck"] = follower.failures >= STUCK_AFTER_FAILURES
        return status

    def is_stuck(self, checks: dict[str, Any]) -> bool:
        return any(status.get("stuck") for status in checks.get("followers", {}).values())


async def use_standard_uuids(connection: asyncpg.Connection) -> None:
    # asyncpg's own UUID type is not one the event store's transcoder knows.
    await connection.set_type_codec("uuid", encoder=str, decoder=UUID, schema="pg_catalog")
