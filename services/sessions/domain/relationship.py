"""One mentoring relationship, from mutual agreement to close. Its id is the request id.

It becomes active only when an agreement version is signed by every party and
every party acknowledged the ground rules. Every command names who acts (`by`) and
when (`at`); a third party is refused, and so is any arrow the lifecycle forbids,
without recording anything.

Each part of its life lives in its own module (agreement, ground rules, sessions,
check-ins, closing, a group's mentees leaving); this class holds the state they share,
pausing, and the timers.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from shared.errors import RuleViolated
from services.sessions.domain import moved_topics, timers
from services.sessions.domain.agreement import RelationshipAgreement
from services.sessions.domain.check_ins import RelationshipCheckIns
from services.sessions.domain.closing import RelationshipClosing
from services.sessions.domain.ground_rules import RelationshipGroundRules
from services.sessions.domain.group_members import RelationshipGroupMembers
from services.sessions.domain.sessions import RelationshipSessions

GRACE_AFTER_END = timers.GRACE_AFTER_END


class Relationship(RelationshipAgreement, RelationshipGroundRules, RelationshipSessions, RelationshipCheckIns,
                   RelationshipClosing, RelationshipGroupMembers):
    # Version 2 added `resumed_at` and `rematch_requested_by`; older snapshots are upcast.
    class_version = 2

    @event("RelationshipStarted")
    def __init__(self, id: UUID, program_id: UUID, organization_id: str, format: str,
                 parties: list[dict[str, Any]], goals: list[dict[str, str]], cadence_days: int,
                 length_weeks: int, ground_rules: dict[str, Any], started_at: datetime) -> None:
        self.program_id = program_id
        self.organization_id = organization_id
        self.format = format
        self.parties = parties
        self.goals = goals
        self.cadence_days = cadence_days
        self.length_weeks = length_weeks
        self.ground_rules = ground_rules
        self.started_at = started_at
        self.status = "forming"
        self.agreements: list[dict[str, Any]] = []
        self.agreement_in_force: int | None = None
        self.added_rules: list[str] = []
        self.acknowledged_by: list[str] = []
        self.activated_at: datetime | None = None
        self.resumed_at: datetime | None = None
        self.sessions: dict[str, dict[str, Any]] = {}
        self.check_ins: list[dict[str, Any]] = []
        self.fit_reports: dict[str, str] = {}
        self.private_notes: list[dict[str, Any]] = []
        self.stalled_at: datetime | None = None
        self.outcome: str | None = None
        self.closed_at: datetime | None = None
        self.reflections: dict[str, dict[str, Any]] = {}
        self.paid_forward: list[str] = []
        self.rematch_requested_by: UUID | None = None

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state.setdefault("resumed_at", None)
        state.setdefault("rematch_requested_by", None)

    # --- pause and resume ----------------------------------------------------------------

    def pause(self, by: UUID, reason: str, at: datetime) -> None:
        self._party(by)
        if self.status != "active":
            raise RuleViolated("relationship-not-active", f"only an active relationship can pause; it is {self.status}")
        self._paused(by=by, reason=reason)

    def resume(self, by: UUID, at: datetime) -> None:
        self._party(by)
        if self.status != "paused":
            raise RuleViolated("relationship-not-paused", "the relationship is not paused")
        self._resumed(by=by, resumed_at=at)

    # --- timers (see timers.py for when each is due) ------------------------------------

    def mark_stalled(self, at: datetime) -> None:
        """Timer: no session held for twice the cadence; refused when not due, so once per quiet spell."""
        if not timers.is_stalled(self, at):
            raise RuleViolated("not-stalled", "sessions are being held within twice the cadence")
        quiet_since = timers.quiet_since(self)
        assert quiet_since is not None  # a stalled relationship has a quiet spell
        self._stalled(stalled_at=at, quiet_since=quiet_since)

    def due_timers(self, now: datetime) -> list[timers.DueTimer]:
        return timers.due_timers(self, now)

    def next_timer_due(self) -> datetime | None:
        return timers.next_timer_at(self)

    def sessions_due_a_reminder(self, now: datetime) -> list[str]:
        return timers.sessions_due_a_reminder(self, now)

    def reminder_moments(self) -> list[datetime]:
        return timers.reminder_moments(self)

    def is_stalled(self, now: datetime) -> bool:
        return timers.is_stalled(self, now)

    def stall_reference(self) -> datetime | None:
        return timers.quiet_since(self)

    def next_stall_moment(self) -> datetime | None:
        return timers.stall_moment(self)

    # --- events ------------------------------------------------------------------------

    @event("RelationshipPaused")
    def _paused(self, by: UUID, reason: str) -> None:
        self.status = "paused"

    @event("RelationshipResumed")
    def _resumed(self, by: UUID, resumed_at: datetime | None = None) -> None:
        # resumed_at is absent from events recorded before it was kept.
        self.status = "active"
        self.resumed_at = resumed_at

    @event("RelationshipStalled")
    def _stalled(self, stalled_at: datetime, quiet_since: datetime) -> None:
        self.stalled_at = stalled_at


moved_topics.register(Relationship)
