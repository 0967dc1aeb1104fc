"""The write path: `POST /v1/requests` on intake (auth, Idempotency-Key, event store,
outbox relay to Kafka and projector running in-process) against a baseline FastAPI +
asyncpg app doing one INSERT of the same JSON. Both are uvicorn processes on loopback
against the local PostgreSQL; N closed-loop clients send back to back.

    .venv/bin/python -m bench.write_path_bench [--clients 8 64 --seconds 6 --rounds 3]

Rounds alternate between the servers so that a noisy neighbour hurts all alike;
`--variant NAME=VALUE` adds a second intake with a changed environment to the rotation
(a lever before and after, e.g. PSYCOPG_IMPL=python against the compiled psycopg).
"""

import argparse
import asyncio
import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from uuid import uuid4

import uvloop

from bench.intake_under_load import (
    SLOTS_PER_MENTEE, Intake, MenteeSlots, Servers, enrol_mentees, environment_changes, intake_and_baseline,
    open_program, partner_headers, request_body, wait_until_followers_caught_up,
)
from bench.load_loop import Call, NextCall, closed_loop
from bench.process_cpu import CpuMeter
from bench.round_figures import Measured, Target, measure, report
from shared.settings import Settings

SETUP_NOTE = """Intake runs alone (matching and sessions are stopped: creating a request waits for
neither). Its relay (to Kafka) and projector run in its process; after each intake round
the bench waits for both to catch up, and their CPU is counted in the round. CPU per request:
server = the uvicorn process, postgres = the backends serving its database, client = this load
generator. Kafka's broker CPU is not counted."""


def posting(headers: dict[str, str], body: Callable[[int], bytes | None]) -> NextCall:
    def next_call(client: int) -> Call | None:
        payload = body(client)
        if payload is None:
            return None
        return Call("POST", "/v1/requests", {**headers, "idempotency-key": uuid4().hex}, payload)

    return next_call


@dataclass
class WriteTarget:
    """One intake with its own program and mentees, or the baseline (slots None)."""

    target: Target
    calls: NextCall
    slots: MenteeSlots | None = None
    intake: Intake | None = None
    rate: float = 0.0


async def top_up(settings: Settings, writer: WriteTarget, needed: int) -> None:
    slots, intake = writer.slots, writer.intake
    if slots is None or intake is None or slots.free_slots >= needed:
        return
    more = math.ceil((needed - slots.free_slots) / SLOTS_PER_MENTEE)
    slots.add(await enrol_mentees(settings, intake, slots.program_id, more))
    wait_until_followers_caught_up(intake)  # the enrolments' own relay and projector work


def writers(servers: Servers) -> list[WriteTarget]:
    admin, settings = servers.admin_dsn(), servers.settings
    headers = {**partner_headers(settings), "content-type": "application/json"}
    found = []
    for intake in servers.intakes:
        slots = MenteeSlots(open_program(settings, intake))
        worker_pid = intake.worker.process.pid if intake.worker and intake.worker.process else None
        meter = CpuMeter(intake.process.process.pid, admin, intake.database, worker_pid)
        target = Target(intake.label, intake.process.port, meter,
                        settle=lambda intake=intake: wait_until_followers_caught_up(intake))
        found.append(WriteTarget(target, posting(headers, slots.next_body), slots, intake))
    numbers, program_id = count(), str(uuid4())
    meter = CpuMeter(servers.baseline.process.pid, admin, servers.baseline_database)
    found.append(WriteTarget(Target("baseline", servers.baseline.port, meter),
                             posting(headers, lambda _: request_body(program_id, str(uuid4()), next(numbers) % 10))))
    return found


async def one_round(settings: Settings, writer: WriteTarget, clients: int, seconds: float) -> Measured:
    await top_up(settings, writer, int(writer.rate * seconds * 1.5) + clients * SLOTS_PER_MENTEE)
    measured = await measure(writer.target, lambda port: closed_loop("127.0.0.1", port, clients, seconds, writer.calls))
    writer.rate = max(writer.rate, measured.result.rate)
    if writer.slots is not None:
        writer.slots.release_held()
    return measured


async def run(args: argparse.Namespace) -> None:
    log_dir = Path(args.log_dir or tempfile.mkdtemp(prefix="write-bench-"))
    print(f"{SETUP_NOTE}\nService logs: {log_dir}")
    with intake_and_baseline(log_dir, environment_changes(args.variant)) as servers:
        settings, targets = servers.settings, writers(servers)
        for writer in targets:  # pools fill, code paths warm, a first rate to prepare mentees by; not reported
            writer.rate = 150.0
            await one_round(settings, writer, 8, 2)
        for clients in args.clients:
            rounds: dict[str, list[Measured]] = {writer.target.label: [] for writer in targets}
            for _ in range(args.rounds):
                for writer in targets:
                    rounds[writer.target.label].append(await one_round(settings, writer, clients, args.seconds))
            report(f"POST /v1/requests, {clients} concurrent clients, {args.rounds} rounds of {args.seconds:g} s",
                   rounds)
        if args.hold:
            writer = targets[0]
            print(f"intake pid {writer.target.meter.server_pid}; holding {args.hold:g} s of load at 64 clients")
            await top_up(settings, writer, int(writer.rate * args.hold * 1.5) + 64 * SLOTS_PER_MENTEE)
            print("go", flush=True)
            await closed_loop("127.0.0.1", writer.target.port, 64, args.hold, writer.calls)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 64])
    parser.add_argument("--seconds", type=float, default=6.0, help="length of one round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--log-dir")
    parser.add_argument("--variant", nargs="*", default=[], metavar="NAME=VALUE",
                        help="also run a second intake with these environment changes, rounds interleaved")
    parser.add_argument("--hold", type=float, default=0.0,
                        help="then load intake alone this long (seconds), e.g. for py-spy --pid")
    args = parser.parse_args()
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(run(args))


if __name__ == "__main__":
    main()
