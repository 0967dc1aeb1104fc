"""Durable timers as pure functions of a relationship's state and a moment.

Nothing here reads a clock or records anything. The aggregate's `remind_session`,
`mark_stalled` and `complete_at_end` ask these whether they are due (and refuse when
not, so firing twice records once); the service's ticker asks `due_timers` what to
fire now and `next_timer_at` when to look again.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Literal
from uuid import UUID

REMINDER_BEFORE_SESSION = timedelta(hours=24)
QUIET_CADENCES_BEFORE_STALL = 2
GRACE_AFTER_END = timedelta(days=7)
RUNNING = ("active", "paused")


@dataclass(frozen=True)
class DueTimer:
    kind: Literal["session_reminder", "stalled", "completion"]
    due_at: datetime
    session_id: UUID | None = None


# --- session reminders: once per session (again after a reschedule) ---------------------

def _awaits_reminder(session: dict[str, Any]) -> bool:
    return session["state"] == "scheduled" and not session["reminded"]


def reminder_moments(relationship: Any) -> list[datetime]:
    if relationship.status not in RUNNING:
        return []  # a closed relationship's leftover sessions will not take place
    return [s["starts_at"] - REMINDER_BEFORE_SESSION for s in relationship.sessions.values() if _awaits_reminder(s)]


def sessions_due_a_reminder(relationship: Any, now: datetime) -> list[str]:
    if relationship.status not in RUNNING:
        return []
    return [sid for sid, s in relationship.sessions.items() if _awaits_reminder(s)
            and s["starts_at"] - REMINDER_BEFORE_SESSION <= now < s["starts_at"]]


# --- stalled: nothing held for twice the cadence, reported once per quiet spell ----------

def quiet_since(relationship: Any) -> datetime | None:
    """The start of the current quiet spell: the last held session, the activation or the
    last resumption, whichever came last (an agreed pause is not a stall)."""
    held = [s["held_at"] for s in relationship.sessions.values() if s["state"] == "held"]
    moments = [m for m in (*held, relationship.activated_at, relationship.resumed_at) if m is not None]
    return max(moments, default=None)


def stall_moment(relationship: Any) -> datetime | None:
    reference = quiet_since(relationship)
    if relationship.status != "active" or reference is None:
        return None
    if relationship.stalled_at is not None and relationship.stalled_at >= reference:
        return None  # already reported for this quiet spell
    return reference + timedelta(days=QUIET_CADENCES_BEFORE_STALL * relationship.agreed_cadence_days)


def is_stalled(relationship: Any, now: datetime) -> bool:
    moment = stall_moment(relationship)
    return moment is not None and now >= moment


# --- completion at the end date, after a grace period to wrap up ------------------------

def completion_moment(relationship: Any) -> datetime | None:
    if relationship.status not in RUNNING:
        return None
    end = datetime.combine(relationship.end_date, time.min, tzinfo=relationship.started_at.tzinfo)
    return end + GRACE_AFTER_END


def is_completion_due(relationship: Any, now: datetime) -> bool:
    moment = completion_moment(relationship)
    return moment is not None and now >= moment


# --- all of them ----------------------------------------------------------------------

def due_timers(relationship: Any, now: datetime) -> list[DueTimer]:
    """What should fire at `now`, in the order to fire it."""
    due = [DueTimer("session_reminder", relationship.sessions[sid]["starts_at"] - REMINDER_BEFORE_SESSION,
                    UUID(sid)) for sid in sessions_due_a_reminder(relationship, now)]
    stall = stall_moment(relationship)
    if stall is not None and now >= stall:
        due.append(DueTimer("stalled", stall))
    completion = completion_moment(relationship)
    if completion is not None and now >= completion:
        due.append(DueTimer("completion", completion))
    return due


def next_timer_at(relationship: Any) -> datetime | None:
    """When a timer could next fire, so a ticker loads only the relationships that are due."""
    moments = [*reminder_moments(relationship), stall_moment(relationship), completion_moment(relationship)]
    return min((m for m in moments if m is not None), default=None)
