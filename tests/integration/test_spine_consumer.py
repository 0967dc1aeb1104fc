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


async def test_a_consumer_that_crashes_before_committing_applies_nothing_twice(server_settings):
    async with fresh_database(server_settings) as database:
        settings = server_settings.model_copy(update={"intake_database": database})
        app = TallyApp(settings)
        target = Tally(id=uuid4(), key="target", tenant="acme")
        await run_blocking(app.save, target)
        topic = unique_topic()
        await ensure_topics(settings, [topic, dead_letter_topic(topic)])
        producer = idempotent_producer(settings)
        await producer.start()
        group = f"group-{uuid4().hex[:8]}"
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
        settings = server_settings.model_copy(update={"intake_database": database})
        app = TallyApp(settings)
        target = Tally(id=uuid4(), key="target", tenant="acme")
        await run_blocking(app.save, target)
        topic = unique_topic()
        await ensure_topics(settings, [topic, dead_letter_topic(topic)])
        producer = idempotent_producer(settings)
        await producer.start()
        group = f"group-{uuid4().hex[:8]}"
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
