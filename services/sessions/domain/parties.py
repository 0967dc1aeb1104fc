"""Who is in a relationship, in which role, and who is matched again after a poor fit.

A plain mixin: it records no events. Relationship.__init__ sets `parties` (and the
other state read here); there are no class-level annotations because the library
would read them as constructor fields. The state every part shares is declared below
for the type checker only, the same way.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from shared.errors import NotPermitted

MENTEE_ROLES = ("mentee", "both")
MENTOR_ROLES = ("mentor", "both")


class Parties:
    if TYPE_CHECKING:  # never run: what Relationship.__init__ sets, and one part reads of another
        program_id: UUID
        organization_id: str
        format: str
        parties: list[dict[str, Any]]
        goals: list[dict[str, str]]
        cadence_days: int
        length_weeks: int
        ground_rules: dict[str, Any]
        started_at: datetime
        status: str
        agreements: list[dict[str, Any]]
        agreement_in_force: int | None
        added_rules: list[str]
        acknowledged_by: list[str]
        activated_at: datetime | None
        resumed_at: datetime | None
        sessions: dict[str, dict[str, Any]]
        check_ins: list[dict[str, Any]]
        fit_reports: dict[str, str]
        private_notes: list[dict[str, Any]]
        stalled_at: datetime | None
        outcome: str | None
        closed_at: datetime | None
        reflections: dict[str, dict[str, Any]]
        paid_forward: list[str]
        rematch_requested_by: UUID | None

        @property
        def end_date(self) -> date: ...  # the agreement's

        @property
        def notice_hours_required(self) -> float: ...  # the ground rules'

        @property
        def held_count(self) -> int: ...  # the sessions'

        def _agreement_in_effect(self, version: int) -> None: ...  # the agreement's

        def goes_on_without(self, person: UUID) -> bool: ...  # a group's members'

        def leave_group(self, person: UUID, reason: str, at: datetime) -> None: ...  # a group's members'

    @property
    def party_ids(self) -> list[UUID]:
        return [UUID(str(party["participant_id"])) for party in self.parties]

    def role_of(self, person: UUID) -> str | None:
        return next((p["role"] for p in self.parties if UUID(str(p["participant_id"])) == person), None)

    @property
    def mentee_ids(self) -> list[UUID]:
        return [person for person in self.party_ids if self.role_of(person) in MENTEE_ROLES]

    @property
    def mentor_ids(self) -> list[UUID]:
        return [person for person in self.party_ids if self.role_of(person) in MENTOR_ROLES]

    def everyone(self) -> set[str]:
        """Every party's id as recorded in signatures and acknowledgements."""
        return {str(person) for person in self.party_ids}

    def _party(self, by: UUID) -> str:
        # Checked before any other rule: a third party learns only that it may not act.
        role = self.role_of(by)
        if role is None:
            raise NotPermitted("not-a-party", "only the people in this relationship can do this")
        return role

    def rematch_pair(self, ended_by: UUID) -> tuple[UUID, UUID]:
        """The mentee to match again and the mentor not to propose to them again.

        The mentee is whoever ended it if they are a mentee, else a mentee who said it
        was not a good fit, else the first mentee: in a group, the one who spoke up.
        """
        said_no_fit = [UUID(p) for p, answer in self.fit_reports.items() if answer == "not_a_good_fit"]
        mentees = self.mentee_ids
        mentee = next(p for p in [ended_by, *said_no_fit, *mentees] if p in mentees)
        mentor = next(p for p in self.mentor_ids if p != mentee)
        return mentee, mentor
