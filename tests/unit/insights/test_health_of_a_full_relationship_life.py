"""One relationship from enrolment to paying it forward, read at the end of its life."""

from uuid import uuid4

import pytest

from shared.contracts import intake
from tests.unit.insights.health_kit import folded
from tests.unit.insights.program_story import DAY, HOUR, T0, ProgramStory, profile
from tests.unit.insights.relationship_story import agreed_and_active, held, matched_pair, started


@pytest.fixture(scope="module")
def life() -> dict:
    story = ProgramStory(organizations=("acme", "globex"))
    pair = matched_pair(story, T0, organization="acme", mentor_organization="globex", score=72.5)
    started(story, pair, T0 + 3 * HOUR, mentor_organization="globex")
    agreed_and_active(story, pair, T0 + DAY, cadence_days=7)
    held(story, pair, T0 + 8 * DAY, both_learned=True)
    held(story, pair, T0 + 15 * DAY, both_learned=False)
    missed, cancelled = uuid4(), uuid4()
    story.fact(
        "SessionScheduled",
        pair.request,
        T0 + 16 * DAY,
        session_id=missed,
        starts_at=T0 + 22 * DAY,
        minutes=60,
        mode="video",
    )
    story.fact(
        "SessionMissed",
        pair.request,
        T0 + 22 * DAY + HOUR,
        session_id=missed,
        missed_by=[pair.mentor],
    )
    story.fact(
        "SessionScheduled",
        pair.request,
        T0 + 23 * DAY,
        session_id=cancelled,
        starts_at=T0 + 29 * DAY,
        minutes=60,
        mode="video",
    )
    story.fact(
        "SessionCancelled",
        pair.request,
        T0 + 29 * DAY - 2 * HOUR,
        session_id=cancelled,
        cancelled_by=pair.mentee,
        notice_hours=2.0,
        late=True,
    )
    story.fact("CheckInRecorded", pair.request, T0 + 9 * DAY, by=pair.mentee, fit=5, progress=3)
    story.fact("CheckInRecorded", pair.request, T0 + 9 * DAY, by=pair.mentor, fit=4, progress=4)
    story.fact("PairingFitReported", pair.request, T0 + 9 * DAY, by=pair.mentee, answer="good_fit")
    story.fact(
        "RelationshipClosed",
        pair.request,
        T0 + 30 * DAY,
        outcome="completed",
        closed_by=pair.mentee,
    )
    story.fact(
        "PayItForwardOffered",
        pair.request,
        T0 + 31 * DAY,
        participant_id=pair.mentee,
        organization_id="acme",
    )
    story.emit(
        intake.MentorEnrolmentPending(
            participant_id=pair.mentee, program_id=story.program, relationship_id=pair.request
        ),
        T0 + 31 * DAY,
    )
    story.emit(
        intake.ParticipantProfileUpdated(
            participant_id=pair.mentee,
            program_id=story.program,
            profile_version=2,
            profile=profile("both", "acme"),
        ),
        T0 + 32 * DAY,
    )
    book = folded(story.events)
    return book.program(str(story.program))["overall"]


def test_people_are_counted_by_the_role_they_hold_now(life: dict) -> None:
    assert life["participants"]["enrolled"] == 2
    assert life["participants"]["enrolled_by_role"] == {"mentor": 1, "mentee": 0, "both": 1}


def test_the_request_is_matched_with_its_waits_measured(life: dict) -> None:
    requests = life["requests"]
    assert (requests["requested"], requests["matched"], requests["open"]) == (1, 1, 0)
    assert requests["match_rate"] == 1.0
    assert requests["request_to_first_proposal_seconds"] == {"p50": 3600.0, "p90": 3600.0}
    assert requests["request_to_confirmation_seconds"] == {"p50": 3 * 3600.0, "p90": 3 * 3600.0}


def test_both_sides_accepted_the_one_proposal(life: dict) -> None:
    assert life["proposals"]["acceptance_rate_by_side"] == {"mentee": 1.0, "mentor": 1.0}
    assert life["proposals"]["decline_rate_by_side"] == {"mentee": 0.0, "mentor": 0.0}


def test_the_pair_is_scored_and_across_organizations(life: dict) -> None:
    quality = life["matching_quality"]
    assert quality["mean_score"] == 72.5
    assert quality["cross_organization_share"] == 1.0
    assert quality["reciprocal_share"] == 0.0


def test_the_relationship_closed_completed(life: dict) -> None:
    assert life["relationships"]["closed"] == 1
    assert life["relationships"]["closed_by_outcome"]["completed"] == 1


def test_the_start_is_timed_from_confirmation_to_agreement_to_first_session(life: dict) -> None:
    timing = life["relationship_timing"]
    # Confirmed at T0+3h, agreement in effect at T0+1d+1h, first session held at T0+8d.
    assert timing["confirmation_to_agreement_seconds"]["p50"] == (DAY - 2 * HOUR).total_seconds()
    assert timing["agreement_to_first_session_seconds"]["p50"] == (7 * DAY - HOUR).total_seconds()


def test_no_shows_and_late_cancellations_are_rates_of_sessions(life: dict) -> None:
    attendance = life["attendance"]
    assert (
        attendance["sessions_held"],
        attendance["sessions_missed"],
        attendance["late_cancellations"],
    ) == (2, 1, 1)
    assert attendance["no_show_rate"] == round(1 / 3, 4)
    assert attendance["late_cancellation_rate"] == 0.25


def test_check_ins_are_averaged(life: dict) -> None:
    assert life["check_ins"] == {"check_ins": 2, "fit_average": 4.5, "progress_average": 3.5}


def test_two_way_learning_counts_sessions_where_both_learned(life: dict) -> None:
    assert life["two_way_learning"]["two_way_sessions"] == 1
    assert life["two_way_learning"]["two_way_learning_share"] == 0.5


def test_the_agreed_weekly_cadence_is_what_sessions_are_held_against(life: dict) -> None:
    cadence = life["cadence"]
    # Active from Jan 5 11:00 to the close on Feb 3 09:00 at the agreed 7 days (not the program's
    # 14):
    # January 26.54 running days, February 2.375; both sessions were held in January.
    running_days = 26 + 13 / 24 + 2 + 9 / 24
    assert cadence["sessions_held"] == 2 and cadence["relationship_months"] == 2
    assert cadence["expected_per_relationship_month"] == pytest.approx(
        running_days / 7 / 2, abs=1e-3
    )
    assert cadence["cadence_adherence"] == pytest.approx(2 / (running_days / 7), abs=1e-3)


def test_the_mentee_who_paid_it_forward_became_a_mentor(life: dict) -> None:
    assert life["pay_it_forward"] == {
        "offers": 1,
        "awaiting_confirmation": 0,
        "became_mentors": 1,
        "conversion_rate": 1.0,
    }
