"""Check-ins (how is it going, 1 to 5) and the pairing-fit question after the first
session, whose "not a good fit" opens the way to ending and being matched again."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from eventsourcing.domain import event

from shared.errors import RuleViolated
from shared.privacy import Private
from services.sessions.domain.activation import RelationshipActivation

FIT_ANSWERS = ("good_fit", "still_deciding", "not_a_good_fit")


class RelationshipCheckIns(RelationshipActivation):
    # Reads `held_count` (sessions); Relationship combines both parts.

    def record_check_in(self, by: UUID, fit: int, progress: int, comment_ciphertext: str | None,
                        at: datetime) -> None:
        """The comment arrives sealed with its author's key; only the ratings are public."""
        self._party(by)
        self._refuse_if_closed()
        if not (1 <= fit <= 5 and 1 <= progress <= 5):
            raise RuleViolated("rating-out-of-range", "rate fit and progress from 1 to 5")
        self._check_in_recorded(by=by, fit=fit, progress=progress, comment_ciphertext=comment_ciphertext)

    def report_pairing_fit(self, by: UUID, answer: str, at: datetime) -> None:
        """Each person answers for themself; a later answer replaces their earlier one."""
        self._party(by)
        self._refuse_if_closed()
        if answer not in FIT_ANSWERS:
            raise RuleViolated("unknown-fit-answer", f"answer one of {', '.join(FIT_ANSWERS)}")
        if self.held_count == 0:
            raise RuleViolated("too-early-for-fit", "the pairing-fit question comes after the first session")
        self._pairing_fit_reported(by=by, answer=answer)

    @event("CheckInRecorded")
    def _check_in_recorded(self, by: UUID, fit: int, progress: int,
                           comment_ciphertext: Annotated[str | None, Private(owner="by")]) -> None:
        self.check_ins = [*self.check_ins, {"by": str(by), "fit": fit, "progress": progress,
                                            "comment_ciphertext": comment_ciphertext}]

    @event("PairingFitReported")
    def _pairing_fit_reported(self, by: UUID, answer: str) -> None:
        self.fit_reports = {**self.fit_reports, str(by): answer}
