"""Durable timers: each tick finds due work in the store and records it as events,
so nothing is lost across restarts and every firing shows in the history."""

import logging
from typing import Any
from uuid import UUID

from shared.eventstore import run_blocking
from shared.runtime import ServiceRuntime, TimerSpec
from shared.timer_items import for_each_due
from services.matching import pool_queries
from services.matching.application import MatchingApplication
from services.matching.domain.pool import with_one_more_open_proposal
from services.matching.domain.proposal import REMINDER_BEFORE_EXPIRY
from services.matching.retry_gate import RetryGate

log = logging.getLogger(__name__)
PROPOSALS_AT_ONCE = 4


def matching_timers(runtime: ServiceRuntime[MatchingApplication], every_seconds: float) -> list[TimerSpec]:
    app = runtime.app

    gate = RetryGate()

    async def propose_for(due: list[pool_queries.AwaitingRequest], timer: str) -> int:
        if not due:
            return 0
        now = runtime.clock.now()
        managers = await pool_queries.reporting_lines(runtime.pool)
        mentors_by_program: dict[UUID, list[Any]] = {}

        async def propose(awaiting: pool_queries.AwaitingRequest) -> None:
            program_id = awaiting.program_id
            if program_id not in mentors_by_program:
                mentors_by_program[program_id] = await pool_queries.mentors_of(runtime.pool, program_id)
            proposal, version = await run_blocking(app.try_request, awaiting.request_id,
                                                   mentors_by_program[program_id], now, managers)
            if proposal is not None:  # the next try of this tick sees the mentor one seat fuller
                mentors_by_program[program_id] = with_one_more_open_proposal(mentors_by_program[program_id],
                                                                             proposal.mentor_id)
            gate.tried(awaiting, version)

        # Each proposal changes only its own request and the proposal it creates (seats are
        # taken on confirmation), so several at once never contend; most of a proposal's
        # time is spent waiting on PostgreSQL.
        return await for_each_due(runtime.pool, app.service, timer, due, propose,
                                  address=lambda awaiting: str(awaiting.request_id),
                                  concurrency=PROPOSALS_AT_ONCE)

    async def propose_for_new_requests() -> int:
        # Woken as each new request is projected; only requests never tried, so that a new
        # one never waits behind a pass over the requests already waiting for a mentor.
        awaiting = await pool_queries.awaiting_requests(runtime.pool, runtime.clock.now(), only_new=True)
        return await propose_for(gate.never_tried(awaiting), "matchmaker")

    async def retry_waiting_requests() -> int:
        # On the poll, beside the new ones: the waiting requests whose pool changed (a seat
        # freed, a mentor enrolled) or whose wait is over, and after a restart each once.
        awaiting = await pool_queries.awaiting_requests(runtime.pool, runtime.clock.now())
        return await propose_for(gate.retries(awaiting), "matchmaker-retries")

    async def expire_proposals() -> int:
        now = runtime.clock.now()
        due = await pool_queries.proposals_past_expiry(runtime.pool, now)
        return await for_each_due(runtime.pool, app.service, "expiry", due,
                                  lambda ident: run_blocking(app.expire, ident, now))

    async def remind_before_expiry() -> int:
        now = runtime.clock.now()
        due = await pool_queries.proposals_due_a_reminder(runtime.pool, now, REMINDER_BEFORE_EXPIRY)
        return await for_each_due(runtime.pool, app.service, "reminders", due,
                                  lambda ident: run_blocking(app.remind, ident, now))

    async def reminders_then_expiry() -> int:
        # One timer, in deadline order: after downtime both deadlines may have passed,
        # and the history must show the reminder that fell due before the expiry.
        return await remind_before_expiry() + await expire_proposals()

    async def cancel_for_absent_people() -> int:
        due = await pool_queries.proposals_with_absent_people(runtime.pool)
        reason = "one of the two is no longer available"
        return await for_each_due(runtime.pool, app.service, "absent-people", due,
                                  lambda ident: run_blocking(app.cancel, ident, reason))

    return [
        # A new request is tried as soon as it is projected; the waiting ones on the poll.
        TimerSpec("matchmaker", propose_for_new_requests, every_seconds, woken_by=frozenset({"request"})),
        TimerSpec("matchmaker-retries", retry_waiting_requests, every_seconds),
        TimerSpec("deadlines", reminders_then_expiry, every_seconds),
        TimerSpec("absent-people", cancel_for_absent_people, every_seconds),
    ]
