"""One bad record never halts a follower: it is parked with its reason, counted, and
the follower goes on; an operator can retry it after a fix. Standby replicas and a
missing broker do not take a service out of readiness."""

import json
from uuid import UUID, uuid4

import asyncpg
import pytest

from services.intake.main import build as build_intake
from shared.consumer import ConsumerRunner
from shared.envelope import decode
from shared.eventstore import run_blocking
from shared.kafka_clients import ensure_topics, idempotent_producer
from shared.read_model import Projector
from shared.relay import OutboxRelay
from shared.topics import EVERY_CONSUMER, REDRIVE_FOR
from tests.integration.conftest import service_client
from tests.support.api_client import eventually, token
from tests.support.servers import create_database_sync, drop_database_sync, fresh_database, read_topic, unique_topic
from tests.support.tally import Tally, TallyApp, tally_to_document, tally_to_public

pytestmark = pytest.mark.integration


def refusing(note: str):  # noqa: ANN201
    """A public mapping with a bug for one record, as a contract refusing a value would be."""
    def to_public(domain_event, tally):  # noqa: ANN001, ANN202
        if getattr(domain_event, "note", None) == note:
            raise ValueError(f"cannot publish {note}")
        return tally_to_public(domain_event, tally)
    return to_public


async def parked_rows(pool: asyncpg.Pool) -> list[dict]:
    return [dict(row) for row in await pool.fetch("SELECT follower, address, reason, state FROM parked_records")]


async def follow_to_end(follower) -> None:  # noqa: ANN001
    async with follower.position.exclusive() as connection:
        follower.done_up_to = await follower.position.load(connection)
        while await follower.step(connection):
            pass


async def test_the_relay_parks_a_record_it_cannot_publish_and_publishes_the_rest(server_settings):
    async with fresh_database(server_settings, migrated_for="intake") as database:
        settings = server_settings.model_copy(update={"intake_database": database})
        app = TallyApp(settings)
        tally = Tally(id=uuid4(), key="k", tenant="acme")
        for note in ("one", "poison", "three"):
            tally.increment(note=note)
        await run_blocking(app.save, tally)
        topic = unique_topic()
        await ensure_topics(settings, [topic])
        pool = await asyncpg.create_pool(settings.postgres_dsn(database))
        producer = idempotent_producer(settings)
        await producer.start()
        try:
            relay = OutboxRelay(app, pool, refusing("poison"), producer, topic, batch_size=10)
            await follow_to_end(relay)
            assert relay.done_up_to == app.recorder.max_notification_id(), "the relay moved past the bad record"
            [parked] = await parked_rows(pool)
            assert parked["follower"] == f"relay:{topic}" and parked["state"] == "parked"
            assert "cannot publish poison" in parked["reason"]
            published = [json.loads(r.value)["data"]["note"] for r in await read_topic(settings, topic, expected=2)]
            assert published == ["one", "three"]

            # The bug is fixed; the operator retries: it is published once, marked for every consumer.
            fixed = OutboxRelay(app, pool, tally_to_public, producer, topic, batch_size=10)
            await fixed.retry_parked(int(parked["address"]))
            records = await read_topic(settings, topic, expected=3)
            assert [json.loads(r.value)["data"]["note"] for r in records] == ["one", "three", "poison"]
            assert (REDRIVE_FOR, EVERY_CONSUMER.encode()) in [(k, bytes(v)) for k, v in records[-1].headers]
            assert (await parked_rows(pool))[0]["state"] == "retried"
        finally:
            await producer.stop()
            await pool.close()
            await run_blocking(app.close)


async def test_the_projector_parks_a_document_the_database_refuses_and_writes_the_others(server_settings):
    async with fresh_database(server_settings, migrated_for="intake") as database:
        settings = server_settings.model_copy(update={"intake_database": database})
        app = TallyApp(settings)
        good, bad, later = (Tally(id=uuid4(), key=key, tenant="acme") for key in ("good", "bad\x00key", "later"))
        await run_blocking(app.save, good)
        await run_blocking(app.save, bad)  # jsonb cannot hold U+0000
        await run_blocking(app.save, later)
        pool = await asyncpg.create_pool(settings.postgres_dsn(database))
        try:
            projector = Projector(app, pool, tally_to_document, batch_size=10)
            await follow_to_end(projector)
            keys = {row["key"] for row in await pool.fetch("SELECT body->>'key' AS key FROM documents")}
            assert keys == {"good", "later"}
            [parked] = await parked_rows(pool)
            assert parked["follower"] == "projector:documents"
            assert "0x00" in parked["reason"]
            assert projector.done_up_to == app.recorder.max_notification_id()
        finally:
            await pool.close()
            await run_blocking(app.close)


def test_a_poisoned_program_does_not_stop_later_documents_of_the_service(server_settings):
    """The live service: one program the read model cannot hold, then a good one."""
    with service_client(server_settings, "intake", build_intake) as (client, settings):
        operator = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}
        runtime = client.app.state.runtime
        terms = {"formats": ["one_to_one"], "organizations": ["acme"], "description": ""}
        runtime.app.open_program(uuid4(), {**terms, "name": "null\x00byte"})  # below validation, as a bug would
        good = client.post("/v1/programs", headers=operator, json={**terms, "name": "Good"}).json()
        eventually(lambda: client.get(f"/v1/programs/{good['id']}", headers=operator).status_code == 200
                   and any(p["id"] == good["id"] for p in
                           client.get("/v1/programs", headers=operator).json()["items"]),
                   what="the good program in the read model")
        parked = client.get("/v1/operations/parked", headers=operator).json()["items"]
        assert [p["follower"] for p in parked] == ["projector:documents"]
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"]["followers"]["projector"]["parked"] == 1
        skipped = client.post(f"/v1/operations/parked/projector:documents/{parked[0]['address']}/skip",
                              headers=operator)
        assert skipped.json() == {"state": "skipped"}
        assert client.get("/v1/operations/parked", headers=operator).json()["items"] == []
        partner = {"authorization": f"Bearer {token(settings, 'acme', 'partner')}"}
        assert client.get("/v1/operations/parked", headers=partner).status_code == 403


async def test_a_redriven_message_is_applied_once_although_it_arrives_behind_later_ones(server_settings):
    async with fresh_database(server_settings, migrated_for="intake") as database:
        settings = server_settings.model_copy(update={"intake_database": database})
        source = TallyApp(settings)
        tally = Tally(id=uuid4(), key="k", tenant="acme")
        for note in ("a", "b"):
            tally.increment(note=note)
        await run_blocking(source.save, tally)
        topic = unique_topic()
        await ensure_topics(settings, [topic])
        pool = await asyncpg.create_pool(settings.postgres_dsn(database))
        producer = idempotent_producer(settings)
        await producer.start()
        try:
            await follow_to_end(OutboxRelay(source, pool, tally_to_public, producer, topic))
            records = await read_topic(settings, topic, expected=2)
            seen: list[str] = []
            counter = TallyApp(settings)
            runner = ConsumerRunner("counter", counter, {}, None, producer)  # type: ignore[arg-type]
            runner._handlers = {type(decode(records[0].value).contract()): lambda c, e: seen.append(c.note) or []}
            for record in records:
                await runner.process(record)
            assert seen == ["a", "b"]
            first = records[0]

            class Redriven:  # the first message sent again behind the second, as a redrive does
                topic, partition, offset, key, value = first.topic, first.partition, 99, first.key, first.value

            for redrive_for in ("someone-else", "counter", "counter"):
                Redriven.headers = [(REDRIVE_FOR, redrive_for.encode())]
                await runner.process(Redriven)
            await runner.process(first)  # and a plain resend of the old tail stays a duplicate
            assert seen == ["a", "b", "a"], "applied once for its consumer, ignored by others, deduplicated"
        finally:
            await producer.stop()
            await pool.close()
            await run_blocking(source.close)


def test_a_standby_replica_is_ready_though_it_does_not_hold_the_relay(server_settings):
    database = f"standby_{uuid4().hex[:10]}"
    create_database_sync(server_settings, database)
    namespace = f"standby{uuid4().hex[:8]}"
    try:
        with service_client(server_settings, "intake", build_intake, database, namespace) as (first, settings):
            operator = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}
            terms = {"formats": ["one_to_one"], "organizations": ["acme"], "description": ""}
            app = first.app.state.runtime.app
            for n in range(1100):  # more than a whole log's worth of lag the old check allowed
                app.open_program(UUID(int=n + 1), {**terms, "name": f"P{n}"})
            eventually(lambda: (first.app.state.runtime.relay is not None
                                and first.app.state.runtime.relay.holding
                                and first.app.state.runtime.relay.done_up_to >= 1100), what="the relay", timeout=60)
            with service_client(server_settings, "intake", build_intake, database, namespace) as (second, _):
                def relay_reported():
                    answer = second.get("/readyz")
                    return answer if "relay" in answer.json()["checks"].get("followers", {}) else None

                ready = eventually(relay_reported, what="the standby's relay waiting for the lock")
                assert ready.status_code == 200, ready.json()
                assert ready.json()["checks"]["followers"]["relay"]["held_here"] is False
                assert second.get("/v1/programs", headers=operator).status_code == 200
    finally:
        drop_database_sync(server_settings, database)


def test_a_service_starts_and_accepts_writes_while_the_broker_is_away(server_settings):
    away = server_settings.model_copy(update={"kafka_bootstrap_servers": "127.0.0.1:1"})
    with service_client(away, "intake", build_intake) as (client, settings):
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["checks"]["broker"] != "ok"
        operator = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}
        created = client.post("/v1/programs", headers=operator, json={
            "name": "Offline", "formats": ["one_to_one"], "organizations": ["acme"]})
        assert created.status_code == 201, "the write waits in the outbox"
