"""Relationships by where they stand at the moment read: forming (not yet active),
active, paused, stalled (sessions reported it stalled and nothing was held or resumed
since) or closed, by outcome. By month: the month each relationship started."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from shared.contracts import sessions
from services.insights.health.facts import Fact
from services.insights.health.figures import Figures, Split, counts, month_of, split_by_month
from services.insights.health.scope import Scope

STATES = ("forming", "active", "paused", "stalled", "closed")


@dataclass
class Life:
    program: str
    started_at: datetime | None = None
    activated_at: datetime | None = None
    pauses: list[tuple[datetime, bool]] = field(default_factory=list)  # (when, paused?)
    stalls: list[datetime] = field(default_factory=list)
    held: list[datetime] = field(default_factory=list)
    closed_at: datetime | None = None
    outcome: str | None = None

    def state(self, scope: Scope) -> str:
        if scope.seen(self.closed_at):
            return "closed"
        if not scope.seen(self.activated_at):
            return "forming"
        pauses = sorted(p for p in self.pauses if scope.seen(p[0]))
        if pauses and pauses[-1][1]:
            return "paused"
        stall = max((s for s in self.stalls if scope.seen(s)), default=None)
        # A held session or a resumption starts a new quiet spell, as sessions' timer sees it.
        restarts = [m for m in (*self.held, *(p[0] for p in pauses)) if scope.seen(m)]
        return "stalled" if stall is not None and all(m < stall for m in restarts) else "active"


class Relationships:
    name = "relationships"
    gauge_labels: ClassVar[dict[str, str]] = {"closed_by_outcome": "outcome"}

    def __init__(self) -> None:
        self.lives: dict[str, Life] = {}

    def apply(self, fact: Fact) -> None:
        data = fact.data
        if not isinstance(data, sessions.SessionsEvent):
            return
        life = self.lives.setdefault(str(data.relationship_id), Life(str(data.program_id)))
        if isinstance(data, sessions.RelationshipStarted):
            life.started_at = fact.time
        elif isinstance(data, sessions.RelationshipActivated):
            life.activated_at = life.activated_at or fact.time
        elif isinstance(data, sessions.RelationshipPaused | sessions.RelationshipResumed):
            life.pauses.append((fact.time, isinstance(data, sessions.RelationshipPaused)))
        elif isinstance(data, sessions.RelationshipStalled):
            life.stalls.append(fact.time)
        elif isinstance(data, sessions.SessionHeld):
            life.held.append(fact.time)
        elif isinstance(data, sessions.RelationshipClosed) and life.closed_at is None:
            life.closed_at, life.outcome = fact.time, data.outcome

    def read(self, scope: Scope) -> Split:
        lives = [
            life
            for rid, life in self.lives.items()
            if scope.seen(life.started_at) and scope.has_relationship(rid, life.program)
        ]

        def summarise(group: list[Life]) -> Figures:
            states = [life.state(scope) for life in group]
            return {
                "started": len(group),
                **{s: 0 for s in STATES},
                **counts(states),
                "closed_by_outcome": {
                    "completed": 0,
                    "ended_early": 0,
                    "no_fit": 0,
                    **counts(life.outcome for life in group
                             if life.state(scope) == "closed" and life.outcome is not None),
                },
            }

        return split_by_month(lives, lambda life: month_of(life.started_at), summarise)
