"""The close, and what comes after it: completed, ended early, or ended for no fit
(optionally asking for a new match); then reflections and paying it forward."""

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated
from uuid import UUID

from eventsourcing.domain import event

from shared.errors import RuleViolated
from shared.privacy import Private
from services.sessions.domain import timers
from services.sessions.domain.activation import RelationshipActivation

CLOSING_OUTCOMES = ("completed", "ended_early")  # "no_fit" only through end_for_no_fit
A_PARTY_LEFT = "a participant left the program"
GOAL_OUTCOMES = ("met", "partly", "not_met")


class RelationshipClosing(RelationshipActivation):

    def close(self, by: UUID, outcome: str, reason: str, at: datetime) -> None:
        self._party(by)
        self._refuse_if_closed()
        if outcome not in CLOSING_OUTCOMES:
            raise RuleViolated("unknown-outcome", "close as completed or ended_early")
        if outcome == "completed" and self.activated_at is None:
            raise RuleViolated("relationship-never-active",
                               "a relationship that never started ends early; it cannot be completed")
        self._closed(by=by, outcome=outcome, reason=reason, closed_at=at)

    def end_for_no_fit(self, by: UUID, rematch: bool, at: datetime) -> None:
        self._party(by)
        self._refuse_if_closed()
        if "not_a_good_fit" not in self.fit_reports.values():
            raise RuleViolated("fit-not-reported", "end for no fit after someone reported 'not a good fit'")
        self._closed(by=by, outcome="no_fit", reason="not a good fit", closed_at=at)
        if rematch:
            self._rematch_requested(by=by)

    def complete_at_end(self, at: datetime) -> None:
        """Timer: completes a running relationship once its end date and the grace period passed."""
        if self.status not in timers.RUNNING:
            raise RuleViolated("relationship-not-running", f"the relationship is {self.status}")
        if not timers.is_completion_due(self, at):
            raise RuleViolated("not-yet-at-end", f"the relationship runs until {self.end_date.isoformat()}")
        self._closed(by=None, outcome="completed", reason="end date reached", closed_at=at)

    def close_as_a_party_left(self, participant_id: UUID, at: datetime) -> None:
        """A party withdrew or was erased: nothing more can happen here, and no timer may
        fire for them again. Said once; a relationship already closed stays as it closed.
        A group goes on without a mentee while another mentee remains (group_members.py)."""
        self._party(participant_id)
        if self.status == "closed":
            return
        if self.goes_on_without(participant_id):
            self.leave_group(participant_id, A_PARTY_LEFT, at)
            return
        self._closed(by=None, outcome="ended_early", reason=A_PARTY_LEFT, closed_at=at)

    def record_reflection(self, by: UUID, reflection_ciphertext: str, goal_outcomes: Mapping[str, str],
                          at: datetime) -> None:
        """The reflection arrives sealed; goal outcomes (by goal position) are public facts.
        A second reflection replaces the first."""
        self._party(by)
        if self.status != "closed":
            raise RuleViolated("relationship-not-closed", "reflections are written after the close")
        known_goals = {str(position) for position in range(len(self.goals))}
        if not set(goal_outcomes) <= known_goals:
            raise RuleViolated("unknown-goal", "goal outcomes name goals by their position")
        if not set(goal_outcomes.values()) <= set(GOAL_OUTCOMES):
            raise RuleViolated("unknown-goal-outcome", f"each goal is {', '.join(GOAL_OUTCOMES)}")
        self._reflection_recorded(by=by, reflection_ciphertext=reflection_ciphertext,
                                  goal_outcomes=dict(goal_outcomes))

    def offer_to_pay_it_forward(self, by: UUID, at: datetime) -> None:
        role = self._party(by)
        if role not in ("mentee", "both"):
            raise RuleViolated("only-mentees-pay-forward", "paying it forward is a mentee's offer to mentor")
        if self.outcome != "completed":
            raise RuleViolated("relationship-not-completed", "offer to pay it forward after completing")
        if str(by) in self.paid_forward:
            raise RuleViolated("already-offered", "you already offered to pay it forward")
        self._pay_it_forward_offered(participant_id=by)

    # --- events ------------------------------------------------------------------------

    @event("RelationshipClosed")
    def _closed(self, by: UUID | None, outcome: str, reason: str, closed_at: datetime) -> None:
        self.status = "closed"
        self.outcome = outcome
        self.closed_at = closed_at

    @event("RematchRequested")
    def _rematch_requested(self, by: UUID) -> None:
        self.rematch_requested_by = by

    @event("ReflectionRecorded")
    def _reflection_recorded(self, by: UUID, reflection_ciphertext: Annotated[str, Private(owner="by")],
                             goal_outcomes: dict[str, str]) -> None:
        self.reflections = {**self.reflections, str(by): {"ciphertext": reflection_ciphertext,
                                                          "goal_outcomes": goal_outcomes}}

    @event("PayItForwardOffered")
    def _pay_it_forward_offered(self, participant_id: UUID) -> None:
        self.paid_forward = [*self.paid_forward, str(participant_id)]
