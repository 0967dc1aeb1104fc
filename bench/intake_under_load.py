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
import psycopg

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
class Intake:
    label: str
    process: ServiceProcess
    database: str
    # With BACKGROUND_WORK=false the HTTP process runs no followers: a second process of
    # the same intake (no traffic) runs them, as an operator would deploy it.
    worker: ServiceProcess | None = None

    @property
    def url(self) -> str:
        return self.process.url

    @property
    def followers_url(self) -> str:
        return (self.worker or self.process).url


@dataclass
class Servers:
    settings: Settings
    intakes: list[Intake]  # intake as the tests start it, then any variants
    baseline: ServiceProcess
    baseline_database: str

    def admin_dsn(self) -> str:
        return self.settings.postgres_dsn("postgres")


def variant_label(changes: dict[str, str]) -> str:
    return "intake[" + " ".join(f"{name}={value}" for name, value in changes.items()) + "]"


@contextmanager
def intake_and_baseline(log_dir: Path, variant_env: dict[str, str] | None = None) -> Iterator[Servers]:
    """`variant_env` starts a second intake with these environment changes, on its own
    databases and topics, so that a lever is measured before and after in one run."""
    base = Settings()
    changes = {"intake": {}, **({variant_label(variant_env): variant_env} if variant_env else {})}
    baseline_database = f"bench_baseline_{uuid4().hex[:8]}"
    create_database_sync(base, baseline_database)
    created, started = [baseline_database], []
    try:
        intakes = []
        for number, (label, env_changes) in enumerate(changes.items()):
            suffix = uuid4().hex[:8]
            databases = {name: f"bench_{name}_{suffix}" for name in ("intake", "matching", "sessions")}
            create_database_sync(base, databases["intake"])
            created.append(databases["intake"])
            env = {**service_env(base, databases), "TOPIC_NAMESPACE": f"bench{suffix}", **env_changes}
            http = ServiceProcess("intake", free_port(), env, log_dir / f"intake-{number}.log")
            worker = None
            if env.get("BACKGROUND_WORK", "true").lower() in ("false", "0", "no"):
                worker = ServiceProcess("intake", free_port(), {**env, "BACKGROUND_WORK": "true"},
                                        log_dir / f"intake-{number}-worker.log")
            intakes.append(Intake(label, http, databases["intake"], worker))
        baseline_env = {**service_env(base, databases), "BASELINE_DSN": base.postgres_dsn(baseline_database)}
        baseline = BaselineProcess("baseline", free_port(), baseline_env, log_dir / "baseline.log")
        processes = [process for intake in intakes for process in (intake.process, intake.worker) if process]
        for server in [*processes, baseline]:
            started.append(server)
            server.start()
        yield Servers(base, intakes, baseline, baseline_database)
    finally:
        for server in started:
            server.stop()
        for database in created:
            drop_quietly(base, database)


def drop_quietly(settings: Settings, database: str, attempts: int = 5) -> None:
    """A shared server may briefly hold a connection we may not terminate: retry, then say so."""
    for attempt in range(attempts):
        try:
            drop_database_sync(settings, database)
            return
        except psycopg.Error as error:
            if attempt == attempts - 1:
                print(f"could not drop database {database}: {error}", file=sys.stderr)
            time.sleep(1)


def environment_changes(pairs: list[str]) -> dict[str, str]:
    """`--variant NAME=VALUE ...` arguments as a dict."""
    return dict(pair.split("=", 1) for pair in pairs)


def partner_headers(settings: Settings) -> dict[str, str]:
    return {"authorization": f"Bearer {token(settings, TENANT, 'partner')}"}


def open_program(settings: Settings, intake: Intake) -> str:
    operator = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}
    response = httpx.post(f"{intake.url}/v1/programs", headers={**operator, "idempotency-key": uuid4().hex},
                          json={"name": "Bench", "formats": ["one_to_one"], "organizations": [TENANT],
                                "max_open_requests_per_mentee": SLOTS_PER_MENTEE}, timeout=30)
    response.raise_for_status()
    return response.json()["id"]


async def enrol_mentees(settings: Settings, intake: Intake, program_id: str, count: int, workers: int = 16,
                        ) -> list[str]:
    """Enrolled over HTTP like any partner would; not timed."""
    body = {"program_id": program_id, "name": "Bench Mentee", "contact_email": "mentee@example.com",
            "consent_given": True, "profile": profile("mentee", [], ["leadership"], 3, TENANT)}
    enrolled: list[str] = []
    remaining = iter(range(count))
    async with httpx.AsyncClient(base_url=intake.url, headers=partner_headers(settings),
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


def wait_until_followers_caught_up(intake: Intake, timeout: float = 120) -> float:
    """The relay (to Kafka) and the projector (read model) run in the intake process:
    waiting for them keeps their work out of the next round and inside this one's CPU."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        followers = httpx.get(f"{intake.followers_url}/readyz", timeout=10).json()["checks"].get("followers", {})
        if {"relay", "projector"} <= set(followers) and all(f.get("lag") == 0 for f in followers.values()):
            return time.monotonic() - started
        time.sleep(0.1)
    raise RuntimeError(f"intake's followers still behind after {timeout}s: {followers}")

