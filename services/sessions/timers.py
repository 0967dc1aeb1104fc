"""Sessions' durable timers: reminders, stalled relationships, completion at the end.
Each tick finds the relationships due in the lists; SessionsApplication.fire_due_timers
records what is due as events."""

from shared.eventstore import run_blocking
from shared.runtime import ServiceRuntime, TimerSpec
from shared.timer_items import for_each_due
from services.sessions.application import SessionsApplication


def sessions_timers(runtime: ServiceRuntime[SessionsApplication], every_seconds: float) -> list[TimerSpec]:
    async def tick() -> int:
        now = runtime.clock.now()
        assert runtime.pool is not None  # timers start after the pool
        rows = await runtime.pool.fetch(
            """SELECT id FROM documents WHERE kind = 'relationship' AND status IN ('active', 'paused')
               AND (body->>'next_timer_at')::timestamptz <= $1""", now)
        return await for_each_due(runtime.pool, runtime.app.service, "relationship-timers",
                                  [row["id"] for row in rows],
                                  lambda ident: run_blocking(runtime.app.fire_due_timers, ident, now))

    return [TimerSpec("relationship-timers", tick, every_seconds)]
