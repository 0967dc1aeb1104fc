"""Insights' SSE under load: N concurrent stream clients while events flow onto a
public topic at a steady rate; delivery latency from publication to each client, the
service's memory, against a bare aiokafka consumer reading the same topic in the
same run.

    .venv/bin/python -m bench.sse_bench [--clients 500 --rate 200 --seconds 20]

Events are valid public events (sessions' RelationshipPaused) written straight onto a
fresh namespace's topic; each carries its publication time (ns) in `sequence`, so a
client reads the latency off the bytes without parsing the JSON. A client cut off for
falling behind reconnects with its Last-Event-ID, as a browser would; the cut-offs are
counted. The clients run in worker processes (uvloop); the producer and the bare
consumer share this one.
"""

import argparse
import asyncio
import multiprocessing
import importlib.util
import statistics
import tempfile
import time
from array import array
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import uvloop
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from shared.contracts.sessions import RelationshipPaused
from shared.envelope import CloudEvent
from shared.http.auth import issue_token
from shared.kafka_clients import ensure_topics
from shared.settings import Settings
from tests.support.processes import insights_process
from tests.support.servers import create_database_sync, drop_database_sync

SEQUENCE = b'"sequence":"'


def paused_at(relationship: str, program: str) -> bytes:
    contract = RelationshipPaused(relationship_id=relationship, program_id=program, by=uuid4())
    return CloudEvent(
        id=str(uuid4()),
        source="/mentoring/sessions",
        type=contract.cloudevent_type(),
        subject=relationship,
        time=datetime.now(UTC),
        tenant="acme",
        program=program,
        relationship=relationship,
        correlationid="bench",
        sequence=str(time.time_ns()),
        dataschema="bench",
        data=contract.model_dump(mode="json"),
    ).to_bytes()


def latency_of(chunk: bytes, now_ns: int) -> float | None:
    at = chunk.find(SEQUENCE)
    if at < 0:
        return None
    start = at + len(SEQUENCE)
    return (now_ns - int(chunk[start : chunk.index(b'"', start)])) / 1e6


async def sse_client(
    port: int, token: str, latencies: array, counts: dict[str, int], deadline: float
) -> None:
    last_id: str | None = None
    while time.time() < deadline:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        resume = f"Last-Event-ID: {last_id}\r\n" if last_id else ""
        writer.write(
            (
                f"GET /v1/streams/events HTTP/1.1\r\nHost: bench\r\n"
                f"Authorization: Bearer {token}\r\n"
                f"Accept: text/event-stream\r\n{resume}\r\n"
            ).encode()
        )
        buffered = b""
        try:
            while time.time() < deadline:
                try:
                    data = await asyncio.wait_for(
                        reader.read(65536), max(deadline - time.time(), 0.01)
                    )
                except TimeoutError:
                    break
                if not data:
                    break
                buffered += data
                *events, buffered = buffered.split(b"\n\n")
                now = time.time_ns()
                for event in events:
                    latency = latency_of(event, now)
                    if latency is not None:
                        latencies.append(latency)
                    elif b"event: cut-off" in event:
                        counts["cut_offs"] += 1
                if events:
                    ids = [line for line in events[-1].split(b"\n") if line.startswith(b"id: ")]
                    last_id = ids[-1][4:].decode() if ids else last_id
        finally:
            writer.close()


def client_worker(port: int, token: str, clients: int, deadline: float, results: Any) -> None:
    """One process of SSE clients: the bench process keeps a loop of its own for the baseline."""
    latencies: array = array("d")
    counts = {"cut_offs": 0}

    async def all_clients() -> None:
        await asyncio.gather(
            *(sse_client(port, token, latencies, counts, deadline) for _ in range(clients)),
            return_exceptions=True,
        )

    uvloop.run(all_clients())
    results.put((latencies.tobytes(), counts["cut_offs"]))


async def bare_consumer(
    settings: Settings, topic: str, latencies: list[float], stop: asyncio.Event
) -> None:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=None,
        auto_offset_reset="latest",
        isolation_level="read_committed",
    )
    await consumer.start()
    try:
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=200)
            now = time.time_ns()
            for records in batches.values():
                latencies.extend(latency_of(record.value, now) for record in records)
    finally:
        await consumer.stop()


async def produce(settings: Settings, topic: str, rate: int, seconds: float) -> int:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, linger_ms=0)
    await producer.start()
    program, relationships = str(uuid4()), [str(uuid4()) for _ in range(30)]
    sent, started = 0, time.monotonic()
    try:
        while time.monotonic() - started < seconds:
            due = int((time.monotonic() - started) * rate)
            while sent < due:
                relationship = relationships[sent % len(relationships)]
                await producer.send(
                    topic, paused_at(relationship, program), key=relationship.encode()
                )
                sent += 1
            await asyncio.sleep(0.002)
        await producer.flush()
    finally:
        await producer.stop()
    return sent


def rss_kib(pid: int) -> dict[str, int]:
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {
        line.split(":")[0]: int(line.split()[1])
        for line in status
        if line.startswith(("VmRSS", "VmHWM"))
    }


def percentile(values: Sequence[float], share: float) -> float:
    return (
        statistics.quantiles(values, n=100)[int(share * 100) - 1]
        if len(values) > 1
        else float("nan")
    )


async def run(
    settings: Settings, port: int, pid: int, clients: int, rate: int, seconds: float, workers: int
) -> None:
    topic = settings.topic_for("sessions")
    token = issue_token(settings, "bench", "ops", ["operator"])
    settle = 3.0
    deadline = time.time() + settle + seconds + settle
    results: Any = multiprocessing.get_context("fork").Queue()
    processes = [
        multiprocessing.get_context("fork").Process(
            target=client_worker, args=(port, token, share, deadline, results)
        )
        for share in (clients // workers + (index < clients % workers) for index in range(workers))
    ]
    for process in processes:
        process.start()
    bare_latencies: list[float] = []
    stop = asyncio.Event()
    bare = asyncio.create_task(bare_consumer(settings, topic, bare_latencies, stop))
    await asyncio.sleep(settle)  # every client connected and subscribed
    idle = rss_kib(pid)
    sent = await produce(settings, topic, rate, seconds)
    await asyncio.sleep(max(deadline - time.time(), 0))  # the tail arrives
    loaded = rss_kib(pid)
    stop.set()
    await bare
    sse_latencies: array = array("d")
    cut_offs = 0
    for _ in processes:
        raw, cut = await asyncio.to_thread(results.get)
        sse_latencies.frombytes(raw)
        cut_offs += cut
    for process in processes:
        process.join()
    sse = sorted(sse_latencies)
    sse_p50, sse_p99 = percentile(sse, 0.5), percentile(sse, 0.99)
    bare_p50, bare_p99 = percentile(bare_latencies, 0.5), percentile(bare_latencies, 0.99)
    print(
        f"{clients} SSE clients in {workers} processes, {sent} events at {rate}/s"
        f" over {seconds:.0f} s"
    )
    print(
        f"delivered: {len(sse)} of {sent * clients} to SSE clients "
        f"({cut_offs} cut-offs, resumed); {len(bare_latencies)} of {sent} to the bare consumer"
    )
    print(f"latency SSE        p50 {sse_p50:8.1f} ms   p99 {sse_p99:8.1f} ms")
    print(f"latency bare kafka p50 {bare_p50:8.1f} ms   p99 {bare_p99:8.1f} ms")
    print(f"ratio SSE / bare   p50 {sse_p50 / bare_p50:8.1f}x     p99 {sse_p99 / bare_p99:8.1f}x")
    print(
        f"insights RSS: {idle['VmRSS'] / 1024:.0f} MiB with idle clients, "
        f"{loaded['VmRSS'] / 1024:.0f} MiB "
        f"after the run, peak {loaded['VmHWM'] / 1024:.0f} MiB "
        f"({(loaded['VmRSS'] - idle['VmRSS']) / max(clients, 1):.0f} KiB per client over idle)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--rate", type=int, default=200, help="events per second")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2, help="processes the SSE clients run in")
    arguments = parser.parse_args()
    server = Settings()
    suffix = uuid4().hex[:8]
    database = f"bench_insights_{suffix}"
    settings = server.model_copy(
        update={"topic_namespace": f"bench{suffix}", "insights_database": database}
    )
    create_database_sync(server, database)
    # The real health fold when it is there; the counting stand-in otherwise.
    factory = (
        None
        if importlib.util.find_spec("services.insights.health")
        else "tests.support.insights_stand_in_app:create_app"
    )
    env = {"TOPIC_NAMESPACE": settings.topic_namespace, "REQUEST_LOG": "false"}
    databases = {"intake": "-", "matching": "-", "sessions": "-", "insights": database}
    insights = insights_process(settings, databases, Path(tempfile.mkdtemp()), env, factory=factory)
    try:
        uvloop.run(
            ensure_topics(
                settings, [settings.topic_for(s) for s in ("intake", "matching", "sessions")]
            )
        )
        insights.start()
        assert insights.process is not None
        uvloop.run(
            run(
                settings,
                insights.port,
                insights.process.pid,
                arguments.clients,
                arguments.rate,
                arguments.seconds,
                arguments.workers,
            )
        )
    finally:
        insights.stop()
        drop_database_sync(server, database)


if __name__ == "__main__":
    main()
