"""The working part of a relationship: sessions, check-ins, private notes, timers.

A base of Relationship (which owns the state it reads), kept apart so each file
holds one idea: the lifecycle there, the meetings here.
"""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from shared.errors import RuleViolated

REMINDER_BEFORE_SESSION = timedelta(hours=24)
DEFAULT_NOTICE_HOURS = 24


class SessionLog(Aggregate):
    # No class-level annotations here: the library would read them as constructor
    # fields. Relationship.__init__ sets the state these methods use.

    def _party(self, by: UUID) -> str:
        raise NotImplementedError

    def missing_for_activation(self) -> list[str]:
        raise NotImplementedError

    @property
    def held_count(self) -> int:
        return sum(1 for s in self.sessions.values() if s["state"] == "held")

    def _require_active(self) -> None:
        if self.status == "forming":
            raise RuleViolated("relationship-not-active",
                               "sessions start once there is " + " and ".join(self.missing_for_activation()))
        if self.status != "active":
            raise RuleViolated("relationship-not-active", f"the relationship is {self.status}")

    def _scheduled_session(self, session_id: UUID) -> dict[str, Any]:
        session = self.sessions.get(str(session_id))
        if session is None:
            raise RuleViolated("unknown-session", f"no session {session_id} in this relationship")
        if session["state"] != "scheduled":
            raise RuleViolated("session-not-scheduled", f"the session is {session['state']}")
        return session

    def schedule_session(self, by: UUID, session_id: UUID, starts_at: datetime, minutes: int, mode: str,
                         agenda: str, at: datetime) -> None:
        self._party(by)
        self._require_active()
        if str(session_id) in self.sessions:
            raise RuleViolated("session-exists", "a session with this id exists")
        if starts_at <= at:
            raise RuleViolated("session-in-the-past", "schedule sessions in the future")
        self._session_scheduled(session_id=session_id, starts_at=starts_at, minutes=minutes, mode=mode,
                                agenda=agenda, scheduled_by=by)

    def reschedule_session(self, by: UUID, session_id: UUID, starts_at: datetime, at: datetime) -> None:
        self._party(by)
        self._require_active()
        self._scheduled_session(session_id)
        if starts_at <= at:
            raise RuleViolated("session-in-the-past", "reschedule to a time in the future")
        self._session_rescheduled(session_id=session_id, starts_at=starts_at, by=by)

    def cancel_session(self, by: UUID, session_id: UUID, at: datetime) -> None:
        self._party(by)
        session = self._scheduled_session(session_id)
        notice_hours = (session["starts_at"] - at).total_seconds() / 3600
        required = self.ground_rules.get("cancellation_notice_hours", DEFAULT_NOTICE_HOURS)
        # A late cancellation is allowed but recorded against the ground rules.
        self._session_cancelled(session_id=session_id, by=by, notice_hours=round(notice_hours, 2),
                                late=notice_hours < required)

    def mark_session_held(self, by: UUID, session_id: UUID, minutes: int, goals_touched: list[int],
                          learned: dict[str, list[str]], at: datetime) -> None:
        self._party(by)
        self._require_active()
        self._scheduled_session(session_id)
        parties = {str(p) for p in self.party_ids}  # type: ignore[attr-defined]
        if not set(learned) <= parties:
            raise RuleViolated("learner-not-a-party", "what was learned is recorded for the people in it")
        if any(not 0 <= goal < len(self.goals) for goal in goals_touched):  # type: ignore[attr-defined]
            raise RuleViolated("unknown-goal", "goals_touched names goals by their position")
        self._session_held(session_id=session_id, minutes=minutes, goals_touched=goals_touched,
                           learned=learned, held_at=at)

    def mark_session_missed(self, by: UUID, session_id: UUID, missed_by: list[UUID], at: datetime) -> None:
        self._party(by)
        session = self._scheduled_session(session_id)
        if at < session["starts_at"]:
            raise RuleViolated("session-not-started", "a session is missed only once its time has come")
        self._session_missed(session_id=session_id, missed_by=[str(p) for p in missed_by])

    def add_private_note(self, by: UUID, session_id: UUID, note_ciphertext: str, at: datetime) -> None:
        self._party(by)
        if str(session_id) not in self.sessions:
            raise RuleViolated("unknown-session", f"no session {session_id} in this relationship")
        self._private_note_added(session_id=session_id, author=by, note_ciphertext=note_ciphertext)

    def record_check_in(self, by: UUID, fit: int, progress: int, comment_ciphertext: str | None,
                        at: datetime) -> None:
        self._party(by)
        if self.status == "closed":
            raise RuleViolated("relationship-closed", "the relationship is closed")
        if not (1 <= fit <= 5 and 1 <= progress <= 5):
            raise RuleViolated("rating-out-of-range", "rate fit and progress from 1 to 5")
        self._check_in_recorded(by=by, fit=fit, progress=progress, comment_ciphertext=comment_ciphertext)

    # --- timers: each fires once, and only when due --------------------------------

    def sessions_due_a_reminder(self, now: datetime) -> list[str]:
        return [sid for sid, s in self.sessions.items() if s["state"] == "scheduled" and not s["reminded"]
                and s["starts_at"] - REMINDER_BEFORE_SESSION <= now < s["starts_at"]]

    def reminder_moments(self) -> list[datetime]:
        return [s["starts_at"] - REMINDER_BEFORE_SESSION for s in self.sessions.values()
                if s["state"] == "scheduled" and not s["reminded"]]

    def next_stall_moment(self) -> datetime | None:
        reference = self.stall_reference()
        if self.status != "active" or reference is None:
            return None
        if self.stalled_at is not None and self.stalled_at >= reference:
            return None
        return reference + timedelta(days=2 * self.cadence_days)

    def remind_session(self, session_id: UUID, at: datetime) -> None:
        if str(session_id) not in self.sessions_due_a_reminder(at):
            raise RuleViolated("no-reminder-due", "no reminder is due for this session")
        self._session_reminder_due(session_id=session_id)

    def stall_reference(self) -> datetime | None:
        held = [s["held_at"] for s in self.sessions.values() if s["state"] == "held"]
        return max(held, default=self.activated_at)

    def is_stalled(self, now: datetime) -> bool:
        reference = self.stall_reference()
        if self.status != "active" or reference is None:
            return False
        if self.stalled_at is not None and self.stalled_at >= reference:
            return False  # already reported for this quiet spell
        return now - reference >= timedelta(days=2 * self.cadence_days)

    def mark_stalled(self, at: datetime) -> None:
        if not self.is_stalled(at):
            raise RuleViolated("not-stalled", "sessions are being held within twice the cadence")
        self._stalled(stalled_at=at, quiet_since=self.stall_reference())

    # --- events ------------------------------------------------------------------

    @event("SessionScheduled")
    def _session_scheduled(self, session_id: UUID, starts_at: datetime, minutes: int, mode: str, agenda: str,
                           scheduled_by: UUID) -> None:
        self.sessions = {**self.sessions, str(session_id): {
            "starts_at": starts_at, "minutes": minutes, "mode": mode, "agenda": agenda,
            "state": "scheduled", "reminded": False}}

    @event("SessionRescheduled")
    def _session_rescheduled(self, session_id: UUID, starts_at: datetime, by: UUID) -> None:
        self.sessions[str(session_id)] = {**self.sessions[str(session_id)], "starts_at": starts_at,
                                          "reminded": False}

    @event("SessionCancelled")
    def _session_cancelled(self, session_id: UUID, by: UUID, notice_hours: float, late: bool) -> None:
        self.sessions[str(session_id)] = {**self.sessions[str(session_id)], "state": "cancelled", "late": late}

    @event("SessionHeld")
    def _session_held(self, session_id: UUID, minutes: int, goals_touched: list[int],
                      learned: dict[str, list[str]], held_at: datetime) -> None:
        self.sessions[str(session_id)] = {**self.sessions[str(session_id)], "state": "held", "minutes": minutes,
                                          "goals_touched": goals_touched, "learned": learned, "held_at": held_at}

    @event("SessionMissed")
    def _session_missed(self, session_id: UUID, missed_by: list[str]) -> None:
        self.sessions[str(session_id)] = {**self.sessions[str(session_id)], "state": "missed",
                                          "missed_by": missed_by}

    @event("PrivateNoteAdded")
    def _private_note_added(self, session_id: UUID, author: UUID, note_ciphertext: str) -> None:
        self.private_notes = [*self.private_notes, {"session_id": str(session_id), "author": str(author),
                                                    "note_ciphertext": note_ciphertext}]

    @event("CheckInRecorded")
    def _check_in_recorded(self, by: UUID, fit: int, progress: int, comment_ciphertext: str | None) -> None:
        self.check_ins = [*self.check_ins, {"by": str(by), "fit": fit, "progress": progress,
                                            "comment_ciphertext": comment_ciphertext}]

    @event("SessionReminderDue")
    def _session_reminder_due(self, session_id: UUID) -> None:
        self.sessions[str(session_id)] = {**self.sessions[str(session_id)], "reminded": True}

    @event("RelationshipStalled")
    def _stalled(self, stalled_at: datetime, quiet_since: datetime) -> None:
        self.stalled_at = stalled_at
