"""The consumer runner against real PostgreSQL and Kafka."""

import asyncio
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from aiokafka import AIOKafkaProducer

from shared.consumer import ConsumerRunner
from shared.envelope import CloudEvent
from shared.eventstore import run_blocking
from shared.kafka_clients import ensure_topics, group_consumer, idempotent_producer
from shared.topics import dead_letter_topic
from tests.support.servers import fresh_database, read_topic, unique_topic
from tests.support.tally import Tally, TallyApp, TallyIncremented

pytestmark = pytest.mark.integration


def envelope_for(sequence: int, tally_id: UUID) -> bytes:
    contract = TallyIncremented(tally_id=tally_id, key="k", count=sequence, note=f"n{sequence}")
    return CloudEvent(
        id=str(uuid4()), source="/test", type=contract.cloudevent_type(), subject=str(tally_id),
        time=datetime.now(UTC), dataschema="urn:test", tenant="acme", correlationid="c",
        sequence=str(sequence), data=contract.model_dump(mode="json"),
    ).to_bytes()


def counting_handler(app: TallyApp, target: UUID):
    def handle(contract: TallyIncremented, envelope: CloudEvent):
        tally = app.repository.get(target)
        tally.increment(note=contract.note)
        return [tally]

    return handle


async def publish(producer: AIOKafkaProducer, topic: str, values: list[bytes]) -> None:
    for value in values:
        await producer.send_and_wait(topic, value=value, key=b"same-key")


async def a_tally_and_its_topic(server_settings, database: str):  # noqa: ANN001, ANN201
    """A tally saved on `database`, a fresh topic with its dead-letter topic, a started
    producer and a new group's name: what each test below consumes with."""
    settings = server_settings.model_copy(update={"intake_database": database})
    app = TallyApp(settings)
    target = Tally(id=uuid4(), key="target", tenant="acme")
    await run_blocking(app.save, target)
    topic = unique_topic()
    await ensure_topics(settings, [topic, dead_letter_topic(topic)])
    producer = idempotent_producer(settings)
    await producer.start()
    return settings, app, target, topic, producer, f"group-{uuid4().hex[:8]}"


async def test_a_consumer_that_crashes_before_committing_applies_nothing_twice(server_settings):
    async with fresh_database(server_settings) as database:
        settings, app, target, topic, producer, group = await a_tally_and_its_topic(server_settings, database)
        try:
            await publish(producer, topic, [envelope_for(n, target.id) for n in range(1, 6)])
            handlers = {TallyIncremented: counting_handler(app, target.id)}

            for attempt in ("crashes before commit", "redelivered"):
                consumer = group_consumer(settings, group, [topic])
                await consumer.start()
                runner = ConsumerRunner(group, app, handlers, consumer, producer)
                seen = 0
                while seen < 5:
                    for records in (await consumer.getmany(timeout_ms=1000)).values():
                        for record in records:
                            await runner.process(record)
                            seen += 1
                await consumer.stop()  # never committed: the broker redelivers everything
                if attempt == "crashes before commit":
                    assert runner.applied == 5
                else:
                    assert (runner.applied, runner.duplicates) == (0, 5)
        finally:
            await producer.stop()
        tally = await run_blocking(app.repository.get, target.id)
        await run_blocking(app.close)
        assert tally.count == 5
        assert tally.notes == [f"n{n}" for n in range(1, 6)]


async def test_a_poison_message_goes_to_the_dead_letter_topic_and_later_messages_are_processed(server_settings):
    async with fresh_database(server_settings) as database:
        settings, app, target, topic, producer, group = await a_tally_and_its_topic(server_settings, database)
        consumer = group_consumer(settings, group, [topic])
        await consumer.start()
        runner = ConsumerRunner(group, app, {TallyIncremented: counting_handler(app, target.id)}, consumer, producer)
        task = asyncio.create_task(runner.run())
        try:
            await publish(producer, topic, [b"{not json", envelope_for(1, target.id), envelope_for(2, target.id)])
            for _ in range(100):
                if runner.applied == 2:
                    break
                await asyncio.sleep(0.2)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await consumer.stop()
            await producer.stop()
        tally = await run_blocking(app.repository.get, target.id)
        await run_blocking(app.close)
        assert runner.applied == 2
        assert tally.count == 2
        dead = await read_topic(settings, dead_letter_topic(topic), expected=1)
        assert [record.value for record in dead] == [b"{not json"]
        reason = dict(dead[0].headers)["dlq-reason"].decode()
        assert "not a valid CloudEvent" in reason


async def test_offsets_are_committed_once_a_second_while_busy_and_all_of_them_once_quiet(server_settings):
    """The offsets only say where a restart resumes (the tracking records say what was
    applied), so the runner does not pay a broker round trip for each fetch."""
    async with fresh_database(server_settings) as database:
        settings, app, target, topic, producer, group = await a_tally_and_its_topic(server_settings, database)
        consumer = group_consumer(settings, group, [topic])
        await consumer.start()
        fetches, commits = [], []
        fetch, commit = consumer.getmany, consumer.commit

        async def counted_fetch(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            batches = await fetch(*args, **kwargs)
            if batches:
                fetches.append(sum(len(records) for records in batches.values()))
            return batches

        async def counted_commit(offsets):  # noqa: ANN001, ANN202
            commits.append(dict(offsets))
            await commit(offsets)

        consumer.getmany, consumer.commit = counted_fetch, counted_commit
        runner = ConsumerRunner(group, app, {TallyIncremented: counting_handler(app, target.id)}, consumer, producer)
        task = asyncio.create_task(runner.run())
        try:
            for n in range(1, 31):  # apart, so that the runner fetches them a few at a time
                await producer.send_and_wait(topic, value=envelope_for(n, target.id), key=b"same-key")
                await asyncio.sleep(0.02)
            for _ in range(100):
                if commits and sum(commits[-1].values()) == 30:
                    break
                await asyncio.sleep(0.1)
            committed = {tp.partition: await consumer.committed(tp) for tp in consumer.assignment()}
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await consumer.stop()
            await producer.stop()
        tally = await run_blocking(app.repository.get, target.id)
        await run_blocking(app.close)
    assert runner.applied == 30 and tally.count == 30
    assert len(fetches) >= 5, f"the messages came in {len(fetches)} fetches: the test needs several"
    assert len(commits) <= 2, f"{len(commits)} commits for {len(fetches)} fetches in about a second"
    assert sorted(offset for offset in committed.values() if offset) == [30]
