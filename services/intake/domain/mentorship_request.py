"""A mentee's request for mentoring; its id is the relationship id for life."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from shared.errors import RuleViolated
from shared.privacy import Private
from services.intake.domain.goals import check_goal_count

OPEN_STATUSES = ("pending", "matched")


class MentorshipRequest(Aggregate):
    @event("MentorshipRequested")
    def __init__(
        self, id: UUID, program_id: UUID, organization_id: str, mentee_id: UUID,
        co_mentee_id: UUID | None, format: str, goals: list[dict[str, str]], meeting_modes: list[str],
        preferences: dict[str, list[str]], named_mentor_id: UUID | None,
        message_ciphertext: Annotated[str | None, Private(owner="mentee_id")], requested_at: datetime,
        co_mentee_ids: list[UUID] | None = None,
    ) -> None:
        self.program_id = program_id
        self.organization_id = organization_id
        self.mentee_id = mentee_id
        self.co_mentee_id = co_mentee_id
        self.format = format
        self.goals = goals
        self.meeting_modes = meeting_modes
        self.preferences = preferences
        self.named_mentor_id = named_mentor_id
        self.message_ciphertext = message_ciphertext
        self.requested_at = requested_at
        self.status = "pending"
        # A group's other mentees; None in requests recorded before groups existed.
        self.co_mentee_ids = list(co_mentee_ids or [])

    @classmethod
    def rematch_of(cls, ended: "MentorshipRequest", new_id: UUID, excluded_mentor: UUID,
                   at: datetime, group_members: list[UUID] | None = None) -> "MentorshipRequest":
        """The same goals again after 'not a good fit', never with the same mentor; a group's
        new request names `group_members` (those of the group still in the program)."""
        avoid = sorted({*ended.preferences.get("avoid", []), f"participant:{excluded_mentor}"})
        return cls(id=new_id, program_id=ended.program_id, organization_id=ended.organization_id,
                   mentee_id=ended.mentee_id, co_mentee_id=ended.co_mentee_id, format=ended.format,
                   goals=ended.goals, meeting_modes=ended.meeting_modes,
                   preferences={**ended.preferences, "avoid": avoid}, named_mentor_id=None,
                   message_ciphertext=None, requested_at=at,
                   co_mentee_ids=ended.group_members if group_members is None else group_members)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def group_members(self) -> list[UUID]:
        """A group's other mentees (none for other formats, or requests from before groups)."""
        return list(getattr(self, "co_mentee_ids", None) or [])

    @property
    def people(self) -> list[UUID]:
        return [self.mentee_id] + ([self.co_mentee_id] if self.co_mentee_id else []) + self.group_members

    def update(self, goals: list[dict[str, str]], meeting_modes: list[str], preferences: dict[str, list[str]]) -> None:
        """Edits this request alone; `request_edits.edit_request` also revises the topics its mentee keeps."""
        self.check_can_be_edited(goals)
        self._updated(goals=goals, meeting_modes=meeting_modes, preferences=preferences)

    def withdraw(self) -> None:
        self._refuse_unless_pending("withdrawn")
        self._withdrawn()

    def mark_matched(self, mentor_id: UUID) -> None:
        if self.status == "withdrawn":
            # Confirmed while the mentee withdrew: intake owns "the request is over", so the
            # withdrawal stands and matching cancels its confirmation (docs/adr/0004).
            return
        if self.status != "pending":
            raise RuleViolated("request-not-pending", f"the request is {self.status}")
        self._matched(mentor_id=mentor_id)

    def mark_closed(self) -> None:
        """Matching gave up on the request."""
        if self.status == "closed":
            raise RuleViolated("request-closed", "the request is already closed")
        if self.status == "withdrawn":
            # Matching can give up before it hears of the withdrawal; the mentee's word
            # came first and stands, and refusing would dead-letter a harmless race.
            return
        self._closed()

    def check_can_be_edited(self, goals: list[dict[str, str]]) -> None:
        self._refuse_unless_pending("edited")
        check_goal_count(goals)

    def _refuse_unless_pending(self, verb: str) -> None:
        if self.status != "pending":
            raise RuleViolated("request-not-pending",
                               f"only a pending request can be {verb}; this one is {self.status}")

    @event("MentorshipRequestUpdated")
    def _updated(self, goals: list[dict[str, str]], meeting_modes: list[str], preferences: dict[str, Any]) -> None:
        self.goals = goals
        self.meeting_modes = meeting_modes
        self.preferences = preferences

    @event("MentorshipRequestWithdrawn")
    def _withdrawn(self) -> None:
        self.status = "withdrawn"

    @event("MentorshipRequestMatched")
    def _matched(self, mentor_id: UUID) -> None:
        self.status = "matched"
        self.mentor_id = mentor_id

    @event("MentorshipRequestClosed")
    def _closed(self) -> None:
        self.status = "closed"
