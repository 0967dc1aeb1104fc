"""Ground rules: the program's template plus the pair's own additions, which every
party acknowledges before the relationship starts."""

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import event

from shared.errors import RuleViolated
from services.sessions.domain.activation import RelationshipActivation

DEFAULT_NOTICE_HOURS = 24
MAX_RULE_LENGTH = 500


class RelationshipGroundRules(RelationshipActivation):

    @property
    def notice_hours_required(self) -> float:
        """How much notice a cancellation needs before it counts as late."""
        return self.ground_rules.get("cancellation_notice_hours", DEFAULT_NOTICE_HOURS)

    def add_ground_rule(self, by: UUID, rule: str, at: datetime) -> None:
        self._party(by)
        if self.status != "forming":
            raise RuleViolated("ground-rules-settled", "ground rules are added before the relationship starts")
        if not rule.strip() or len(rule) > MAX_RULE_LENGTH:
            raise RuleViolated("invalid-ground-rule", f"a ground rule is 1 to {MAX_RULE_LENGTH} characters")
        self._ground_rule_added(rule=rule, added_by=by)

    def acknowledge_ground_rules(self, by: UUID, at: datetime) -> None:
        self._party(by)
        self._refuse_if_closed()
        if str(by) in self.acknowledged_by:
            raise RuleViolated("already-acknowledged", "you already acknowledged the ground rules")
        self._ground_rules_acknowledged(acknowledged_by=by)
        self._activate_if_ready(at)

    @event("GroundRuleAdded")
    def _ground_rule_added(self, rule: str, added_by: UUID) -> None:
        self.added_rules = [*self.added_rules, rule]
        self.acknowledged_by = []  # a changed set of rules needs everyone's word again

    @event("GroundRulesAcknowledged")
    def _ground_rules_acknowledged(self, acknowledged_by: UUID) -> None:
        self.acknowledged_by = [*self.acknowledged_by, str(acknowledged_by)]
