"""A partition's messages applied as one run (one transaction) against real PostgreSQL
and Kafka: exactly once across a crash, in order, each event with its own trace."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from aiokafka import ConsumerRecord

from shared.consumer import ConsumerRunner
from shared.envelope import CloudEvent, decode
from shared.errors import RuleViolated
from shared.eventstore import run_blocking
from shared.kafka_clients import ensure_topics, group_consumer, idempotent_producer
from shared.topics import dead_letter_topic
from tests.support.servers import fresh_database, read_topic, unique_topic
from tests.support.tally import Tally, TallyApp, TallyIncremented

pytestmark = pytest.mark.integration


class ConsumerCrashed(BaseException):
    """The process dying mid-run: no `except Exception` in the runner sees it."""


def envelope_for(sequence: int, tally_id: UUID, note: str) -> bytes:
    contract = TallyIncremented(tally_id=tally_id, key="k", count=sequence, note=note)
    return CloudEvent(
        id=str(uuid4()), source="/test", type=contract.cloudevent_type(), subject=str(tally_id),
        time=datetime.now(UTC), dataschema="urn:test", tenant="acme", correlationid=f"corr-{note}",
        sequence=str(sequence), data=contract.model_dump(mode="json"),
    ).to_bytes()


class Setting:
    """A tally, a topic holding `values` under one key (one partition), and a group reading it."""

    def __init__(self, settings, app: TallyApp, target: Tally, topic: str) -> None:  # noqa: ANN001
        self.settings, self.app, self.target, self.topic = settings, app, target, topic
        self.group = f"group-{uuid4().hex[:8]}"

    async def deliver(self, handler, expected: int) -> tuple[ConsumerRunner, list[ConsumerRecord]]:  # noqa: ANN001
        """Fetches every message of the partition, then hands them to a runner as one batch;
        nothing is committed, so the next delivery gets them all again."""
        consumer = group_consumer(self.settings, self.group, [self.topic])
        await consumer.start()
        producer = idempotent_producer(self.settings)
        await producer.start()
        records: list[ConsumerRecord] = []
        try:
            while len(records) < expected:
                for batch in (await consumer.getmany(timeout_ms=1000)).values():
                    records.extend(batch)
            runner = ConsumerRunner(self.group, self.app, {TallyIncremented: handler}, consumer, producer)
            try:
                await runner.process_partition(records)
            finally:
                await consumer.stop()
        finally:
            await producer.stop()
        return runner, records


async def setting_with(server_settings, database: str, values: list[bytes]) -> Setting:  # noqa: ANN001
    settings = server_settings.model_copy(update={"intake_database": database})
    app = TallyApp(settings)
    target = Tally(id=uuid4(), key="target", tenant="acme")
    await run_blocking(app.save, target)
    topic = unique_topic()
    await ensure_topics(settings, [topic, dead_letter_topic(topic)])
    producer = idempotent_producer(settings)
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value=value, key=b"same-key")
    finally:
        await producer.stop()
    return Setting(settings, app, target, topic)


def incrementing(app: TallyApp, target: UUID, crash_at: str | None = None, refuse: str | None = None):
    def handle(contract: TallyIncremented, envelope: CloudEvent):
        if contract.note == crash_at:
            raise ConsumerCrashed
        if contract.note == refuse:
            raise RuleViolated("refused", f"{contract.note} is refused")
        tally = app.repository.get(target)  # within a run: as the earlier messages left it
        tally.increment(note=contract.note)
        return [tally]

    return handle


async def test_a_run_cut_short_by_a_crash_saves_nothing_and_its_redelivery_applies_each_message_once(server_settings):
    async with fresh_database(server_settings) as database:
        notes = [f"n{n}" for n in range(1, 11)]
        setting = await setting_with(server_settings, database, [
            envelope_for(n, UUID(int=0), note) for n, note in enumerate(notes, start=1)])
        app, target = setting.app, setting.target.id
        try:
            with pytest.raises(ConsumerCrashed):
                await setting.deliver(incrementing(app, target, crash_at="n6"), expected=10)
            assert (await run_blocking(app.repository.get, target)).count == 0, "the run is one transaction"

            runner, _ = await setting.deliver(incrementing(app, target), expected=10)
            assert (runner.applied, runner.duplicates) == (10, 0)
            again, _ = await setting.deliver(incrementing(app, target), expected=10)  # saved, never committed
            assert (again.applied, again.duplicates) == (0, 10)
            tally = await run_blocking(app.repository.get, target)
        finally:
            await run_blocking(app.close)
        assert tally.count == 10
        assert tally.notes == notes


async def test_a_resent_tail_inside_a_run_is_applied_once(server_settings):
    async with fresh_database(server_settings) as database:
        # The relay died after publishing 3-5 without saving its position: they come again.
        sequences = [1, 2, 3, 4, 5, 3, 4, 5, 6]
        setting = await setting_with(server_settings, database, [
            envelope_for(n, UUID(int=0), f"n{n}") for n in sequences])
        try:
            runner, _ = await setting.deliver(incrementing(setting.app, setting.target.id), expected=9)
            tally = await run_blocking(setting.app.repository.get, setting.target.id)
        finally:
            await run_blocking(setting.app.close)
        assert (runner.applied, runner.duplicates) == (6, 3)
        assert tally.notes == [f"n{n}" for n in range(1, 7)]


async def test_a_refused_message_in_a_run_is_dead_lettered_and_the_others_applied_once_in_order(server_settings):
    async with fresh_database(server_settings) as database:
        notes = ["a", "b", "bad", "c", "d"]
        setting = await setting_with(server_settings, database, [
            envelope_for(n, UUID(int=0), note) for n, note in enumerate(notes, start=1)])
        try:
            runner, _ = await setting.deliver(incrementing(setting.app, setting.target.id, refuse="bad"), expected=5)
            tally = await run_blocking(setting.app.repository.get, setting.target.id)
        finally:
            await run_blocking(setting.app.close)
        assert (runner.applied, runner.dead_lettered) == (4, 1)
        assert tally.notes == ["a", "b", "c", "d"]
        dead = await read_topic(setting.settings, dead_letter_topic(setting.topic), expected=1)
        assert [dict(record.headers)["dlq-reason"].decode() for record in dead] == ["refused: bad is refused"]


async def test_each_event_saved_by_a_run_carries_the_trace_of_the_message_that_caused_it(server_settings):
    async with fresh_database(server_settings) as database:
        notes = ["x", "y", "z"]
        setting = await setting_with(server_settings, database, [
            envelope_for(n, UUID(int=0), note) for n, note in enumerate(notes, start=1)])
        try:
            runner, records = await setting.deliver(incrementing(setting.app, setting.target.id), expected=3)
            stored = await run_blocking(lambda: list(setting.app.recorder.select_events(setting.target.id)))
            traces = [setting.app.mapper.to_domain_event_with_trace(event)[1] for event in stored[1:]]
        finally:
            await run_blocking(setting.app.close)
        assert runner.applied == 3
        assert [trace["correlation_id"] for trace in traces] == ["corr-x", "corr-y", "corr-z"]
        message_ids = [decode(record.value).id for record in records]
        assert [trace["causation_id"] for trace in traces] == message_ids


async def test_a_run_loads_the_aggregates_its_messages_name_at_once_and_applies_each_message_once(server_settings):
    async with fresh_database(server_settings) as database:
        notes = [f"n{n}" for n in range(1, 8)]
        setting = await setting_with(server_settings, database, [])
        target = setting.target.id
        await send(setting, [envelope_for(n, target, note) for n, note in enumerate(notes, start=1)])
        try:
            runner, _ = await setting.deliver(incrementing(setting.app, target), expected=7)
            tally = await run_blocking(setting.app.repository.get, target)
        finally:
            await run_blocking(setting.app.close)
        assert (runner.applied, runner.duplicates) == (7, 0)
        assert tally.notes == notes, "each message saw the tally as the one before it left it"


async def test_a_change_to_a_loaded_aggregate_that_its_handler_does_not_return_is_not_saved_under_another_message(
        server_settings):
    async with fresh_database(server_settings) as database:
        setting = await setting_with(server_settings, database, [])
        app, target = setting.app, setting.target.id
        await send(setting, [envelope_for(1, target, "hidden"), envelope_for(2, target, "returned")])

        def handle(contract: TallyIncremented, envelope: CloudEvent):
            tally = app.repository.get(target)
            tally.increment(note=contract.note)
            return [] if contract.note == "hidden" else [tally]

        try:
            runner, records = await setting.deliver(handle, expected=2)
            stored = await run_blocking(lambda: list(app.recorder.select_events(target)))
            traces = [app.mapper.to_domain_event_with_trace(event)[1] for event in stored[1:]]
            tally = await run_blocking(app.repository.get, target)
        finally:
            await run_blocking(app.close)
        # The run is refused and its messages applied one at a time: the hidden change is
        # dropped with its message, never saved as if the next message had caused it.
        assert runner.applied == 2
        assert tally.notes == ["returned"]
        assert [trace["causation_id"] for trace in traces] == [decode(records[1].value).id]


async def send(setting: Setting, values: list[bytes]) -> None:
    producer = idempotent_producer(setting.settings)
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(setting.topic, value=value, key=b"same-key")
    finally:
        await producer.stop()
