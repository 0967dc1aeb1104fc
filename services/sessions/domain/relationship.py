"""One mentoring relationship, from mutual agreement to close.

It becomes active only when an agreement version is signed by every party and
every party acknowledged the ground rules. Every command names who acts (`by`) and
when (`at`); a third party is refused, and so is any arrow the lifecycle forbids.
"""

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from shared.errors import NotPermitted, RuleViolated
from services.sessions.domain.session_log import SessionLog

GRACE_AFTER_END = timedelta(days=7)
FIT_ANSWERS = ("good_fit", "still_deciding", "not_a_good_fit")


class Relationship(SessionLog, Aggregate):
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
        self.sessions: dict[str, dict[str, Any]] = {}
        self.check_ins: list[dict[str, Any]] = []
        self.fit_reports: dict[str, str] = {}
        self.private_notes: list[dict[str, Any]] = []
        self.stalled_at: datetime | None = None
        self.outcome: str | None = None
        self.closed_at: datetime | None = None
        self.reflections: dict[str, dict[str, Any]] = {}
        self.paid_forward: list[str] = []

    # --- who is who --------------------------------------------------------

    @property
    def party_ids(self) -> list[UUID]:
        return [UUID(str(party["participant_id"])) for party in self.parties]

    def role_of(self, person: UUID) -> str | None:
        return next((p["role"] for p in self.parties if UUID(str(p["participant_id"])) == person), None)

    def _party(self, by: UUID) -> str:
        role = self.role_of(by)
        if role is None:
            raise NotPermitted("not-a-party", "only the people in this relationship can do this")
        return role

    def _refuse_if_closed(self) -> None:
        if self.status == "closed":
            raise RuleViolated("relationship-closed", "the relationship is closed")

    # --- agreement -----------------------------------------------------------

    @property
    def end_date(self) -> date:
        if self.agreement_in_force is not None:
            end = self.agreements[self.agreement_in_force - 1]["terms"].get("end_date")
            if end:
                return date.fromisoformat(end)
        return (self.started_at + timedelta(weeks=self.length_weeks)).date()

    def propose_agreement(self, by: UUID, terms: dict[str, Any], at: datetime) -> int:
        self._party(by)
        self._refuse_if_closed()
        self._agreement_proposed(version=len(self.agreements) + 1, terms=terms, proposed_by=by)
        return len(self.agreements)

    def sign_agreement(self, by: UUID, version: int, at: datetime) -> None:
        self._party(by)
        self._refuse_if_closed()
        if version != len(self.agreements) or version == 0:
            raise RuleViolated("agreement-version-outdated",
                               f"version {version} is not the latest proposal (latest is {len(self.agreements)})")
        if str(by) in self.agreements[version - 1]["signed_by"]:
            raise RuleViolated("already-signed", f"you already signed version {version}")
        self._agreement_signed(version=version, signed_by=by)
        if set(self.agreements[version - 1]["signed_by"]) == {str(p) for p in self.party_ids}:
            self._agreement_in_effect(version=version)
            self._activate_if_ready(at)

    # --- ground rules ----------------------------------------------------------

    def add_ground_rule(self, by: UUID, text_rule: str, at: datetime) -> None:
        self._party(by)
        if self.status != "forming":
            raise RuleViolated("ground-rules-settled", "ground rules are added before the relationship starts")
        self._ground_rule_added(rule=text_rule, added_by=by)

    def acknowledge_ground_rules(self, by: UUID, at: datetime) -> None:
        self._party(by)
        self._refuse_if_closed()
        if str(by) in self.acknowledged_by:
            raise RuleViolated("already-acknowledged", "you already acknowledged the ground rules")
        self._ground_rules_acknowledged(acknowledged_by=by)
        self._activate_if_ready(at)

    def missing_for_activation(self) -> list[str]:
        missing = []
        if self.agreement_in_force is None:
            missing.append("an agreement signed by both")
        unacknowledged = [str(p) for p in self.party_ids if str(p) not in self.acknowledged_by]
        if unacknowledged:
            missing.append("ground rules acknowledged by " + ", ".join(unacknowledged))
        return missing

    def _activate_if_ready(self, at: datetime) -> None:
        if self.status == "forming" and not self.missing_for_activation():
            self._activated(activated_at=at)

    # --- pause, close, pay it forward ------------------------------------------

    def pause(self, by: UUID, reason: str, at: datetime) -> None:
        self._party(by)
        if self.status != "active":
            raise RuleViolated("relationship-not-active", f"only an active relationship can pause; it is {self.status}")
        self._paused(by=by, reason=reason)

    def resume(self, by: UUID, at: datetime) -> None:
        self._party(by)
        if self.status != "paused":
            raise RuleViolated("relationship-not-paused", "the relationship is not paused")
        self._resumed(by=by)

    def close(self, by: UUID, outcome: str, reason: str, at: datetime) -> None:
        self._party(by)
        self._refuse_if_closed()
        if outcome not in ("completed", "ended_early"):
            raise RuleViolated("unknown-outcome", "close as completed or ended_early")
        self._closed(by=by, outcome=outcome, reason=reason, closed_at=at)

    def report_pairing_fit(self, by: UUID, answer: str, at: datetime) -> None:
        self._party(by)
        self._refuse_if_closed()
        if answer not in FIT_ANSWERS:
            raise RuleViolated("unknown-fit-answer", f"answer one of {', '.join(FIT_ANSWERS)}")
        if self.held_count == 0:
            raise RuleViolated("too-early-for-fit", "the pairing-fit question comes after the first session")
        self._pairing_fit_reported(by=by, answer=answer)

    def end_for_no_fit(self, by: UUID, rematch: bool, at: datetime) -> None:
        self._party(by)
        self._refuse_if_closed()
        if "not_a_good_fit" not in self.fit_reports.values():
            raise RuleViolated("fit-not-reported", "end for no fit after someone reported 'not a good fit'")
        self._closed(by=by, outcome="no_fit", reason="not a good fit", closed_at=at)
        if rematch:
            self._rematch_requested(by=by)

    def next_timer_due(self) -> datetime | None:
        """When a timer could next fire, so ticks only load the relationships that are due."""
        if self.status not in ("active", "paused"):
            return None
        end = datetime.combine(self.end_date, datetime.min.time(), tzinfo=self.started_at.tzinfo) + GRACE_AFTER_END
        moments = [end, *self.reminder_moments()]
        stall = self.next_stall_moment()
        if stall is not None:
            moments.append(stall)
        return min(moments)

    def complete_at_end(self, at: datetime) -> None:
        if self.status not in ("active", "paused"):
            raise RuleViolated("relationship-not-running", f"the relationship is {self.status}")
        due = datetime.combine(self.end_date, datetime.min.time(), tzinfo=at.tzinfo) + GRACE_AFTER_END
        if at < due:
            raise RuleViolated("not-yet-at-end", f"the relationship runs until {self.end_date.isoformat()}")
        self._closed(by=None, outcome="completed", reason="end date reached", closed_at=at)

    def record_reflection(self, by: UUID, reflection_ciphertext: str, goal_outcomes: dict[str, str],
                          at: datetime) -> None:
        self._party(by)
        if self.status != "closed":
            raise RuleViolated("relationship-not-closed", "reflections are written after the close")
        self._reflection_recorded(by=by, reflection_ciphertext=reflection_ciphertext, goal_outcomes=goal_outcomes)

    def offer_to_pay_it_forward(self, by: UUID, at: datetime) -> None:
        role = self._party(by)
        if role not in ("mentee", "both"):
            raise RuleViolated("only-mentees-pay-forward", "paying it forward is a mentee's offer to mentor")
        if self.outcome != "completed":
            raise RuleViolated("relationship-not-completed", "offer to pay it forward after completing")
        if str(by) in self.paid_forward:
            raise RuleViolated("already-offered", "you already offered to pay it forward")
        self._pay_it_forward_offered(participant_id=by)

    # --- events ---------------------------------------------------------------

    @event("AgreementProposed")
    def _agreement_proposed(self, version: int, terms: dict[str, Any], proposed_by: UUID) -> None:
        self.agreements = [*self.agreements, {"version": version, "terms": terms,
                                              "proposed_by": str(proposed_by), "signed_by": []}]

    @event("AgreementSigned")
    def _agreement_signed(self, version: int, signed_by: UUID) -> None:
        agreement = self.agreements[version - 1]
        agreement["signed_by"] = [*agreement["signed_by"], str(signed_by)]

    @event("AgreementInEffect")
    def _agreement_in_effect(self, version: int) -> None:
        self.agreement_in_force = version

    @event("GroundRuleAdded")
    def _ground_rule_added(self, rule: str, added_by: UUID) -> None:
        self.added_rules = [*self.added_rules, rule]
        self.acknowledged_by = []  # a changed set of rules needs everyone's word again

    @event("GroundRulesAcknowledged")
    def _ground_rules_acknowledged(self, acknowledged_by: UUID) -> None:
        self.acknowledged_by = [*self.acknowledged_by, str(acknowledged_by)]

    @event("RelationshipActivated")
    def _activated(self, activated_at: datetime) -> None:
        self.status = "active"
        self.activated_at = activated_at

    @event("RelationshipPaused")
    def _paused(self, by: UUID, reason: str) -> None:
        self.status = "paused"

    @event("RelationshipResumed")
    def _resumed(self, by: UUID) -> None:
        self.status = "active"

    @event("RelationshipClosed")
    def _closed(self, by: UUID | None, outcome: str, reason: str, closed_at: datetime) -> None:
        self.status = "closed"
        self.outcome = outcome
        self.closed_at = closed_at

    @event("PairingFitReported")
    def _pairing_fit_reported(self, by: UUID, answer: str) -> None:
        self.fit_reports = {**self.fit_reports, str(by): answer}

    @event("RematchRequested")
    def _rematch_requested(self, by: UUID) -> None:
        self.rematch_requested_by = by

    @event("ReflectionRecorded")
    def _reflection_recorded(self, by: UUID, reflection_ciphertext: str, goal_outcomes: dict[str, str]) -> None:
        self.reflections = {**self.reflections, str(by): {"ciphertext": reflection_ciphertext,
                                                          "goal_outcomes": goal_outcomes}}

    @event("PayItForwardOffered")
    def _pay_it_forward_offered(self, participant_id: UUID) -> None:
        self.paid_forward = [*self.paid_forward, str(participant_id)]
