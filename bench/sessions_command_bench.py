"""One sessions command on the write path: `POST /v1/relationships/{id}/check-ins` (auth,
Idempotency-Key, loading the relationship, the event store, relay and projector
in-process) against the same FastAPI + asyncpg INSERT baseline as the intake write bench
(bench/baseline_app.py), closed loop, rounds alternating.

    source deploy/env.sh && .venv/bin/python -m bench.sessions_command_bench [--clients 8 64
        --seconds 6 --rounds 3 --relationships 400]

Sessions runs alone on a fresh database and topic namespace; its relationships are started
in-process as its consumer starts them for a confirmed match (SessionsApplication
.start_relationship), so no other service is needed. Each client checks in for the mentee
of the relationships it cycles through: a relationship's check-ins are serialised on its
version, so clients spread over many relationships as people do.
"""

import argparse
import asyncio
import tempfile
from collections.abc import Awaitable
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from uuid import UUID, uuid4

import orjson
import uvloop

from bench.intake_under_load import BaselineProcess, drop_quietly, partner_headers, request_body
from bench.load_loop import Call, NextCall, RoundResult, closed_loop
from bench.process_cpu import CpuMeter
from bench.round_figures import Measured, Target, measure, report
from services.sessions.application import SessionsApplication
from shared.settings import Settings
from tests.support.processes import ServiceProcess, free_port, service_env
from tests.support.servers import create_database_sync

SETUP_NOTE = """Sessions runs alone; its relay and projector run in its process and their CPU counts in
the round once they have caught up. CPU per request: server = the uvicorn process, postgres =
the backends serving its database."""


def start_relationships(settings: Settings, database: str, how_many: int) -> list[tuple[UUID, UUID]]:
    """(relationship id, mentee id) of relationships started as a confirmed match starts them."""
    app = SessionsApplication(settings.model_copy(update={"sessions_database": database}))
    started = []
    try:
        for _ in range(how_many):
            relationship_id, mentee, mentor = uuid4(), uuid4(), uuid4()
            parties = [{"participant_id": str(mentee), "role": "mentee", "organization_id": "acme"},
                       {"participant_id": str(mentor), "role": "mentor", "organization_id": "acme"}]
            app.save(*app.start_relationship(
                relationship_id, uuid4(), "acme", "one_to_one", parties,
                [{"topic": "public speaking", "outcome": "give a keynote"}], 14, 12,
                {"cancellation_notice_hours": 24}, datetime.now(UTC)))
            started.append((relationship_id, mentee))
    finally:
        app.close()
    return started


def checking_in(headers: dict[str, str], relationships: list[tuple[UUID, UUID]], clients: int) -> NextCall:
    body = orjson.dumps({"fit": 4, "progress": 3})
    turns = [count(client, clients) for client in range(clients)]

    def next_call(client: int) -> Call:
        relationship_id, mentee = relationships[next(turns[client % clients]) % len(relationships)]
        return Call("POST", f"/v1/relationships/{relationship_id}/check-ins?acting_for={mentee}",
                    {**headers, "idempotency-key": uuid4().hex}, body)

    return next_call


def posting_to_baseline(headers: dict[str, str]) -> NextCall:
    program_id, numbers = str(uuid4()), count()
    return lambda _client: Call("POST", "/v1/requests", {**headers, "idempotency-key": uuid4().hex},
                                request_body(program_id, str(uuid4()), next(numbers) % 10))


async def run(args: argparse.Namespace) -> None:
    log_dir = Path(args.log_dir or tempfile.mkdtemp(prefix="sessions-bench-"))
    print(f"{SETUP_NOTE}\nService logs: {log_dir}")
    settings = Settings()
    suffix = uuid4().hex[:8]
    databases = {name: f"bench_{name}_{suffix}" for name in ("intake", "matching", "sessions")}
    baseline_database = f"bench_baseline_{suffix}"
    for database in (databases["sessions"], baseline_database):
        create_database_sync(settings, database)
    env = {**service_env(settings, databases), "TOPIC_NAMESPACE": f"bench{suffix}"}
    sessions = ServiceProcess("sessions", free_port(), env, log_dir / "sessions.log")
    baseline = BaselineProcess("baseline", free_port(), {**env, "BASELINE_DSN": settings.postgres_dsn(
        baseline_database)}, log_dir / "baseline.log")
    try:
        sessions.start()
        baseline.start()
        assert sessions.process is not None and baseline.process is not None
        relationships = start_relationships(settings, databases["sessions"], args.relationships)
        headers = {**partner_headers(settings), "content-type": "application/json"}
        admin = settings.postgres_dsn("postgres")
        targets = [
            Target("sessions", sessions.port, CpuMeter(sessions.process.pid, admin, databases["sessions"])),
            Target("baseline", baseline.port, CpuMeter(baseline.process.pid, admin, baseline_database)),
        ]
        async def rounds_of(clients: int, rounds: int, seconds: float) -> dict[str, list[Measured]]:
            calls = {"sessions": checking_in(headers, relationships, clients), "baseline": posting_to_baseline(headers)}
            measured: dict[str, list[Measured]] = {target.label: [] for target in targets}
            for _ in range(rounds):
                for target in targets:
                    def loop(port: int, label: str = target.label) -> Awaitable[RoundResult]:
                        return closed_loop("127.0.0.1", port, clients, seconds, calls[label])

                    measured[target.label].append(await measure(target, loop))
            return measured

        await rounds_of(8, 1, 2)  # pools fill and code paths warm; not reported
        for clients in args.clients:
            report(f"POST /v1/relationships/{{id}}/check-ins, {clients} concurrent clients, "
                   f"{args.rounds} rounds of {args.seconds:g} s", await rounds_of(clients, args.rounds, args.seconds))
    finally:
        sessions.stop()
        baseline.stop()
        for database in (databases["sessions"], baseline_database):
            drop_quietly(settings, database)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 64])
    parser.add_argument("--seconds", type=float, default=6.0, help="length of one round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--relationships", type=int, default=400)
    parser.add_argument("--log-dir")
    args = parser.parse_args()
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(run(args))


if __name__ == "__main__":
    main()
