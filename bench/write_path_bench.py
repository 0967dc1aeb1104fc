"""The write path: `POST /v1/requests` on intake (auth, Idempotency-Key, event store,
outbox relay to Kafka and projector running in-process) against a baseline FastAPI +
asyncpg app doing one INSERT of the same JSON. Both are uvicorn processes on loopback
against the local PostgreSQL; N closed-loop clients send back to back.

    .venv/bin/python -m bench.write_path_bench [--clients 8 64 --seconds 6 --rounds 3]

Rounds alternate between the two servers so that a noisy neighbour hurts both alike.
"""

import argparse
import asyncio
import math
import tempfile
from collections.abc import Callable
from itertools import count
from pathlib import Path
from uuid import uuid4

import uvloop

from bench.intake_under_load import (
    SLOTS_PER_MENTEE, MenteeSlots, Servers, enrol_mentees, intake_and_baseline, open_program, partner_headers,
    request_body, wait_until_followers_caught_up,
)
from bench.load_loop import Call, NextCall, closed_loop
from bench.process_cpu import CpuMeter
from bench.round_figures import Measured, Target, measure, report

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


async def top_up(servers: Servers, slots: MenteeSlots, program_id: str, needed: int) -> None:
    if slots.free_slots < needed:
        slots.add(await enrol_mentees(servers, program_id, math.ceil((needed - slots.free_slots) / SLOTS_PER_MENTEE)))
        wait_until_followers_caught_up(servers)  # the enrolments' own relay and projector work


async def run(args: argparse.Namespace) -> None:
    log_dir = Path(args.log_dir or tempfile.mkdtemp(prefix="write-bench-"))
    print(f"{SETUP_NOTE}\nService logs: {log_dir}")
    with intake_and_baseline(log_dir) as servers:
        admin = servers.admin_dsn()
        program_id = open_program(servers)
        slots = MenteeSlots(program_id)
        headers = {**partner_headers(servers.settings), "content-type": "application/json"}
        intake_calls = posting(headers, slots.next_body)
        numbers = count()
        baseline_calls = posting(headers, lambda _: request_body(program_id, str(uuid4()), next(numbers) % 10))
        intake = Target("intake", servers.intake.port, CpuMeter(servers.intake.process.pid, admin,
                        servers.intake_database), settle=lambda: wait_until_followers_caught_up(servers))
        baseline = Target("baseline", servers.baseline.port,
                          CpuMeter(servers.baseline.process.pid, admin, servers.baseline_database))

        def load(clients: int, seconds: float, calls: NextCall):  # noqa: ANN202
            return lambda port: closed_loop("127.0.0.1", port, clients, seconds, calls)

        await top_up(servers, slots, program_id, 64 * SLOTS_PER_MENTEE)
        warm = await measure(intake, load(8, 2, intake_calls))  # pools fill, code paths warm; not reported
        await measure(baseline, load(8, 2, baseline_calls))
        rate = warm.result.rate
        for clients in args.clients:
            rounds: dict[str, list[Measured]] = {"intake": [], "baseline": []}
            for _ in range(args.rounds):
                await top_up(servers, slots, program_id, int(rate * args.seconds * 1.5) + clients * SLOTS_PER_MENTEE)
                rounds["intake"].append(await measure(intake, load(clients, args.seconds, intake_calls)))
                rate = max(rate, rounds["intake"][-1].result.rate)
                slots.release_held()
                rounds["baseline"].append(await measure(baseline, load(clients, args.seconds, baseline_calls)))
            report(f"POST /v1/requests, {clients} concurrent clients, {args.rounds} rounds of {args.seconds:g} s",
                   rounds)
        if args.hold:
            print(f"intake pid {servers.intake.process.pid}; holding {args.hold:g} s of load at 64 clients")
            await top_up(servers, slots, program_id, int(rate * args.hold * 1.5) + 64 * SLOTS_PER_MENTEE)
            print("go", flush=True)
            await closed_loop("127.0.0.1", servers.intake.port, 64, args.hold, intake_calls)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 64])
    parser.add_argument("--seconds", type=float, default=6.0, help="length of one round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--log-dir")
    parser.add_argument("--hold", type=float, default=0.0,
                        help="then load intake alone this long (seconds), e.g. for py-spy --pid")
    args = parser.parse_args()
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(run(args))


if __name__ == "__main__":
    main()
