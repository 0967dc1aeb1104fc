"""Pay it forward: mentees who, after completing, offered to mentor, and how many became
mentors (intake confirmed the offer: their roles became `both`). The conversion rate is
became_mentors / offers. By month: the month of the offer."""

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from shared.contracts import intake, sessions
from services.insights.health.facts import Fact
from services.insights.health.figures import Figures, Split, month_of, rate, split_by_month
from services.insights.health.scope import Scope

MENTOR_ROLES = ("mentor", "both")


@dataclass
class Offer:
    program: str
    offered_at: datetime | None = None
    pending_at: datetime | None = None
    became_mentor_at: datetime | None = None


class PayItForward:
    name = "pay_it_forward"
    gauge_labels: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        self.offers: dict[str, Offer] = {}

    def apply(self, fact: Fact) -> None:
        data = fact.data
        if isinstance(data, sessions.PayItForwardOffered):
            offer = self.offers.setdefault(str(data.participant_id), Offer(str(data.program_id)))
            offer.offered_at = offer.offered_at or fact.time
        elif isinstance(data, intake.MentorEnrolmentPending):
            offer = self.offers.setdefault(str(data.participant_id), Offer(str(data.program_id)))
            offer.pending_at = offer.pending_at or fact.time
        elif (
            isinstance(data, intake.ParticipantProfileUpdated)
            and data.profile.roles in MENTOR_ROLES
        ):
            # Intake keeps one person's events in order: the update after the pending offer is
            # its confirmation (nobody else turns a mentee with a pending offer into a mentor).
            pending = self.offers.get(str(data.participant_id))
            if (
                pending is not None
                and pending.pending_at is not None
                and pending.became_mentor_at is None
            ):
                pending.became_mentor_at = fact.time

    def read(self, scope: Scope) -> Split:
        offers = [
            o
            for pid, o in self.offers.items()
            if scope.seen(o.offered_at or o.pending_at) and scope.has_participant(pid, o.program)
        ]

        def summarise(group: list[Offer]) -> Figures:
            became = sum(1 for o in group if scope.seen(o.became_mentor_at))
            return {
                "offers": len(group),
                "awaiting_confirmation": sum(
                    1
                    for o in group
                    if scope.seen(o.pending_at) and not scope.seen(o.became_mentor_at)
                ),
                "became_mentors": became,
                "conversion_rate": rate(became, len(group)),
            }

        return split_by_month(offers, lambda o: month_of(o.offered_at or o.pending_at), summarise)
