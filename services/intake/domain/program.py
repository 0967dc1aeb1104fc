"""A formal mentoring program, run by an operator for partner organizations."""

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from shared.errors import RuleViolated

STATUSES = ("open", "paused", "closed")


class Program(Aggregate):
    @event("ProgramOpened")
    def __init__(self, id: UUID, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.status = "open"
        self.policy_version = 1

    @property
    def name(self) -> str:
        return self.settings["name"]

    @property
    def terms(self) -> dict[str, Any]:
        """The settings other services act on (the description is for people only)."""
        return {key: value for key, value in self.settings.items() if key != "description"}

    def allows_format(self, format: str) -> bool:
        return format in self.settings["formats"]

    def includes_organization(self, organization_id: str) -> bool:
        return organization_id in self.settings["organizations"]

    def change_settings(self, settings: dict[str, Any]) -> None:
        self._refuse_if_closed()
        self._settings_changed(settings=settings)

    def pause(self) -> None:
        self._refuse_if_closed()
        if self.status == "paused":
            raise RuleViolated("program-already-paused", "the program is already paused")
        self._status_changed(status="paused")

    def reopen(self) -> None:
        self._refuse_if_closed()
        if self.status == "open":
            raise RuleViolated("program-already-open", "the program is already open")
        self._status_changed(status="open")

    def close(self) -> None:
        self._refuse_if_closed()
        self._status_changed(status="closed")

    def _refuse_if_closed(self) -> None:
        if self.status == "closed":
            raise RuleViolated("program-closed", "the program is closed; closing is final")

    @event("ProgramSettingsChanged")
    def _settings_changed(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.policy_version += 1

    @event("ProgramStatusChanged")
    def _status_changed(self, status: str) -> None:
        self.status = status
