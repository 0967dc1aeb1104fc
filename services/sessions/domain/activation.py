"""When a relationship may start, and the status guards every other part relies on.

It becomes active only once an agreement version is in effect AND every party
acknowledged the ground rules, whichever of the two comes last.
"""

from datetime import datetime

from eventsourcing.domain import Aggregate, event

from shared.errors import RuleViolated
from services.sessions.domain.parties import Parties


class RelationshipActivation(Parties, Aggregate):
    # No class-level annotations: the library would read them as constructor fields.

    def missing_for_activation(self) -> list[str]:
        missing = []
        if self.agreement_in_force is None:
            missing.append("an agreement signed by " + ("both" if len(self.parties) == 2 else "everyone"))
        unacknowledged = [str(p) for p in self.party_ids if str(p) not in self.acknowledged_by]
        if unacknowledged:
            missing.append("ground rules acknowledged by " + ", ".join(unacknowledged))
        return missing

    def _activate_if_ready(self, at: datetime) -> None:
        if self.status == "forming" and not self.missing_for_activation():
            self._activated(activated_at=at)

    def _refuse_if_closed(self) -> None:
        if self.status == "closed":
            raise RuleViolated("relationship-closed", "the relationship is closed")

    def _require_active(self) -> None:
        if self.status == "forming":
            raise RuleViolated("relationship-not-active",
                               "sessions start once there is " + " and ".join(self.missing_for_activation()))
        if self.status != "active":
            raise RuleViolated("relationship-not-active", f"the relationship is {self.status}")

    @event("RelationshipActivated")
    def _activated(self, activated_at: datetime) -> None:
        self.status = "active"
        self.activated_at = activated_at
