"""MatchProposal: mutual acceptance, the acceptance window, reminders, and closing for good."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from services.matching.domain.proposal import OPEN, REMINDER_BEFORE_EXPIRY, MatchProposal
from shared.errors import RuleViolated
from tests.support.sealed_stand_ins import sealed_stand_in

PROPOSED_AT = datetime(2026, 3, 2, 9, tzinfo=UTC)
WINDOW = timedelta(hours=72)
EXPIRES_AT = PROPOSED_AT + WINDOW
REMINDER_FROM = EXPIRES_AT - WINDOW * REMINDER_BEFORE_EXPIRY  # 18 hours before expiry
DURING = PROPOSED_AT + timedelta(hours=1)
TERMS = {"format": "one_to_one", "goals": [{"topic": "sql", "outcome": "write reports"}], "co_mentee_id": None,
         "cadence_days": 14, "length_weeks": 12, "ground_rules": {}, "mentor_organization_id": "globex"}


def new_proposal(**changes) -> MatchProposal:  # noqa: ANN003
    fields = dict(id=uuid4(), request_id=uuid4(), program_id=uuid4(), organization_id="acme", mentee_id=uuid4(),
                  mentor_id=uuid4(), score=72.5, explanation="both can meet by video", provenance={"seed": 0},
                  proposed_at=PROPOSED_AT, expires_at=EXPIRES_AT, attempt=1, origin="on_demand", terms=TERMS)
    return MatchProposal(**{**fields, **changes})


@pytest.fixture
def match() -> MatchProposal:
    made = new_proposal()
    made.collect_events()
    return made


def events_of(aggregate) -> list[str]:  # noqa: ANN001
    return [type(event).__name__ for event in aggregate.collect_events()]


def refused(aggregate, kind: str, command) -> RuleViolated:  # noqa: ANN001
    """The command raises RuleViolated(kind) and records nothing."""
    version = aggregate.version
    with pytest.raises(RuleViolated) as raised:
        command()
    assert raised.value.kind == kind
    assert raised.value.status == 409
    assert aggregate.collect_events() == []
    assert aggregate.version == version
    return raised.value


def replayed(events) -> MatchProposal:  # noqa: ANN001
    aggregate = None
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def both_accepted(match: MatchProposal) -> MatchProposal:
    match.accept("mentee", DURING)
    match.accept("mentor", DURING)
    return match


# --- proposing ---------------------------------------------------------------------------


def test_a_new_proposal_is_open_and_awaits_both_people():
    made = new_proposal()
    assert events_of(made) == ["MatchProposed"]
    assert made.status == "proposed" and made.is_open
    assert made.accepted_by == [] and made.awaits_only is None
    assert made.reminded is False and made.ended_reason is None
    assert made.terms == TERMS


def test_the_proposal_knows_which_side_each_person_is_on(match):
    assert match.side_of(match.mentee_id) == "mentee"
    assert match.side_of(match.mentor_id) == "mentor"
    assert match.side_of(uuid4()) is None


@pytest.mark.parametrize("status", OPEN)
def test_open_statuses_count_as_open(match, status):
    match.status = status
    assert match.is_open


# --- accepting and confirming ------------------------------------------------------------


@pytest.mark.parametrize(("first", "second"), [("mentee", "mentor"), ("mentor", "mentee")])
def test_each_side_may_accept_first_and_the_other_is_then_awaited(match, first, second):
    match.accept(first, DURING)
    assert match.accepted_by == [first]
    assert match.awaits_only == second
    assert match.is_open
    match.accept(second, DURING)
    assert match.accepted_by == [first, second]
    assert match.awaits_only is None
    match.confirm()
    assert match.status == "confirmed" and not match.is_open
    assert events_of(match) == ["MatchAccepted", "MatchAccepted", "MatchConfirmed"]


def test_the_accepted_event_records_who_accepted(match):
    match.accept("mentor", DURING)
    (accepted,) = match.collect_events()
    assert type(accepted).__name__ == "MatchAccepted"
    assert accepted.by == "mentor"


@pytest.mark.parametrize("accepted", [[], ["mentee"], ["mentor"]])
def test_confirming_without_both_acceptances_is_refused(match, accepted):
    for side in accepted:
        match.accept(side, DURING)
    match.collect_events()
    refused(match, "not-mutually-accepted", match.confirm)
    assert match.status == "proposed"


def test_confirming_twice_is_refused(match):
    both_accepted(match).confirm()
    match.collect_events()
    refused(match, "not-mutually-accepted", match.confirm)


@pytest.mark.parametrize("side", ["mentee", "mentor"])
def test_accepting_twice_by_the_same_side_is_refused(match, side):
    match.accept(side, DURING)
    match.collect_events()
    refused(match, "already-accepted", lambda: match.accept(side, DURING))
    assert match.accepted_by == [side]


def test_accepting_until_just_before_the_window_closes_is_allowed(match):
    match.accept("mentee", EXPIRES_AT - timedelta(microseconds=1))
    assert match.accepted_by == ["mentee"]


@pytest.mark.parametrize("late", [timedelta(0), timedelta(seconds=1), timedelta(days=30)])
def test_accepting_at_or_after_the_window_closes_is_refused(match, late):
    refused(match, "proposal-expired", lambda: match.accept("mentor", EXPIRES_AT + late))
    assert match.accepted_by == []


def test_the_second_acceptance_after_the_window_is_refused_too(match):
    match.accept("mentee", DURING)
    match.collect_events()
    refused(match, "proposal-expired", lambda: match.accept("mentor", EXPIRES_AT))
    assert match.awaits_only == "mentor"


# --- declining ------------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["mentee", "mentor"])
def test_a_decline_closes_the_proposal_and_keeps_who_and_why(match, side):
    words = sealed_stand_in("our schedules never meet")
    match.decline(side, words, DURING, "schedule")
    assert match.status == "declined" and not match.is_open
    assert match.declined_by == side
    assert match.ended_reason == "declined: the schedule", "what anyone who sees it reads"
    assert (match.decliner_id, match.decline_words_ciphertext) == (match.side_and_person(side)[1], words)
    (declined,) = match.collect_events()
    assert (type(declined).__name__, declined.by, declined.reason, declined.reason_ciphertext) == (
        "MatchDeclined", side, None, words)


def test_one_side_may_decline_after_the_other_accepted(match):
    match.accept("mentee", DURING)
    match.decline("mentor", "full", DURING)
    assert match.status == "declined"
    match.collect_events()
    refused(match, "proposal-not-open", lambda: match.accept("mentor", DURING))


def test_declining_after_the_window_is_refused(match):
    refused(match, "proposal-expired", lambda: match.decline("mentee", "too late", EXPIRES_AT))
    assert match.status == "proposed"


# --- expiring ---------------------------------------------------------------------------------


def test_expiring_before_the_window_closes_is_refused(match):
    error = refused(match, "not-yet-expired", lambda: match.expire(EXPIRES_AT - timedelta(microseconds=1)))
    assert EXPIRES_AT.isoformat() in error.detail
    assert match.is_open


@pytest.mark.parametrize("after", [timedelta(0), timedelta(hours=5)])
def test_a_proposal_expires_at_or_after_its_deadline(match, after):
    match.expire(EXPIRES_AT + after)
    assert match.status == "expired" and not match.is_open
    assert match.ended_reason == "the acceptance window passed"
    assert events_of(match) == ["MatchExpired"]


def test_a_half_accepted_proposal_still_expires(match):
    match.accept("mentor", DURING)
    match.expire(EXPIRES_AT)
    assert match.status == "expired"


# --- closed proposals refuse everything ---------------------------------------------------


def close(match: MatchProposal, how: str) -> None:
    if how == "declined":
        match.decline("mentee", "no", DURING)
    elif how == "expired":
        match.expire(EXPIRES_AT)
    elif how == "cancelled":
        match.cancel("the request was withdrawn")
    else:
        both_accepted(match).confirm()
    match.collect_events()


@pytest.mark.parametrize("how", ["declined", "expired", "cancelled", "confirmed"])
@pytest.mark.parametrize("action", ["accept", "decline", "expire", "cancel"])
def test_acting_on_a_closed_proposal_is_refused(match, how, action):
    close(match, how)
    status = match.status
    command = {
        "accept": lambda: match.accept("mentor", DURING),
        "decline": lambda: match.decline("mentor", "late", DURING),
        "expire": lambda: match.expire(EXPIRES_AT + timedelta(days=1)),
        "cancel": lambda: match.cancel("again"),
    }[action]
    error = refused(match, "proposal-not-open", command)
    assert status in error.detail
    assert match.status == status


def test_a_closed_proposal_reports_not_open_before_expired(match):
    close(match, "declined")
    refused(match, "proposal-not-open", lambda: match.accept("mentor", EXPIRES_AT + timedelta(days=1)))


@pytest.mark.parametrize("how", ["declined", "expired", "cancelled", "confirmed"])
def test_a_closed_proposal_gets_no_reminder(match, how):
    close(match, how)
    refused(match, "no-reminder-due", lambda: match.remind(REMINDER_FROM))


# --- reminding --------------------------------------------------------------------------------


def test_a_reminder_before_the_last_quarter_of_the_window_is_too_early(match):
    error = refused(match, "no-reminder-due", lambda: match.remind(REMINDER_FROM - timedelta(microseconds=1)))
    assert "too early" in error.detail
    refused(match, "no-reminder-due", lambda: match.remind(PROPOSED_AT))


def test_a_reminder_is_due_from_the_last_quarter_of_the_window(match):
    match.remind(REMINDER_FROM)
    assert match.reminded is True
    assert events_of(match) == ["MatchExpiryReminderDue"]


def test_a_proposal_is_reminded_only_once(match):
    match.remind(REMINDER_FROM + timedelta(hours=1))
    match.collect_events()
    refused(match, "no-reminder-due", lambda: match.remind(REMINDER_FROM + timedelta(hours=2)))


def test_a_reminder_leaves_the_proposal_open_and_acceptable(match):
    match.remind(REMINDER_FROM)
    both_accepted_late = EXPIRES_AT - timedelta(hours=1)
    match.accept("mentee", both_accepted_late)
    match.accept("mentor", both_accepted_late)
    match.confirm()
    assert match.status == "confirmed"


def test_the_reminder_point_scales_with_the_window():
    short = new_proposal(expires_at=PROPOSED_AT + timedelta(hours=4))
    short.collect_events()
    refused(short, "no-reminder-due", lambda: short.remind(PROPOSED_AT + timedelta(hours=2, minutes=59)))
    short.remind(PROPOSED_AT + timedelta(hours=3))
    assert short.reminded


# --- cancelling ------------------------------------------------------------------------------


def test_an_open_proposal_can_be_cancelled_with_a_reason(match):
    match.accept("mentee", DURING)
    match.cancel("the mentor has no capacity left")
    assert match.status == "cancelled" and not match.is_open
    assert match.ended_reason == "the mentor has no capacity left"
    events = match.collect_events()
    assert [type(e).__name__ for e in events] == ["MatchAccepted", "MatchCancelled"]
    assert events[-1].reason == "the mentor has no capacity left"


# --- replaying --------------------------------------------------------------------------------


def test_replaying_the_events_rebuilds_the_same_state():
    made = new_proposal()
    made.accept("mentor", DURING)
    made.remind(REMINDER_FROM)
    made.accept("mentee", REMINDER_FROM)
    made.confirm()
    rebuilt = replayed(made.collect_events())
    assert rebuilt.id == made.id and rebuilt.version == made.version == 5
    assert (rebuilt.status, rebuilt.accepted_by, rebuilt.reminded) == ("confirmed", ["mentor", "mentee"], True)
    assert (rebuilt.terms, rebuilt.expires_at, rebuilt.score) == (TERMS, EXPIRES_AT, 72.5)


def test_replaying_a_decline_rebuilds_its_reason():
    made = new_proposal()
    made.decline("mentor", sealed_stand_in("parental leave"), DURING, "no_time")
    rebuilt = replayed(made.collect_events())
    assert (rebuilt.status, rebuilt.declined_by, rebuilt.ended_reason) == ("declined", "mentor", "declined: no time")
    assert (rebuilt.decliner_id, rebuilt.decline_words_ciphertext) == (made.mentor_id,
                                                                       sealed_stand_in("parental leave"))
