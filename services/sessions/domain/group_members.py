"""A group (one mentor, several mentees) goes on when one of its mentees leaves, as long as
another mentee remains. The one who left is no longer a party: what needs "everyone" (the
agreement's signatures, the ground rules) is then asked of the people still in it, so a
version all the others signed takes effect and the group may start.

Reads the agreement's state and records its `AgreementInEffect` (agreement.py); Relationship
combines both parts.
"""

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import event

from services.sessions.domain.activation import RelationshipActivation
from shared.errors import RuleViolated


class RelationshipGroupMembers(RelationshipActivation):

    def goes_on_without(self, person: UUID) -> bool:
        """A group outlives a mentee who leaves while another mentee remains; nothing else does."""
        return self.format == "group" and self.role_of(person) == "mentee" and len(self.mentee_ids) > 1

    @property
    def left_the_group(self) -> list[str]:
        return list(getattr(self, "_left_the_group", []))

    def leave_group(self, person: UUID, reason: str, at: datetime) -> None:
        self._party(person)
        self._refuse_if_closed()
        if not self.goes_on_without(person):
            raise RuleViolated("cannot-leave-group",
                               "only a group's mentee leaves it while another mentee remains; otherwise it closes")
        self._mentee_left_group(participant_id=person, reason=reason)
        self._settle_without_the_leaver(at)

    def _settle_without_the_leaver(self, at: datetime) -> None:
        latest = len(self.agreements)
        if latest and self.agreement_in_force != latest and \
                set(self.agreements[latest - 1]["signed_by"]) >= self.everyone():
            self._agreement_in_effect(version=latest)
        self._activate_if_ready(at)

    @event("MenteeLeftGroup")
    def _mentee_left_group(self, participant_id: UUID, reason: str) -> None:
        self.parties = [p for p in self.parties if UUID(str(p["participant_id"])) != participant_id]
        self._left_the_group = [*self.left_the_group, str(participant_id)]
