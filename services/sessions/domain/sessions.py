"""Session records: scheduled, moved, cancelled (late or not), held or missed, with
each person's private notes and the reminder sent before each one.

Mentoring is two-way: a held session records what EACH person learned, as short
public labels. Notes are stored only as their author's ciphertext.
"""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from eventsourcing.domain import event

from shared.errors import RuleViolated
from shared.privacy import Private
from services.sessions.domain import timers
from services.sessions.domain.activation import RelationshipActivation

MAX_SESSION_MINUTES = 480
MAX_LABEL_LENGTH = 80


class RelationshipSessions(RelationshipActivation):
    # Reads the ground rules' `notice_hours_required`; Relationship combines both parts.

    @property
    def held_count(self) -> int:
        return sum(1 for s in self.sessions.values() if s["state"] == "held")

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
        _check_minutes(minutes)
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
        # A late cancellation is allowed but recorded against the ground rules.
        self._session_cancelled(session_id=session_id, by=by, notice_hours=round(notice_hours, 2),
                                late=notice_hours < self.notice_hours_required)

    def mark_session_held(self, by: UUID, session_id: UUID, minutes: int, goals_touched: list[int],
                          learned: dict[str, list[str]], at: datetime, absent: list[UUID] | None = None) -> None:
        """Attendance is per person: `absent` names who did not come (a group's members,
        say), everyone else attended; what was learned is recorded for those present."""
        self._party(by)
        self._require_active()
        session = self._scheduled_session(session_id)
        if at < session["starts_at"]:
            raise RuleViolated("session-not-started", "a session is marked held once its time has come")
        _check_minutes(minutes)
        away = sorted({str(person) for person in absent or []})
        if not set(away) <= self.everyone():
            raise RuleViolated("absent-not-a-party", "attendance is recorded for the people in the relationship")
        if len(self.everyone() - set(away)) < 2:
            raise RuleViolated("too-few-present", "a session with fewer than two people present was missed, not held")
        if not set(learned) <= self.everyone():
            raise RuleViolated("learner-not-a-party", "what was learned is recorded for the people in it")
        if set(learned) & set(away):
            raise RuleViolated("learner-absent", "what was learned is recorded for the people who came")
        if not all(isinstance(labels, list) and all(_is_label(label) for label in labels)
                   for labels in learned.values()):
            raise RuleViolated("invalid-learned-label",
                               f"what each person learned is a list of short labels (up to {MAX_LABEL_LENGTH} "
                               "characters); the full story belongs in a private note")
        if any(not 0 <= goal < len(self.goals) for goal in goals_touched):
            raise RuleViolated("unknown-goal", "goals_touched names goals by their position")
        self._session_held(session_id=session_id, minutes=minutes, goals_touched=goals_touched,
                           learned=learned, held_at=at, absent=away)

    def mark_session_missed(self, by: UUID, session_id: UUID, missed_by: list[UUID], at: datetime) -> None:
        self._party(by)
        session = self._scheduled_session(session_id)
        if at < session["starts_at"]:
            raise RuleViolated("session-not-started", "a session is missed only once its time has come")
        if not missed_by:
            raise RuleViolated("nobody-missed", "name who did not come")
        if not {str(p) for p in missed_by} <= self.everyone():
            raise RuleViolated("missed-by-not-a-party", "a no-show is recorded against the people in it")
        self._session_missed(session_id=session_id, missed_by=[str(p) for p in missed_by])

    def add_private_note(self, by: UUID, session_id: UUID, note_ciphertext: str, at: datetime) -> None:
        self._party(by)
        if str(session_id) not in self.sessions:
            raise RuleViolated("unknown-session", f"no session {session_id} in this relationship")
        self._private_note_added(session_id=session_id, author=by, note_ciphertext=note_ciphertext)

    def remind_session(self, session_id: UUID, at: datetime) -> None:
        """Timer: the reminder a day before; refused when not due, so it is recorded once."""
        if str(session_id) not in timers.sessions_due_a_reminder(self, at):
            raise RuleViolated("no-reminder-due", "no reminder is due for this session")
        self._session_reminder_due(session_id=session_id)

    # --- events ------------------------------------------------------------------------

    @event("SessionScheduled")
    def _session_scheduled(self, session_id: UUID, starts_at: datetime, minutes: int, mode: str, agenda: str,
                           scheduled_by: UUID) -> None:
        self.sessions = {**self.sessions, str(session_id): {
            "starts_at": starts_at, "minutes": minutes, "mode": mode, "agenda": agenda,
            "state": "scheduled", "reminded": False}}

    @event("SessionRescheduled")
    def _session_rescheduled(self, session_id: UUID, starts_at: datetime, by: UUID) -> None:
        # A moved session is reminded again before its new time.
        self._update_session(session_id, starts_at=starts_at, reminded=False)

    @event("SessionCancelled")
    def _session_cancelled(self, session_id: UUID, by: UUID, notice_hours: float, late: bool) -> None:
        self._update_session(session_id, state="cancelled", late=late)

    @event("SessionHeld")
    def _session_held(self, session_id: UUID, minutes: int, goals_touched: list[int],
                      learned: dict[str, list[str]], held_at: datetime, absent: list[str] | None = None) -> None:
        # `absent` came later: events stored before it hold none (everyone attended).
        self._update_session(session_id, state="held", minutes=minutes, goals_touched=goals_touched,
                             learned=learned, held_at=held_at, absent=absent or [])

    @event("SessionMissed")
    def _session_missed(self, session_id: UUID, missed_by: list[str]) -> None:
        self._update_session(session_id, state="missed", missed_by=missed_by)

    @event("PrivateNoteAdded")
    def _private_note_added(self, session_id: UUID, author: UUID,
                            note_ciphertext: Annotated[str, Private(owner="author")]) -> None:
        self.private_notes = [*self.private_notes, {"session_id": str(session_id), "author": str(author),
                                                    "note_ciphertext": note_ciphertext}]

    @event("SessionReminderDue")
    def _session_reminder_due(self, session_id: UUID) -> None:
        self._update_session(session_id, reminded=True)

    def _update_session(self, session_id: UUID, **changes: Any) -> None:
        # A new dict each time, so a state rebuilt from the same events never shares one.
        self.sessions = {**self.sessions, str(session_id): {**self.sessions[str(session_id)], **changes}}


def _check_minutes(minutes: int) -> None:
    if not 1 <= minutes <= MAX_SESSION_MINUTES:
        raise RuleViolated("session-length-out-of-range", f"a session lasts 1 to {MAX_SESSION_MINUTES} minutes")


def _is_label(label: Any) -> bool:
    return isinstance(label, str) and 0 < len(label.strip()) <= MAX_LABEL_LENGTH
