"""The two servers the intake benchmarks load, as real uvicorn processes on loopback:
intake alone (matching and sessions are not started: these paths never wait for
them) on fresh databases and a unique topic namespace, as tests/e2e/conftest.py
starts it, and the baseline app on a fresh database of its own."""

import asyncio
import json
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import httpx

from shared.settings import Settings
from tests.support.api_client import profile, token
from tests.support.processes import REPO, ServiceProcess, free_port, service_env
from tests.support.servers import create_database_sync, drop_database_sync

SLOTS_PER_MENTEE = 10  # max_open_requests_per_mentee allows at most 10, each on different goals
TENANT = "acme"


class BaselineProcess(ServiceProcess):
    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "bench.baseline_app:app",
             "--host", "127.0.0.1", "--port", str(self.port), "--no-access-log"],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        self.wait_until_healthy()


@dataclass
class Servers:
    settings: Settings
    intake: ServiceProcess
    baseline: ServiceProcess
    intake_database: str
    baseline_database: str

    def admin_dsn(self) -> str:
        return self.settings.postgres_dsn("postgres")


@contextmanager
def intake_and_baseline(log_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[Servers]:
    base = Settings()
    suffix = uuid4().hex[:8]
    databases = {name: f"bench_{name}_{suffix}" for name in ("intake", "matching", "sessions")}
    baseline_database = f"bench_baseline_{suffix}"
    settings = base.model_copy(update={"topic_namespace": f"bench{suffix}", "intake_database": databases["intake"]})
    for database in (databases["intake"], baseline_database):
        create_database_sync(base, database)
    env = {**service_env(base, databases), "TOPIC_NAMESPACE": settings.topic_namespace, **(extra_env or {})}
    intake = ServiceProcess("intake", free_port(), env, log_dir / "intake.log")
    baseline = BaselineProcess("baseline", free_port(), {**env, "BASELINE_DSN": base.postgres_dsn(baseline_database)},
                               log_dir / "baseline.log")
    try:
        intake.start()
        baseline.start()
        yield Servers(settings, intake, baseline, databases["intake"], baseline_database)
    finally:
        for server in (intake, baseline):
            server.stop()
        for database in (databases["intake"], baseline_database):
            drop_database_sync(base, database)


def partner_headers(settings: Settings) -> dict[str, str]:
    return {"authorization": f"Bearer {token(settings, TENANT, 'partner')}"}


def open_program(servers: Servers) -> str:
    operator = {"authorization": f"Bearer {token(servers.settings, 'ops', 'operator')}"}
    response = httpx.post(f"{servers.intake.url}/v1/programs", headers={**operator, "idempotency-key": uuid4().hex},
                          json={"name": "Bench", "formats": ["one_to_one"], "organizations": [TENANT],
                                "max_open_requests_per_mentee": SLOTS_PER_MENTEE}, timeout=30)
    response.raise_for_status()
    return response.json()["id"]


async def enrol_mentees(servers: Servers, program_id: str, count: int, workers: int = 16) -> list[str]:
    """Enrolled over HTTP like any partner would; not timed."""
    body = {"program_id": program_id, "name": "Bench Mentee", "contact_email": "mentee@example.com",
            "consent_given": True, "profile": profile("mentee", [], ["leadership"], 3, TENANT)}
    enrolled: list[str] = []
    remaining = iter(range(count))
    async with httpx.AsyncClient(base_url=servers.intake.url, headers=partner_headers(servers.settings),
                                 timeout=60) as client:
        async def worker() -> None:
            for _ in remaining:
                response = await client.post("/v1/participants", json=body, headers={"idempotency-key": uuid4().hex})
                response.raise_for_status()
                enrolled.append(response.json()["id"])

        await asyncio.gather(*(worker() for _ in range(workers)))
    return enrolled


def request_body(program_id: str, mentee_id: str, slot: int) -> bytes:
    """The JSON both servers get: one goal, a different topic per open request of a mentee."""
    return json.dumps({"program_id": program_id, "mentee_id": mentee_id, "format": "one_to_one",
                       "goals": [{"topic": f"topic-{slot}", "outcome": "lead a team of five within a year"}],
                       "meeting_modes": ["video"]}).encode()


class MenteeSlots:
    """Hands each client a mentee of its own until its 10 open-request slots are used:
    two clients writing for one mentee would only measure optimistic-concurrency 409s."""

    def __init__(self, program_id: str) -> None:
        self.program_id = program_id
        self.mentees: deque[str] = deque()
        self.held: dict[int, tuple[str, int]] = {}

    def add(self, mentees: list[str]) -> None:
        self.mentees.extend(mentees)

    @property
    def free_slots(self) -> int:
        return len(self.mentees) * SLOTS_PER_MENTEE

    def next_body(self, client: int) -> bytes | None:
        mentee, used = self.held.get(client, ("", SLOTS_PER_MENTEE))
        if used == SLOTS_PER_MENTEE:
            if not self.mentees:
                return None
            mentee, used = self.mentees.popleft(), 0
        self.held[client] = (mentee, used + 1)
        return request_body(self.program_id, mentee, used)

    def release_held(self) -> None:
        """Between rounds: a mentee half used stays with nobody (its slots are simply skipped)."""
        self.held.clear()


def wait_until_followers_caught_up(servers: Servers, timeout: float = 120) -> float:
    """The relay (to Kafka) and the projector (read model) run in the intake process:
    waiting for them keeps their work out of the next round and inside this one's CPU."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        followers = httpx.get(f"{servers.intake.url}/readyz", timeout=10).json()["checks"].get("followers", {})
        if {"relay", "projector"} <= set(followers) and all(f.get("lag") == 0 for f in followers.values()):
            return time.monotonic() - started
        time.sleep(0.1)
    raise RuntimeError(f"intake's followers still behind after {timeout}s: {followers}")

