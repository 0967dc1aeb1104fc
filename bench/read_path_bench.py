"""The read path on intake: `GET /v1/requests/{id}` (the aggregate, loaded from the
event store and decrypted) and a list page `GET /v1/requests?program=...` (the read
model), against a baseline FastAPI + asyncpg app doing one SELECT per request on the
same documents. Both are uvicorn processes on loopback against the local PostgreSQL.

    .venv/bin/python -m bench.read_path_bench [--clients 8 64 --seconds 5 --rounds 3 --requests 300]

Rounds alternate between the servers so that a noisy neighbour hurts all alike;
`--variant NAME=VALUE` adds a second intake with a changed environment to the rotation.
"""

import argparse
import asyncio
import json
import math
import random
import tempfile
from pathlib import Path
from uuid import uuid4

import uvloop

from bench.intake_under_load import (
    SLOTS_PER_MENTEE, MenteeSlots, Servers, enrol_mentees, environment_changes, intake_and_baseline, open_program,
    partner_headers, wait_until_followers_caught_up,
)
from bench.load_loop import Call, NextCall, closed_loop
from bench.process_cpu import CpuMeter
from bench.round_figures import Measured, Target, measure, report

SETUP_NOTE = """Intake runs alone (matching and sessions are stopped: reads wait for neither). Both
servers hold the same requests, created through their own POST /v1/requests before the rounds.
CPU per request: server = the uvicorn process, postgres = the backends serving its database,
client = this load generator."""
PAGE = 50


async def create_requests(port: int, slots: MenteeSlots, headers: dict[str, str], total: int) -> list[str]:
    """Creates `total` requests through the server's own API; returns their ids."""
    bodies = iter(range(total))
    created: list[str] = []

    def next_call(client: int) -> Call | None:
        if next(bodies, None) is None:
            return None
        body = slots.next_body(client)
        return None if body is None else Call("POST", "/v1/requests", {**headers, "idempotency-key": uuid4().hex}, body)

    result = await closed_loop("127.0.0.1", port, 8, 600, next_call,
                               lambda _, body: created.append(json.loads(body)["id"]))
    if len(created) != total:
        raise RuntimeError(f"created {len(created)} of {total} requests: {dict(result.refused)} {result.first_refusal}")
    return created


def reading(headers: dict[str, str], ids: list[str]) -> NextCall:
    return lambda _: Call("GET", f"/v1/requests/{random.choice(ids)}", headers)


def listing(headers: dict[str, str], program_id: str) -> NextCall:
    return lambda _: Call("GET", f"/v1/requests?program={program_id}&limit={PAGE}", headers)


async def prepared(servers: Servers, requests: int) -> tuple[dict[str, Target], dict[str, dict[str, NextCall]]]:
    """Each intake gets a program, mentees and `requests` requests; the baseline the same JSON."""
    admin, settings = servers.admin_dsn(), servers.settings
    headers = {**partner_headers(settings), "content-type": "application/json"}
    targets: dict[str, Target] = {}
    reads: dict[str, NextCall] = {}
    lists: dict[str, NextCall] = {}
    for intake in servers.intakes:
        program_id = open_program(settings, intake)
        # +8: each of the 8 creating clients may leave its last mentee part used.
        mentees = await enrol_mentees(settings, intake, program_id, math.ceil(requests / SLOTS_PER_MENTEE) + 8)
        slots = MenteeSlots(program_id)
        slots.add(mentees)
        ids = await create_requests(intake.process.port, slots, headers, requests)
        wait_until_followers_caught_up(intake)
        targets[intake.label] = Target(intake.label, intake.process.port,
                                       CpuMeter(intake.process.process.pid, admin, intake.database))
        reads[intake.label], lists[intake.label] = reading(headers, ids), listing(headers, program_id)
    slots = MenteeSlots(program_id)
    slots.add(mentees)
    ids = await create_requests(servers.baseline.port, slots, headers, requests)
    targets["baseline"] = Target("baseline", servers.baseline.port,
                                 CpuMeter(servers.baseline.process.pid, admin, servers.baseline_database))
    reads["baseline"], lists["baseline"] = reading(headers, ids), listing(headers, program_id)
    return targets, {"GET /v1/requests/{id}": reads,
                     f"GET /v1/requests?program=...&limit={PAGE} (first page of {requests})": lists}


async def run(args: argparse.Namespace) -> None:
    log_dir = Path(args.log_dir or tempfile.mkdtemp(prefix="read-bench-"))
    print(f"{SETUP_NOTE}\nService logs: {log_dir}")
    with intake_and_baseline(log_dir, environment_changes(args.variant)) as servers:
        targets, scenarios = await prepared(servers, args.requests)
        for label, target in targets.items():  # warm-up, not reported
            for calls in scenarios.values():
                await measure(target, lambda port, c=calls[label]: closed_loop("127.0.0.1", port, 8, 1, c))
        for title, calls in scenarios.items():
            for clients in args.clients:
                rounds: dict[str, list[Measured]] = {label: [] for label in targets}
                for _ in range(args.rounds):
                    for label, target in targets.items():
                        rounds[label].append(await measure(target, lambda port, c=calls[label]: closed_loop(
                            "127.0.0.1", port, clients, args.seconds, c)))
                report(f"{title}, {clients} concurrent clients, {args.rounds} rounds of {args.seconds:g} s", rounds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 64])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=300, help="requests each server holds")
    parser.add_argument("--log-dir")
    parser.add_argument("--variant", nargs="*", default=[], metavar="NAME=VALUE",
                        help="also run a second intake with these environment changes, rounds interleaved")
    args = parser.parse_args()
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(run(args))


if __name__ == "__main__":
    main()
