"""Sessions' durable timers: reminders, stalled relationships, completion at the end.
Each tick reads due work from the relationships and records it as events."""

import logging
from datetime import datetime
from uuid import UUID

from shared import clock
from shared.errors import DomainError
from shared.eventstore import run_blocking
from shared.runtime import ServiceRuntime, TimerSpec
from shared.timer_items import for_each_due
from shared.store_access import load_sync, save_sync
from services.sessions.application import SessionsApplication
from services.sessions.domain.relationship import Relationship

log = logging.getLogger(__name__)


def fire_due_timers(app: SessionsApplication, relationship_id: UUID, now: datetime) -> int:
    relationship = load_sync(app, relationship_id, Relationship, "relationship")
    fired = 0
    for session_id in relationship.sessions_due_a_reminder(now):
        relationship.remind_session(UUID(session_id), now)
        fired += 1
    if relationship.is_stalled(now):
        relationship.mark_stalled(now)
        fired += 1
    try:
        relationship.complete_at_end(now)
        fired += 1
    except DomainError:
        pass  # not at its end yet
    if fired:
        save_sync(app, relationship)
    return fired


def sessions_timers(runtime: ServiceRuntime[SessionsApplication], every_seconds: float) -> list[TimerSpec]:
    async def tick() -> int:
        now = clock.now()
        assert runtime.pool is not None  # timers start after the pool
        rows = await runtime.pool.fetch(
            """SELECT id FROM documents WHERE kind = 'relationship' AND status IN ('active', 'paused')
               AND (body->>'next_timer_at')::timestamptz <= $1""", now)
        return await for_each_due(runtime.pool, runtime.app.service, "relationship-timers",
                                  [row["id"] for row in rows],
                                  lambda ident: run_blocking(fire_due_timers, runtime.app, ident, now))

    return [TimerSpec("relationship-timers", tick, every_seconds)]
