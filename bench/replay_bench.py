"""Replay and backlogs, each against a bare baseline on the same rows or bytes, same run:

(a) rebuilding intake's read model (the projector from notification 0) against a raw
    asyncpg scan of the same stored events, page by page;
(b) the outbox relay draining the whole log to a fresh topic against a bare aiokafka
    producer (the same settings) sending the bytes the relay sent;
(c) matching's pool consumer applying the relayed messages (into a fresh matching
    database, a fresh group) against a bare aiokafka consumer reading them.

    .venv/bin/python -m bench.replay_bench [--events 100000] [--rounds 3] [--parts a b c] [--consume N]

The events are made in-process through intake's aggregates, saved in bulk: people enrolled,
their profile updated, paused and resumed (four public events each). Rounds alternate real
and baseline so that a noisy neighbour hurts both alike.
"""

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import uuid4

import asyncpg
import uvloop
from aiokafka import AIOKafkaConsumer, TopicPartition

from bench.process_cpu import backend_pids, cpu_seconds, own_cpu_seconds
from services.intake.application import IntakeApplication
from services.intake.documents import to_document
from services.intake.domain.participant import Participant
from services.intake.domain.program import Program
from services.intake.publishing import to_public
from services.matching.application import MatchingApplication
from services.matching.consumers import handlers as matching_handlers
from services.matching.consumers import seats_read as matching_seats_read
from shared.consumer import ConsumerRunner
from shared.contracts.vocabulary import ProgramTerms
from shared.eventstore import run_blocking
from shared.kafka_clients import ensure_topics, group_consumer, idempotent_producer
from shared.log_follower import LogFollower
from shared.read_model import Projector
from shared.relay import OutboxRelay
from shared.runtime import use_standard_uuids
from shared.settings import Settings
from shared.topics import dead_letter_topic
from tests.support.api_client import profile
from tests.support.sealed_stand_ins import sealed_stand_in
from tests.support.servers import (create_database_sync, drop_database_sync, migrate_database_sync, read_topic,
                                   unique_topic)

WAVE = 500  # people per save while generating
EVENTS_PER_PERSON = 4
SEALED_ELSEWHERE = sealed_stand_in("sealed elsewhere")  # the store refuses plaintext in a private field


def generate(app: IntakeApplication, events: int) -> int:
    """Saves about `events` events in waves of people: a wave enrols, then updates, pauses and
    resumes them (one save each), so that one person's events are apart in the log, as they
    are in a real one. Returns how many events the log holds."""
    terms = ProgramTerms(name="Replay", formats=["one_to_one"], organizations=["acme"]).model_dump(mode="json")
    program = Program(id=uuid4(), settings={**terms, "description": ""})
    app.save(program)
    people = max((events - 1) // EVENTS_PER_PERSON, 1)
    for first in range(0, people, WAVE):
        wave = [Participant.enrol(
            id=uuid4(), program_id=program.id, organization_id="acme", consent_given=True,
            profile=person_profile(n, wants=n % 50), personal_ciphertext=SEALED_ELSEWHERE,
        ) for n in range(first, min(first + WAVE, people))]
        app.save(*wave)
        for change in (lambda p, n: p.update_profile(person_profile(n, wants=n % 40)),
                       lambda p, n: p.pause(), lambda p, n: p.resume()):
            for n, person in enumerate(wave, start=first):
                change(person, n)
            app.save(*wave)
    return app.recorder.max_notification_id() or 0


def person_profile(n: int, wants: int) -> dict[str, Any]:
    return profile("mentor" if n % 3 == 0 else "mentee", [("python", "expert")], [f"topic{wants}"], n % 20, "acme")


async def follow_to_end(follower: LogFollower) -> None:
    async with follower.position.exclusive() as connection:
        follower.done_up_to = await follower.position.load(connection)
        while await follower.step(connection):
            pass


async def timed(work: Callable[[], Awaitable[int]]) -> float:
    """Items per second of one round; `work` returns how many items it handled."""
    started = time.perf_counter()
    items = await work()
    return items / (time.perf_counter() - started)


# --- (a) the read model ---------------------------------------------------------------

async def rebuild(app: IntakeApplication, pool: asyncpg.Pool, batch: int) -> int:
    await pool.execute("TRUNCATE documents")
    await pool.execute("DELETE FROM log_position WHERE follower = 'projector:documents'")
    projector = Projector(app, pool, to_document, batch_size=batch)
    await follow_to_end(projector)
    return projector.done_up_to


async def raw_scan(pool: asyncpg.Pool, table: str, batch: int) -> int:
    after, rows = 0, 0
    while page := await pool.fetch(
            f"SELECT * FROM {table} WHERE notification_id > $1 ORDER BY notification_id LIMIT $2", after, batch):
        after, rows = page[-1]["notification_id"], rows + len(page)
    return rows


# --- (b) the relay --------------------------------------------------------------------

async def relay_round(app: IntakeApplication, pool: asyncpg.Pool, settings: Settings,
                      batch: int) -> tuple[float, str, int]:
    """Notifications per second, the topic, and how many messages it holds."""
    topic = unique_topic("bench.replay")
    await ensure_topics(settings, [topic, dead_letter_topic(topic)])
    producer = idempotent_producer(settings)
    await producer.start()
    try:
        relay = OutboxRelay(app, pool, to_public, producer, topic, batch_size=batch)
        started = time.perf_counter()
        await follow_to_end(relay)
        elapsed = time.perf_counter() - started
    finally:
        await producer.stop()
    return relay.done_up_to / elapsed, topic, relay.published


async def bare_produce(settings: Settings, messages: list[tuple[bytes, bytes, list[Any]]]) -> int:
    topic = unique_topic("bench.replay.bare")
    await ensure_topics(settings, [topic])
    producer = idempotent_producer(settings)
    await producer.start()
    try:
        deliveries = [await producer.send(topic, value=value, key=key, headers=headers)
                      for key, value, headers in messages]
        await asyncio.gather(*deliveries)
    finally:
        await producer.stop()
    return len(messages)


# --- (c) the consumer -----------------------------------------------------------------

async def consume_round(settings: Settings, topic: str, messages: int) -> tuple[float, float, float]:
    """Messages per second from the first one applied to the `messages`-th, and the CPU
    milliseconds per message this process (the runner and its worker thread) and the
    matching database's PostgreSQL backends spent meanwhile: the steadier figure on a
    shared machine, where the rate moves by a fifth between runs."""
    database = f"bench_matching_{uuid4().hex[:8]}"
    await run_blocking(create_database_sync, settings, database)
    await run_blocking(migrate_database_sync, settings, "matching", database)
    app = MatchingApplication(settings.model_copy(update={"matching_database": database}))
    producer = idempotent_producer(settings)
    await producer.start()
    group = f"bench-{uuid4().hex[:8]}"
    consumer = group_consumer(settings, group, [topic])
    await consumer.start()
    runner = ConsumerRunner(group, app, matching_handlers(app), consumer, producer, matching_seats_read)
    task = asyncio.create_task(runner.run())
    try:
        def done() -> int:
            if task.done():
                task.result()  # raises what stopped the runner
                raise RuntimeError("the consumer stopped")
            return runner.applied + runner.duplicates + runner.dead_lettered

        while done() == 0:
            await asyncio.sleep(0.01)
        first, started = done(), time.perf_counter()
        cpu, backends = own_cpu_seconds(), backends_cpu(settings, database)
        while done() < messages:
            await asyncio.sleep(0.01)
        applied, elapsed = done() - first, time.perf_counter() - started
        return (applied / elapsed, (own_cpu_seconds() - cpu) * 1000 / applied,
                (backends_cpu(settings, database) - backends) * 1000 / applied)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await consumer.stop()
        await producer.stop()
        await run_blocking(app.close)
        await run_blocking(drop_database_sync, settings, database)


async def bare_consume(settings: Settings, topic: str, messages: int) -> float:
    """Messages per second reading from the start; the partitions are assigned by hand, so
    no group join is timed (the real consumer is timed from its first applied message)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False,
                                isolation_level="read_committed")
    await consumer.start()
    try:
        consumer.assign([TopicPartition(topic, partition) for partition in range(settings.topic_partitions)])
        await consumer.seek_to_beginning()
        seen, started = 0, time.perf_counter()
        while seen < messages:
            batches = await consumer.getmany(timeout_ms=500, max_records=1000)
            seen += sum(len(records) for records in batches.values())
        return seen / (time.perf_counter() - started)
    finally:
        await consumer.stop()


def backends_cpu(settings: Settings, database: str) -> float:
    return sum(cpu_seconds(pid) for pid in backend_pids(settings.postgres_dsn("postgres"), database))


# --- rounds and figures ---------------------------------------------------------------

def print_figures(title: str, unit: str, real: list[float], baseline: list[float]) -> None:
    def spread(values: list[float]) -> str:
        return f"{statistics.median(values):10,.0f} (min {min(values):,.0f}, max {max(values):,.0f})"

    print(f"\n== {title}: {unit}, median (min, max) of {len(real)} rounds ==")
    print(f"  real      {spread(real)}")
    print(f"  baseline  {spread(baseline)}")
    print(f"  real / baseline (ratio of medians): {statistics.median(real) / statistics.median(baseline):.3f}")


async def main(arguments: argparse.Namespace) -> None:
    settings = Settings()
    database = f"bench_replay_{uuid4().hex[:8]}"
    create_database_sync(settings, database)
    migrate_database_sync(settings, "intake", database)
    scoped = settings.model_copy(update={"intake_database": database})
    app = IntakeApplication(scoped)
    pool = await asyncpg.create_pool(scoped.postgres_dsn(database), min_size=2, max_size=4,
                                     init=use_standard_uuids)
    try:
        started = time.perf_counter()
        stored = await run_blocking(generate, app, arguments.events)
        print(f"{stored:,} events generated in {time.perf_counter() - started:.1f} s "
              f"(batch {arguments.batch}, {arguments.rounds} rounds)")
        if "a" in arguments.parts:
            real, bare = [], []
            for _ in range(arguments.rounds):
                real.append(await timed(lambda: rebuild(app, pool, arguments.batch)))
                bare.append(await timed(lambda: raw_scan(pool, app.recorder.events_table_name, arguments.batch)))
            print_figures("(a) read model rebuilt from the log vs raw asyncpg scan", "events/s", real, bare)
        real, bare, sent, topic = [], [], [], ""
        for number in range(arguments.rounds if "b" in arguments.parts else 1 if "c" in arguments.parts else 0):
            rate, round_topic, published = await relay_round(app, pool, scoped, arguments.batch)
            real.append(rate)
            if number == 0:  # the first round's topic is what the consumer reads
                topic = round_topic
                records = await read_topic(scoped, topic, published, timeout_ms=120_000)
                sent = [(record.key, record.value, list(record.headers)) for record in records]
                print(f"\n{published:,} messages published for {stored:,} notifications")
            bare.append(await timed(lambda: bare_produce(scoped, sent)))
        if "b" in arguments.parts:
            print_figures("(b) relay draining the log vs bare producer of the same bytes",
                          "notifications/s (baseline: messages/s)", real, bare)
        if "c" in arguments.parts:
            messages = min(arguments.consume or len(sent), len(sent))
            real, bare, cpu, backends = [], [], [], []
            for _ in range(arguments.rounds):
                rate, process_ms, postgres_ms = await consume_round(scoped, topic, messages)
                real.append(rate)
                cpu.append(process_ms)
                backends.append(postgres_ms)
                bare.append(await bare_consume(scoped, topic, messages))
            print_figures(f"(c) matching's pool consumer applying {messages:,} messages vs bare consumer",
                          "messages/s", real, bare)
            print(f"  CPU per message, median: the consumer's process {statistics.median(cpu):.3f} ms "
                  f"(min {min(cpu):.3f}), its PostgreSQL backends {statistics.median(backends):.3f} ms")
    finally:
        await pool.close()
        await run_blocking(app.close)
        drop_database_sync(settings, database)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=Settings().relay_batch_size,
                        help="the followers' batch and the scan's page (the deployed RELAY_BATCH_SIZE by default)")
    parser.add_argument("--parts", nargs="+", default=["a", "b", "c"], choices=["a", "b", "c"])
    parser.add_argument("--consume", type=int, default=0, help="messages the consumer applies (default: all)")
    return parser.parse_args()


if __name__ == "__main__":
    uvloop.run(main(arguments()))
