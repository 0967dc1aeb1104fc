"""Webhooks under load: public events at a steady rate onto a fresh namespace's topic,
each about one of N partner organizations with one endpoint each on loopback; delivered
webhooks per second and the delay from publication to the receiver, against a bare HTTP
POST loop (httpx, the same client the dispatcher uses) sending the same bodies at the
same rate to the same receivers, in the same run.

    .venv/bin/python -m bench.webhooks_bench [--rate 200 --endpoints 50 --seconds 20]

Each event carries its publication time (ns) in `sequence`, so a receiver reads the delay
off the bytes. The receivers are one asyncio process (HTTP/1.1 keep-alive, 200 at once);
the webhooks service is its own process, as deployed."""

import argparse
import asyncio
import multiprocessing
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import uvloop
from aiokafka import AIOKafkaProducer

from shared.contracts.sessions import RelationshipPaused
from shared.envelope import CloudEvent
from shared.http.auth import issue_token
from shared.kafka_clients import ensure_topics
from shared.settings import Settings
from tests.support.processes import webhooks_process
from tests.support.servers import create_database_sync, drop_database_sync

SEQUENCE = b'"sequence":"'
SUBJECTS_PER_ORGANIZATION = 4


def event_for(organization: str, relationship: str) -> bytes:
    contract = RelationshipPaused(relationship_id=relationship, program_id=uuid4(), by=uuid4())
    return CloudEvent(
        id=str(uuid4()),
        source="/mentoring/sessions",
        type=contract.cloudevent_type(),
        subject=relationship,
        time=datetime.now(UTC),
        tenant=organization,
        relationship=relationship,
        correlationid="bench",
        sequence=str(time.time_ns()),
        dataschema="bench",
        data=contract.model_dump(mode="json"),
    ).to_bytes()


def delay_ms(body: bytes, now_ns: int) -> float:
    start = body.index(SEQUENCE) + len(SEQUENCE)
    return (now_ns - int(body[start : body.index(b'"', start)])) / 1e6


def receivers(count: int, expected: int, patience: float, results: Any) -> None:
    """Answers 200 on `count` ports of its choosing until `expected` requests arrived (or
    patience ran out)."""
    delays: list[float] = []
    done = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.lower().split(b"\r\n")
                    if line.startswith(b"content-length:")
                )
                body = await reader.readexactly(length)
                delays.append(delay_ms(body, time.time_ns()))
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                if len(delays) >= expected:
                    done.set()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            writer.close()

    async def main() -> None:
        servers = [await asyncio.start_server(serve, "127.0.0.1", 0) for _ in range(count)]
        results.put([server.sockets[0].getsockname()[1] for server in servers])
        try:
            await asyncio.wait_for(done.wait(), patience)
        except TimeoutError:
            pass
        for server in servers:
            server.close()
        results.put(delays)

    uvloop.run(main())


def start_receivers(count: int, expected: int, patience: float) -> tuple[Any, Any, list[str]]:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    process = context.Process(target=receivers, args=(count, expected, patience, results))
    process.start()
    ports = results.get(timeout=120)
    return process, results, [f"http://127.0.0.1:{port}/hook" for port in ports]


async def paced(total: int, rate: int, send: Any) -> None:
    started = time.monotonic()
    for number in range(total):
        wait = started + number / rate - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        await send(number)


async def bare_post_loop(urls: list[str], organizations: list[str], total: int, rate: int) -> None:
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(limits=limits) as client:
        tasks = set()
        gate = asyncio.Semaphore(64)

        async def post(number: int) -> None:
            async with gate:
                target = number % len(urls)
                body = event_for(organizations[target], str(uuid4()))
                await client.post(
                    urls[target], content=body, headers={"content-type": "application/json"}
                )

        async def send(number: int) -> None:
            tasks.add(asyncio.create_task(post(number)))

        await paced(total, rate, send)
        await asyncio.gather(*tasks)


async def publish(settings: Settings, organizations: list[str], total: int, rate: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, linger_ms=0)
    await producer.start()
    subjects = {
        organization: [str(uuid4()) for _ in range(SUBJECTS_PER_ORGANIZATION)]
        for organization in organizations
    }
    topic = settings.topic_for("sessions")

    async def send(number: int) -> None:
        organization = organizations[number % len(organizations)]
        relationship = subjects[organization][number // len(organizations) % 4]
        await producer.send(topic, event_for(organization, relationship), key=relationship.encode())

    try:
        await paced(total, rate, send)
        await producer.flush()
    finally:
        await producer.stop()


async def where_the_time_went(dsn: str) -> dict[str, float]:
    """From the service's own rows: publication (in the body) to stored, stored to delivered."""
    import asyncpg

    connection = await asyncpg.connect(dsn)
    try:
        row = await connection.fetchrow(
            """WITH t AS (
                 SELECT extract(epoch FROM e.stored_at) * 1000
                          - (e.body::jsonb ->> 'sequence')::numeric / 1e6 AS stored,
                        extract(epoch FROM d.delivered_at - e.stored_at) * 1000 AS sent
                 FROM deliveries d JOIN events e ON e.seq = d.event_seq
                 WHERE d.state = 'delivered')
               SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY stored) AS stored_p50,
                      percentile_cont(0.99) WITHIN GROUP (ORDER BY stored) AS stored_p99,
                      percentile_cont(0.5) WITHIN GROUP (ORDER BY sent) AS sent_p50,
                      percentile_cont(0.99) WITHIN GROUP (ORDER BY sent) AS sent_p99 FROM t"""
        )
        return {key: float(value) for key, value in row.items()}
    finally:
        await connection.close()


def measured(label: str, delays: list[float], total: int, seconds: float) -> dict[str, float]:
    quantiles = statistics.quantiles(delays, n=100) if len(delays) > 1 else [float("nan")] * 99
    figures = {
        "delivered": len(delays),
        "per_second": len(delays) / seconds,
        "p50": quantiles[49],
        "p99": quantiles[98],
    }
    print(
        f"{label:<9} delivered {len(delays):6d}/{total}  {figures['per_second']:7.1f}/s   "
        f"delay p50 {figures['p50']:8.1f} ms   p99 {figures['p99']:8.1f} ms"
    )
    return figures


def run_phase(count: int, total: int, patience: float, drive: Any) -> tuple[list, float]:
    """drive(urls) sends `total` requests to the receivers at those URLs."""
    process, results, urls = start_receivers(count, total, patience)
    started = time.monotonic()
    drive(urls)
    delays = results.get(timeout=patience + 30)
    elapsed = time.monotonic() - started
    process.join()
    return delays, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=int, default=200, help="events per second")
    parser.add_argument("--endpoints", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    arguments = parser.parse_args()
    total = int(arguments.rate * arguments.seconds)
    patience = arguments.seconds + 60
    organizations = [f"bench-{index:02d}" for index in range(arguments.endpoints)]
    count = len(organizations)
    bare, bare_elapsed = run_phase(
        count,
        total,
        patience,
        lambda urls: uvloop.run(bare_post_loop(urls, organizations, total, arguments.rate)),
    )

    server = Settings()
    suffix = uuid4().hex[:8]
    database = f"bench_webhooks_{suffix}"
    settings = server.model_copy(update={"topic_namespace": f"bench{suffix}"})
    create_database_sync(server, database)
    env = {"REQUEST_LOG": "false", "WEBHOOK_POLL_SECONDS": "0.2", "LOG_LEVEL": "WARNING"}
    service = webhooks_process(settings, database, Path(tempfile.mkdtemp()), env)
    try:
        uvloop.run(
            ensure_topics(
                settings, [settings.topic_for(s) for s in ("intake", "matching", "sessions")]
            )
        )
        service.start()

        def subscribe_then_publish(urls: list[str]) -> None:
            for organization, url in zip(organizations, urls, strict=True):
                bearer = issue_token(settings, "bench", organization, ["partner"])
                created = httpx.post(
                    f"{service.url}/v1/webhooks",
                    json={"url": url},
                    headers={"authorization": f"Bearer {bearer}"},
                    timeout=30,
                )
                assert created.status_code == 201, created.text
            uvloop.run(publish(settings, organizations, total, arguments.rate))

        hooks, hooks_elapsed = run_phase(count, total, patience, subscribe_then_publish)
        stages = uvloop.run(where_the_time_went(settings.postgres_dsn(database)))
    finally:
        service.stop()
        drop_database_sync(server, database)

    print(
        f"{arguments.rate} events/s for {arguments.seconds:g} s, {arguments.endpoints} "
        "endpoints (one organization each), loopback"
    )
    base = measured("bare POST", bare, total, bare_elapsed)
    ours = measured("webhooks", hooks, total, hooks_elapsed)
    print(
        f"webhooks  publication -> stored p50 {stages['stored_p50']:8.1f} ms   p99 "
        f"{stages['stored_p99']:8.1f} ms;  stored -> delivered p50 "
        f"{stages['sent_p50']:8.1f} ms   p99 {stages['sent_p99']:8.1f} ms"
    )
    print(
        f"ratio webhooks / bare   delay p50 {ours['p50'] / base['p50']:6.1f}x   "
        f"p99 {ours['p99'] / base['p99']:6.1f}x"
    )


if __name__ == "__main__":
    main()
