"""The outbox relay against real PostgreSQL and Kafka."""

import json
from collections import defaultdict
from uuid import uuid4

import asyncpg
import pytest

from shared.eventstore import run_blocking
from shared.kafka_clients import ensure_topics, idempotent_producer
from shared.relay import OutboxRelay
from tests.support.servers import fresh_database, read_topic, unique_topic
from tests.support.tally import Tally, TallyApp, tally_to_public

pytestmark = pytest.mark.integration


class RelayCrashed(BaseException):
    """The process dying: no `except Exception` in the follower sees it (a record it
    cannot handle is parked instead, see test_followers_survive_poison.py)."""


async def test_a_relay_restarted_mid_stream_loses_nothing_and_keeps_per_key_order(server_settings):
    async with fresh_database(server_settings, migrated_for="intake") as database:
        settings = server_settings.model_copy(update={"intake_database": database})
        app = TallyApp(settings)
        tallies = [Tally(id=uuid4(), key=f"k{n}", tenant="acme") for n in range(3)]
        for round_number in range(20):
            for tally in tallies:
                tally.increment(note=f"r{round_number}")
        await run_blocking(app.save, *tallies)
        topic = unique_topic()
        await ensure_topics(settings, [topic])
        pool = await asyncpg.create_pool(settings.postgres_dsn(database))
        producer = idempotent_producer(settings)
        await producer.start()
        try:
            first = OutboxRelay(app, pool, tally_to_public, producer, topic, batch_size=7)
            saves = 0
            real_save = first.position.save

            async def save_then_crash(connection, notification_id):
                nonlocal saves
                saves += 1
                if saves == 3:
                    raise RelayCrashed  # published the batch, died before saving its position
                await real_save(connection, notification_id)

            first.position.save = save_then_crash
            async with first.position.exclusive() as connection:
                first.done_up_to = await first.position.load(connection)
                with pytest.raises(RelayCrashed):
                    while await first.step(connection):
                        pass

            second = OutboxRelay(app, pool, tally_to_public, producer, topic, batch_size=7)
            async with second.position.exclusive() as connection:
                second.done_up_to = await second.position.load(connection)
                while await second.step(connection):
                    pass
        finally:
            await producer.stop()
            await pool.close()
            await run_blocking(app.close)

        records = await read_topic(settings, topic, expected=60 + 7)
        counts_by_key = defaultdict(list)
        for record in records:
            data = json.loads(record.value)["data"]
            counts_by_key[record.key.decode()].append(data["count"])
        assert set(counts_by_key) == {str(tally.id) for tally in tallies}
        for counts in counts_by_key.values():
            assert sorted(set(counts)) == list(range(1, 21)), "every increment arrived"
            first_seen = list(dict.fromkeys(counts))
            assert first_seen == list(range(1, 21)), "per-key order kept"
        resent = len(records) - 60
        assert 0 < resent <= 7, "only the unsaved batch was sent again"


async def test_private_events_are_not_published_and_public_ones_carry_the_envelope(server_settings):
    async with fresh_database(server_settings, migrated_for="intake") as database:
        settings = server_settings.model_copy(update={"intake_database": database})
        app = TallyApp(settings)
        tally = Tally(id=uuid4(), key="solo", tenant="acme")
        tally.increment(note="once")
        await run_blocking(app.save, tally)
        topic = unique_topic()
        await ensure_topics(settings, [topic])
        pool = await asyncpg.create_pool(settings.postgres_dsn(database))
        producer = idempotent_producer(settings)
        await producer.start()
        try:
            relay = OutboxRelay(app, pool, tally_to_public, producer, topic)
            async with relay.position.exclusive() as connection:
                while await relay.step(connection):
                    pass
        finally:
            await producer.stop()
            await pool.close()
            await run_blocking(app.close)
        records = await read_topic(settings, topic, expected=2, timeout_ms=5000)
        assert len(records) == 1
        envelope = json.loads(records[0].value)
        assert envelope["type"] == "mentoring.spinetest.TallyIncremented.v1"
        assert envelope["specversion"] == "1.0"
        assert envelope["subject"] == str(tally.id)
        assert envelope["tenant"] == "acme"
        assert envelope["sequence"] == "2"
