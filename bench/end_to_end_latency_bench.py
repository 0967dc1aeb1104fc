"""End to end: a partner's `POST /v1/requests` on intake until matching's `MatchProposed`
for it is read from Kafka, open loop at fixed rates, and from both people's accepts (the
bench answers for both as soon as it reads the proposal) until sessions' `RelationshipStarted`;
against a bare Kafka round trip (produce, then consume from the same broker) in the same run.

    source deploy/env.sh && .venv/bin/python -m bench.end_to_end_latency_bench [--rates 20 50 200
        --seconds 10 --waiting 1000]

The three services run as processes on fresh databases and topics with the deployed
polling defaults (relay 1 s, timers 5 s). `--waiting N` first fills another program
with N requests that wait for a mentor (its only mentor is paused), as a program in
normal use has: the matchmaker must not make new requests queue behind them.
`--split` runs each service as two processes, as an operator can: one serving HTTP
(BACKGROUND_WORK=false) and one running its relay, projector, consumers and timers, so
that the followers do not share one event loop and GIL with the requests.
"""

import argparse
import asyncio
import json
import math
import os
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import uuid4

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench.process_cpu import backend_pids, cpu_seconds, own_cpu_seconds
from shared.settings import Settings
from tests.support.api_client import profile, token
from tests.support.processes import ServiceProcess, all_started, free_port, running_services
from tests.support.servers import create_database_sync, drop_database_sync

TENANT = "acme"
SLOTS = 10  # open requests per mentee (the program's maximum), each on its own topic
MENTOR_CAPACITY = 20
SEAT_HEADROOM = 2  # seats enrolled per request sent: the last round must not measure a full program
ACCEPT_TRIES = 5
DEPLOYED_POLLING = {"RELAY_POLL_SECONDS": "1.0", "TIMER_POLL_SECONDS": "5.0"}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def figures(label: str, latencies_ms: list[float], sent: int) -> dict[str, float]:
    if not latencies_ms:
        print(f"{label:<34} delivered 0 of {sent}")
        return {"p50": math.inf, "p99": math.inf}
    p50, p99 = statistics.median(latencies_ms), percentile(latencies_ms, 0.99)
    print(f"{label:<34} delivered {len(latencies_ms)}/{sent}  p50 {p50:8.1f} ms  p99 {p99:8.1f} ms")
    return {"p50": p50, "p99": p99}


class Partner:
    def __init__(self, settings: Settings, intake_url: str) -> None:
        # Idle connections are dropped before uvicorn's 5 s keep-alive ends them under us.
        limits = httpx.Limits(max_connections=64, keepalive_expiry=2)
        self.client = httpx.AsyncClient(base_url=intake_url, timeout=120, limits=limits,
                                        headers={"authorization": f"Bearer {token(settings, TENANT, 'partner')}"})
        self.operator = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}

    async def post(self, path: str, body: dict, headers: dict | None = None) -> dict:
        headers = {"idempotency-key": uuid4().hex, **(headers or {})}
        for _ in range(5):  # two requests of one mentee at once: one is a 409 to retry, as a partner would
            try:
                response = await self.client.post(path, json=body, headers=headers)
            except httpx.TransportError:
                continue  # the same Idempotency-Key: a retry that cannot write twice
            if response.status_code != 409:
                break
            headers["idempotency-key"] = uuid4().hex
        response.raise_for_status()
        return response.json()

    async def program(self, name: str) -> str:
        opened = await self.post("/v1/programs", {"name": name, "formats": ["one_to_one"], "organizations": [TENANT],
                                                  "max_open_requests_per_mentee": SLOTS}, self.operator)
        return opened["id"]

    async def enrol(self, program_id: str, roles: str, count: int, capacity: int) -> list[str]:
        offers = [(f"topic-{slot}", "expert") for slot in range(SLOTS)] if roles == "mentor" else []
        body = {"program_id": program_id, "name": "Bench Person", "contact_email": "bench@example.com",
                "consent_given": True,
                "profile": profile(roles, offers, ["leadership"], 15 if roles == "mentor" else 3, TENANT,
                                   capacity=capacity)}
        return [enrolled["id"] for enrolled in await self.in_parallel(
            [lambda: self.post("/v1/participants", body) for _ in range(count)])]

    async def in_parallel(self, calls: list, workers: int = 16) -> list:
        results, pending = [], iter(calls)

        async def worker() -> None:
            for call in pending:
                results.append(await call())

        await asyncio.gather(*(worker() for _ in range(workers)))
        return results


def request_body(program_id: str, mentee_id: str, slot: int) -> dict:
    return {"program_id": program_id, "mentee_id": mentee_id, "format": "one_to_one", "meeting_modes": ["video"],
            "goals": [{"topic": f"topic-{slot}", "outcome": "lead a team of five within a year"}]}


async def fill_waiting_program(partner: Partner, waiting: int) -> None:
    """A program whose one mentor is paused: its requests wait (a pause can end), and stay
    in the matchmaker's pool, tried again only when that program's pool changes."""
    if waiting <= 0:
        return
    program_id = await partner.program("Crowded")
    mentor = (await partner.enrol(program_id, "mentor", 1, capacity=1))[0]
    await partner.post(f"/v1/participants/{mentor}/pause", {})
    await asyncio.sleep(3)  # set-up, not a measurement: matching learns of the pause first
    mentees = await partner.enrol(program_id, "mentee", math.ceil(waiting / SLOTS), capacity=SLOTS)
    bodies = [request_body(program_id, mentee, slot) for slot in range(SLOTS) for mentee in mentees][:waiting]
    await partner.in_parallel([lambda body=body: partner.post("/v1/requests", body) for body in bodies])


class SystemCpu:
    """CPU seconds spent by each service process (and its worker), each service's PostgreSQL
    backends, Kafka's broker and this load generator between start() and stop()."""

    def __init__(self, processes: dict[str, int], settings: Settings, databases: dict[str, str]) -> None:
        self.admin = settings.postgres_dsn("postgres")
        self.processes = processes
        self.databases = databases
        self.broker = next((int(pid) for pid in os.listdir("/proc") if pid.isdigit()
                            and b"kafka.Kafka" in read_cmdline(int(pid))), None)

    def start(self) -> None:
        self._before = self._now()

    def stop(self) -> dict[str, float]:
        after = self._now()
        return {name: after[name] - self._before.get(name, 0.0) for name in after}

    def _now(self) -> dict[str, float]:
        spent = {name: cpu_seconds(pid) for name, pid in self.processes.items()}
        for service, database in self.databases.items():
            spent[f"postgres:{service}"] = sum(cpu_seconds(pid) for pid in backend_pids(self.admin, database))
        if self.broker is not None:
            spent["kafka"] = cpu_seconds(self.broker)
        spent["bench"] = own_cpu_seconds()
        return spent


def pid_of(service: ServiceProcess) -> int:
    assert service.process is not None, "started by running_services"
    return service.process.pid


def read_cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read()
    except OSError:
        return b""


@contextmanager
def background_workers(http_only: dict[str, ServiceProcess], log_dir: Path) -> Iterator[dict[str, ServiceProcess]]:
    """A process running the background work beside each HTTP-only one (its own HTTP port unused)."""
    workers = {name: ServiceProcess(name, free_port(), {**http.env, "BACKGROUND_WORK": "true"},
                                    log_dir / f"{name}-worker.log") for name, http in http_only.items()}
    with all_started(workers):
        yield workers


async def matchmaker_tried(settings: Settings, matching_url: str, count: int, timeout: float = 600) -> None:
    """Until matching has tried each waiting request once (its timer items fired): the
    measurement is of a program in use with a backlog, not of the backlog's first pass."""
    headers = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=10, headers=headers) as client:
        while time.monotonic() < deadline:
            text = (await client.get(f"{matching_url}/metrics")).text
            fired = sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                        if line.startswith("timer_items_total{") and 'timer="matchmaker"' in line)
            if fired >= count:
                return
            await asyncio.sleep(1)
    raise RuntimeError("the matchmaker did not get through the waiting requests")


async def known_to_matching(settings: Settings, matching_url: str, people: list[tuple[str, str]],
                            timeout: float = 600) -> None:
    headers = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=10, headers=headers) as client:
        for person, role in people:
            while (await client.get(f"{matching_url}/v1/mentors/{person}/capacity",
                                    params={"role": role})).status_code != 200:
                if time.monotonic() > deadline:
                    raise RuntimeError("matching did not learn of the enrolments")
                await asyncio.sleep(0.5)


async def wait_for_followers(urls: list[str], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=10) as client:
        while time.monotonic() < deadline:
            ready = [(await client.get(f"{url}/readyz")).json() for url in urls]
            if all(all(f.get("lag") == 0 for f in r["checks"].get("followers", {}).values()) for r in ready):
                return
            await asyncio.sleep(0.5)
    raise RuntimeError("the services' followers did not catch up")


async def open_loop(rate: float, seconds: float, send) -> int:
    """Sends at fixed instants whatever the answers' speed: a slow server queues work."""
    total, started, tasks = int(rate * seconds), time.monotonic(), []
    for number in range(total):
        await asyncio.sleep(max(0.0, started + number / rate - time.monotonic()))
        tasks.append(asyncio.create_task(send(number)))
    await asyncio.gather(*tasks)
    return total


async def collect(consumer: AIOKafkaConsumer, seen: dict[str, float], key_of) -> None:
    async for record in consumer:
        key = key_of(record)
        if key is not None:
            seen.setdefault(key, time.monotonic())


async def latest_consumer(settings: Settings, topic: str) -> AIOKafkaConsumer:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=settings.kafka_bootstrap_servers,
                                auto_offset_reset="latest", enable_auto_commit=False, group_id=None)
    await consumer.start()
    await consumer.seek_to_end()
    return consumer


async def bare_kafka(settings: Settings, rate: float, seconds: float) -> list[float]:
    topic = f"bench-roundtrip-{uuid4().hex[:8]}"
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, acks="all")
    await producer.start()
    await producer.send_and_wait(topic, b"warm-up")  # creates the topic
    consumer = await latest_consumer(settings, topic)
    seen: dict[str, float] = {}
    task = asyncio.create_task(collect(consumer, seen, lambda record: record.value.decode()))
    sent: dict[str, float] = {}

    async def send(number: int) -> None:
        sent[str(number)] = time.monotonic()
        await producer.send_and_wait(topic, str(number).encode())

    total = await open_loop(rate, seconds, send)
    await wait_for(lambda: len(seen) >= total, 30)
    task.cancel()
    await consumer.stop()
    await producer.stop()
    return [(seen[key] - sent[key]) * 1000 for key in sent if key in seen]


async def wait_for(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not condition():
        await asyncio.sleep(0.1)


async def through_the_services(settings: Settings, partner: Partner, answerer: Partner, mentees: list[str],
                               program_id: str, rate: float, seconds: float) -> tuple[list[float], list[float], int]:
    """(POST -> MatchProposed ms, both accepted -> RelationshipStarted ms, requests sent). The
    bench accepts each proposal as both people the moment it reads it from the topic; the
    second latency runs from the last proposal's second accept."""
    proposals = await latest_consumer(settings, settings.topic_for("matching"))
    starts = await latest_consumer(settings, settings.topic_for("sessions"))
    proposed: dict[str, float] = {}
    accepted: dict[str, float] = {}
    started: dict[str, float] = {}
    answering: list[asyncio.Task] = []
    refused: Counter[str] = Counter()

    async def accept_both(match_id: str, request_id: str) -> None:
        for side in ("mentee", "mentor"):
            for attempt in range(ACCEPT_TRIES):
                try:
                    await answerer.post(f"/v1/matches/{match_id}/accept", {"acting_as": side})
                    break
                except httpx.HTTPStatusError as error:
                    if error.response.status_code != 409:
                        raise
                    reason = error.response.json().get("type", "?").rsplit("/", 1)[-1]
                    refused[reason] += 1
                    if reason != "concurrent-write":
                        return  # no longer open (its confirmation found the seats taken): it is proposed again
                    # the other person's accept (or the match's confirmation) saved first: as a partner, again
                    await asyncio.sleep(0.05 * (attempt + 1))
            else:
                return  # still conflicting: counted above, not measured
        accepted[request_id] = time.monotonic()

    def proposed_request(record) -> str | None:
        event = json.loads(record.value)
        if not event["type"].endswith(".MatchProposed.v1"):
            return None
        request_id = event["data"]["request_id"]
        # Of this program, whether or not the POST's answer is back yet: it may come after. A
        # request is proposed again when its confirmation found the mentor's seats taken.
        if event["data"]["program_id"] == program_id:
            answering.append(asyncio.create_task(accept_both(event["data"]["proposal_id"], request_id)))
        return request_id

    def started_relationship(record) -> str | None:
        event = json.loads(record.value)
        return event["data"]["relationship_id"] if event["type"].endswith(".RelationshipStarted.v1") else None

    sent: dict[str, float] = {}
    collectors = [asyncio.create_task(collect(proposals, proposed, proposed_request)),
                  asyncio.create_task(collect(starts, started, started_relationship))]
    # Mentee after mentee: requests in flight together are of different people.
    bodies = iter([request_body(program_id, mentee, slot) for slot in range(SLOTS) for mentee in mentees])

    async def send(_: int) -> None:
        body, at = next(bodies), time.monotonic()
        created = await partner.post("/v1/requests", body)
        sent[created["id"]] = at

    total = await open_loop(rate, seconds, send)
    await wait_for(lambda: all(key in proposed for key in sent), 120)
    await wait_for(lambda: all(key in started for key in sent), 120)
    await asyncio.gather(*answering)
    for task in collectors:
        task.cancel()
    await proposals.stop()
    await starts.stop()
    if refused:
        print(f"  accepts answered 409 (the proposal no longer open, proposed again): {dict(refused)}")
    to_proposal = [(proposed[key] - at) * 1000 for key, at in sent.items() if key in proposed]

    to_start = [(started[key] - accepted[key]) * 1000 for key in sent if key in started and key in accepted]
    return to_proposal, to_start, total


async def run(options: argparse.Namespace) -> None:
    base = Settings()
    suffix = uuid4().hex[:8]
    databases = {name: f"bench_e2e_{name}_{suffix}" for name in ("intake", "matching", "sessions")}
    for database in databases.values():
        create_database_sync(base, database)
    settings = base.model_copy(update={"topic_namespace": f"benche2e{suffix}"})
    needed = sum(int(rate * options.seconds) for rate in options.rates)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-e2e-"))
    env = {"TOPIC_NAMESPACE": settings.topic_namespace, **DEPLOYED_POLLING,
           **({"BACKGROUND_WORK": "false"} if options.split else {})}
    try:
        with running_services(settings, databases, log_dir, env) as services, \
                background_workers(services if options.split else {}, log_dir) as workers:
            working = {**services, **workers}  # where each service's followers and timers run
            urls = [service.url for service in working.values()]
            partner = Partner(settings, services["intake"].url)
            answerer = Partner(settings, services["matching"].url)  # answers for both people
            await fill_waiting_program(partner, options.waiting)
            await matchmaker_tried(settings, working["matching"].url, options.waiting)
            program_id = await partner.program("Measured")
            seats = SEAT_HEADROOM * needed
            mentors = await partner.enrol(program_id, "mentor", math.ceil(seats / MENTOR_CAPACITY), MENTOR_CAPACITY)
            mentees = await partner.enrol(program_id, "mentee", math.ceil(needed / SLOTS), SLOTS)
            await wait_for_followers(urls)
            # Matching's consumer applies enrolments one by one: the measurement starts once it
            # knows the last mentor and the last mentee, not with enrolments still queued.
            await known_to_matching(settings, services["matching"].url, [(mentors[-1], "mentor"),
                                                                         (mentees[-1], "mentee")])
            print(f"{options.waiting} requests waiting in another program; deployed polling {DEPLOYED_POLLING}"
                  f"{'; each service as an HTTP process and a worker process' if options.split else ''}")
            for rate in options.rates:
                used = math.ceil(rate * options.seconds / SLOTS)
                mine, mentees = mentees[:used], mentees[used:]
                bare = figures(f"bare Kafka round trip @ {rate:g}/s", await bare_kafka(settings, rate, options.seconds),
                               int(rate * options.seconds))
                meter = SystemCpu({**{name: pid_of(process) for name, process in services.items()},
                                   **{f"{name}-worker": pid_of(process) for name, process in workers.items()}},
                                  settings, databases)
                meter.start()
                latencies, starting, total = await through_the_services(settings, partner, answerer, mine, program_id,
                                                                        rate, options.seconds)
                print("  CPU per request (ms), from the first POST to the last RelationshipStarted: "
                      + ", ".join(f"{name} {seconds * 1000 / total:.1f}" for name, seconds in meter.stop().items()))
                real = figures(f"POST -> MatchProposed @ {rate:g}/s", latencies, total)
                print(f"  ratio to bare Kafka: p50 {real['p50'] / bare['p50']:.1f}x, "
                      f"p99 {real['p99'] / bare['p99']:.1f}x")
                start = figures(f"both accepted -> RelationshipStarted @ {rate:g}/s", starting, total)
                print(f"  ratio to bare Kafka: p50 {start['p50'] / bare['p50']:.1f}x, "
                      f"p99 {start['p99'] / bare['p99']:.1f}x")
                await wait_for_followers(urls)
    finally:
        for database in databases.values():
            drop_database_sync(base, database)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", type=float, nargs="+", default=[20, 50, 200])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--waiting", type=int, default=1000)
    parser.add_argument("--split", action="store_true", help="HTTP and background work in two processes each")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
