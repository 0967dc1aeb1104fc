"""A proposed pair, or a group with its mentor. Nothing starts until everyone accepts:
mutual agreement. The two sides answer as "mentee" and "mentor"; a group's other mentees
answer by their own id (they are on the mentee side, each for themself)."""

from datetime import datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from shared.errors import RuleViolated
from shared.privacy import Private

SIDES = ("mentee", "mentor")
OPEN = ("proposed", "accepted_by_mentee", "accepted_by_mentor")
ENDED_UNCONFIRMED = ("declined", "expired", "cancelled")  # final; a cancelled one may have been confirmed
REMINDER_BEFORE_EXPIRY = 0.25  # of the acceptance window
# What anyone who sees a declined proposal reads; the decliner's own words stay sealed for them.
DECLINED_BECAUSE = {
    "not_a_good_fit": "declined: not a good fit", "no_time": "declined: no time", "topics": "declined: the topics",
    "schedule": "declined: the schedule", "other": "declined",
}


class MatchProposal(Aggregate):
    @event("MatchProposed")
    def __init__(self, id: UUID, request_id: UUID, program_id: UUID, organization_id: str, mentee_id: UUID,
                 mentor_id: UUID, score: float, explanation: str, provenance: dict[str, Any],
                 proposed_at: datetime, expires_at: datetime, attempt: int, origin: str,
                 terms: dict[str, Any]) -> None:
        self.request_id = request_id
        self.program_id = program_id
        self.organization_id = organization_id
        self.mentee_id = mentee_id
        self.mentor_id = mentor_id
        self.score = score
        self.explanation = explanation
        self.provenance = provenance
        self.proposed_at = proposed_at
        self.expires_at = expires_at
        self.attempt = attempt
        self.origin = origin
        # What the relationship starts from when confirmed (format, goals, cadence...).
        self.terms = terms
        self.accepted_by: list[str] = []
        self.status = "proposed"
        self.reminded = False
        self.ended_reason: str | None = None
        self.decliner_id: UUID | None = None
        self.decline_words_ciphertext: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def co_mentee_ids(self) -> list[UUID]:
        """A group's other mentees (none for other formats)."""
        return [UUID(str(person)) for person in self.terms.get("co_mentee_ids") or []]

    @property
    def people(self) -> list[UUID]:
        return [self.mentee_id, self.mentor_id, *self.co_mentee_ids]

    @property
    def answers_needed(self) -> list[str]:
        """Who must accept before anything starts: both sides, and each of a group's other mentees."""
        return [*SIDES, *(str(person) for person in self.co_mentee_ids)]

    @property
    def awaiting(self) -> list[str]:
        return [answer for answer in self.answers_needed if answer not in self.accepted_by]

    @property
    def awaits_only(self) -> str | None:
        missing = self.awaiting
        return missing[0] if len(missing) == 1 else None

    def side_and_person(self, answer: str) -> tuple[str, UUID]:
        """The side an answer is on, and whose it is."""
        if answer in SIDES:
            return answer, self.mentee_id if answer == "mentee" else self.mentor_id
        return "mentee", UUID(answer)

    @property
    def is_co_mentoring(self) -> bool:
        """A reciprocal pair the request named: each of the two mentors the other."""
        return self.terms.get("format") == "reciprocal" and str(self.terms.get("co_mentee_id")) == str(self.mentor_id)

    @property
    def seat_roles(self) -> list[tuple[UUID, str]]:
        """Whose seat, in which role, a confirmation takes and a closed relationship gives back."""
        if self.is_co_mentoring:
            return [(person, role) for person in (self.mentee_id, self.mentor_id) for role in SIDES]
        # A group takes ONE seat of the mentor's capacity, and one of each mentee's own.
        return [(self.mentor_id, "mentor"), (self.mentee_id, "mentee"),
                *((person, "mentee") for person in self.co_mentee_ids)]

    def side_of(self, participant_id: UUID) -> str | None:
        """How this person answers: "mentee", "mentor", or a group member's own id."""
        if participant_id == self.mentee_id:
            return "mentee"
        if participant_id == self.mentor_id:
            return "mentor"
        return str(participant_id) if participant_id in self.co_mentee_ids else None

    def accept(self, by: str, at: datetime, answered_by: str | None = None) -> None:
        """`answered_by`: the partner or operator who answered for `by`, kept on record."""
        self._refuse_unless_open(at)
        self._refuse_unless_answering(by)
        if by in self.accepted_by:
            raise RuleViolated("already-accepted", f"the {by} has already accepted")
        self._accepted(by=by, answered_by=answered_by)

    def confirm(self) -> None:
        """Both accepted: the caller has reserved a seat for the mentor in the same save."""
        if self.status != "proposed" or set(self.accepted_by) != set(self.answers_needed):
            raise RuleViolated("not-mutually-accepted", "a match is confirmed only when everyone accepted")
        self._confirmed()

    def decline(self, by: str, words_ciphertext: str, at: datetime, reason_code: str = "other",
                answered_by: str | None = None) -> None:
        """`words_ciphertext`: the decliner's words, sealed with their own key (decliner_of)."""
        self._refuse_unless_open(at)
        self._refuse_unless_answering(by)
        self._declined(by=by, reason=None, reason_code=reason_code, answered_by=answered_by,
                       decliner_id=self.decliner_of(by), reason_ciphertext=words_ciphertext)

    def decliner_of(self, by: str) -> UUID:
        """Whose words a decline by `by` records: the person on that side."""
        return self.side_and_person(by)[1]

    def expire(self, at: datetime) -> None:
        if not self.is_open:
            raise RuleViolated("proposal-not-open", f"the proposal is {self.status}")
        if at < self.expires_at:
            raise RuleViolated("not-yet-expired", f"the proposal is open until {self.expires_at.isoformat()}")
        self._expired()

    def remind(self, at: datetime) -> None:
        if not self.is_open or self.reminded:
            raise RuleViolated("no-reminder-due", "no reminder is due for this proposal")
        window = self.expires_at - self.proposed_at
        if at < self.expires_at - timedelta(seconds=window.total_seconds() * REMINDER_BEFORE_EXPIRY):
            raise RuleViolated("no-reminder-due", "it is too early to remind")
        self._reminded()

    def cancel(self, reason: str) -> None:
        if not self.is_open:
            raise RuleViolated("proposal-not-open", f"the proposal is {self.status}")
        self._cancelled(reason=reason)

    def cancel_confirmed(self, reason: str) -> None:
        """The compensation: intake owns whether a request is over, and it was withdrawn
        while this match was being confirmed. The caller frees the seats in the same save."""
        if self.status != "confirmed":
            raise RuleViolated("proposal-not-confirmed", f"the proposal is {self.status}, not confirmed")
        self._cancelled(reason=reason, after_confirmation=True)

    def _refuse_unless_open(self, at: datetime) -> None:
        if not self.is_open:
            raise RuleViolated("proposal-not-open", f"the proposal is {self.status}")
        if at >= self.expires_at:
            raise RuleViolated("proposal-expired", "the acceptance window has passed")

    def _refuse_unless_answering(self, by: str) -> None:
        if by not in self.answers_needed:
            raise RuleViolated("not-in-the-proposal", f"{by} does not answer this proposal")

    class MatchAccepted(Aggregate.Event):
        # Version 2 records who answered for the person, when someone did.
        class_version = 2
        by: str
        answered_by: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["answered_by"] = None  # not recorded then

    @event(MatchAccepted)
    def _accepted(self, by: str, answered_by: str | None) -> None:
        self.accepted_by = [*self.accepted_by, by]

    @event("MatchConfirmed")
    def _confirmed(self) -> None:
        self.status = "confirmed"

    class MatchDeclined(Aggregate.Event):
        # Version 2 records a reason code, the public fact, and who answered for the person,
        # when someone did. Version 3 seals the decliner's words with their own key, so that
        # erasing them erases the words: `reason` holds the words of earlier declines only.
        class_version = 3
        by: str
        reason: str | None
        reason_code: str
        answered_by: str | None
        decliner_id: UUID | None
        reason_ciphertext: Annotated[str | None, Private(owner="decliner_id")]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["reason_code"] = "other"  # declined before codes existed
            state["answered_by"] = None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["decliner_id"] = None
            state["reason_ciphertext"] = None

    @event(MatchDeclined)
    def _declined(self, by: str, reason: str | None, reason_code: str, answered_by: str | None,
                  decliner_id: UUID | None, reason_ciphertext: str | None) -> None:
        self.status = "declined"
        self.declined_by = by
        # Words recorded before version 3 were in plain text; no reader is shown them again.
        self.ended_reason = DECLINED_BECAUSE.get(reason_code, "declined")
        self.decliner_id = decliner_id
        self.decline_words_ciphertext = reason_ciphertext

    @event("MatchExpired")
    def _expired(self) -> None:
        self.status = "expired"
        self.ended_reason = "the acceptance window passed"

    @event("MatchExpiryReminderDue")
    def _reminded(self) -> None:
        self.reminded = True

    @event("MatchCancelled")
    def _cancelled(self, reason: str, after_confirmation: bool = False) -> None:
        # after_confirmation: absent from cancellations recorded before compensations existed.
        self.status = "cancelled"
        self.ended_reason = reason
