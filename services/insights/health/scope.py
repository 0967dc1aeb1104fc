"""What one reading covers: a program or an organization, and the moment it is read at.

Request figures belong to the requesting organization; relationship figures (sessions,
check-ins, pairs) to every organization with a party in it; people to their own."""

from dataclasses import dataclass
from datetime import datetime
from typing import TypeGuard

from services.insights.health.directory import Directory


@dataclass(frozen=True)
class Scope:
    directory: Directory
    as_of: datetime
    program: str | None = None
    organization: str | None = None

    def seen(self, moment: datetime | None) -> TypeGuard[datetime]:
        """Happened at or before the reading's moment (and happened at all)."""
        return moment is not None and moment <= self.as_of

    def _in_program(self, program: str | None) -> bool:
        return self.program is None or program == self.program

    def has_participant(self, participant_id: str, program: str | None) -> bool:
        return self._in_program(program) and (
            self.organization is None
            or self.directory.participants.get(participant_id) == self.organization
        )

    def has_request(self, request_id: str, program: str | None) -> bool:
        return self._in_program(program) and (
            self.organization is None
            or self.directory.request_organization(request_id) == self.organization
        )

    def has_relationship(self, relationship_id: str, program: str | None) -> bool:
        return self._in_program(program) and (
            self.organization is None
            or self.organization in self.directory.relationship_organizations(relationship_id)
        )
