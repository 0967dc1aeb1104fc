"""check_can_request: whether a mentee may open a mentorship request, rule by rule.

Each refusal is checked for its kind and for leaving every aggregate involved unchanged."""

from typing import Any

import pytest

from services.intake.domain.participant import Participant
from services.intake.domain.program import Program
from services.intake.domain.request_rules import MAX_GOALS, check_can_request, goal_topics
from tests.unit.intake.test_intake_kit import an_id, enrolled, goals, open_program, program_settings, refused

ALL_FORMATS = ("one_to_one", "reciprocal", "peer", "group")


def may_request(program: Program, mentee: Participant, co_mentee: Participant | None = None,
                named_mentor: Participant | None = None, format: str = "one_to_one",
                wanted: list[dict[str, str]] | None = None) -> None:
    check_can_request(program, mentee, co_mentee, named_mentor, format,
                      goals("leadership") if wanted is None else wanted)


def refused_request(kind: str, program: Program, mentee: Participant, **options: Any) -> None:
    involved = [program, mentee, *(p for p in (options.get("co_mentee"), options.get("named_mentor")) if p)]
    refused(kind, lambda: may_request(program, mentee, **options), *involved)


# --- the program -----------------------------------------------------------------------------


def test_an_active_mentee_of_an_open_program_may_request_with_one_goal():
    leaders = open_program()
    may_request(leaders, enrolled(leaders))


def test_a_request_to_a_paused_program_is_refused():
    leaders = open_program()
    ada = enrolled(leaders)
    leaders.pause()
    refused_request("program-not-open", leaders, ada)


def test_a_request_to_a_closed_program_is_refused():
    leaders = open_program()
    ada = enrolled(leaders)
    leaders.close()
    refused_request("program-not-open", leaders, ada)


def test_a_request_to_a_reopened_program_is_allowed_again():
    leaders = open_program()
    ada = enrolled(leaders)
    leaders.pause()
    leaders.reopen()
    may_request(leaders, ada)


@pytest.mark.parametrize("format", ["reciprocal", "peer", "group"])
def test_a_request_in_a_format_the_program_does_not_offer_is_refused(format):
    leaders = open_program(formats=("one_to_one",))
    refused_request("format-not-allowed", leaders, enrolled(leaders), format=format)


@pytest.mark.parametrize("format", ["one_to_one", "peer"])
def test_a_request_in_any_non_reciprocal_format_the_program_offers_is_allowed(format):
    # A group names its other mentees: tests/unit/intake/test_intake_group_requests.py.
    leaders = open_program(formats=ALL_FORMATS)
    may_request(leaders, enrolled(leaders), format=format)


# --- goals -----------------------------------------------------------------------------------


def test_a_request_with_no_goals_is_refused():
    leaders = open_program()
    refused_request("goal-count", leaders, enrolled(leaders), wanted=[])


def test_a_request_with_six_goals_is_refused():
    leaders = open_program()
    six = goals(*(f"topic-{n}" for n in range(MAX_GOALS + 1)))
    assert len(six) == 6
    refused_request("goal-count", leaders, enrolled(leaders), wanted=six)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5])
def test_a_request_with_one_to_five_goals_is_allowed(count):
    leaders = open_program()
    may_request(leaders, enrolled(leaders), wanted=goals(*(f"topic-{n}" for n in range(count))))


def test_goal_topics_are_compared_trimmed_and_case_insensitively():
    assert goal_topics(goals("  SQL ", "Leadership", "sql")) == frozenset({"sql", "leadership"})


# --- the mentee ------------------------------------------------------------------------------


def test_a_mentee_enrolled_in_another_program_cannot_request_here():
    leaders, other = open_program(), open_program()
    refused_request("not-enrolled", leaders, enrolled(other))


def test_a_paused_mentee_cannot_request():
    leaders = open_program()
    ada = enrolled(leaders)
    ada.pause()
    refused_request("participant-not-active", leaders, ada)


def test_a_withdrawn_mentee_cannot_request():
    leaders = open_program()
    ada = enrolled(leaders)
    ada.withdraw()
    refused_request("participant-not-active", leaders, ada)


def test_an_erased_mentee_cannot_request():
    leaders = open_program()
    ada = enrolled(leaders)
    ada.erase()
    refused_request("participant-not-active", leaders, ada)


def test_a_mentor_only_participant_cannot_request_mentoring():
    leaders = open_program()
    refused_request("not-a-mentee", leaders, enrolled(leaders, roles="mentor"))


def test_a_participant_who_both_mentors_and_is_mentored_may_request():
    leaders = open_program()
    may_request(leaders, enrolled(leaders, roles="both"))


def test_a_former_mentee_confirmed_as_mentor_may_still_request():
    leaders = open_program()
    ada = enrolled(leaders)
    ada.offer_to_mentor(an_id())
    ada.confirm_mentor_enrolment()
    may_request(leaders, ada)


# --- co-mentee (reciprocal) ------------------------------------------------------------------


def test_a_reciprocal_request_without_a_co_mentee_is_refused():
    leaders = open_program(formats=("reciprocal",))
    refused_request("co-mentee-required", leaders, enrolled(leaders, roles="both"), format="reciprocal")


@pytest.mark.parametrize("format", ["one_to_one", "peer", "group"])
def test_a_non_reciprocal_request_naming_a_co_mentee_is_refused(format):
    leaders = open_program(formats=ALL_FORMATS)
    ada, bea = enrolled(leaders, roles="both"), enrolled(leaders, roles="both")
    refused_request("co-mentee-not-allowed", leaders, ada, co_mentee=bea, format=format)


def test_a_reciprocal_request_naming_an_active_co_mentee_of_the_program_is_allowed():
    leaders = open_program(formats=("reciprocal",))
    ada, bea = enrolled(leaders, roles="both"), enrolled(leaders, roles="both")
    may_request(leaders, ada, co_mentee=bea, format="reciprocal")


def test_a_co_mentee_from_another_program_is_refused():
    leaders, other = open_program(formats=("reciprocal",)), open_program(formats=("reciprocal",))
    ada, stranger = enrolled(leaders, roles="both"), enrolled(other, roles="both")
    refused_request("not-enrolled", leaders, ada, co_mentee=stranger, format="reciprocal")


@pytest.mark.parametrize("leave", ["pause", "withdraw", "erase"])
def test_a_co_mentee_who_is_not_active_is_refused(leave):
    leaders = open_program(formats=("reciprocal",))
    ada, bea = enrolled(leaders, roles="both"), enrolled(leaders, roles="both")
    getattr(bea, leave)()
    refused_request("participant-not-active", leaders, ada, co_mentee=bea, format="reciprocal")


def test_a_reciprocal_request_naming_the_mentee_as_their_own_co_mentee_is_refused():
    leaders = open_program(formats=("reciprocal",))
    ada = enrolled(leaders, roles="both")
    refused("co-mentee-is-mentee", lambda: may_request(leaders, ada, co_mentee=ada, format="reciprocal"),
            leaders, ada)


# --- named mentor ----------------------------------------------------------------------------


@pytest.mark.parametrize("roles", ["mentor", "both"])
def test_naming_an_active_mentor_of_the_program_is_allowed(roles):
    leaders = open_program()
    may_request(leaders, enrolled(leaders), named_mentor=enrolled(leaders, roles=roles))


def test_a_mentee_cannot_name_themself_as_their_mentor():
    leaders = open_program()
    ada = enrolled(leaders, roles="both")
    refused("named-mentor-is-mentee", lambda: may_request(leaders, ada, named_mentor=ada), leaders, ada)


def test_a_reciprocal_request_cannot_name_the_co_mentee_as_the_mentor():
    leaders = open_program(formats=("reciprocal",))
    ada, bea = enrolled(leaders, roles="both"), enrolled(leaders, roles="both")
    refused_request("named-mentor-is-mentee", leaders, ada, co_mentee=bea, named_mentor=bea, format="reciprocal")


def test_a_reciprocal_request_may_name_a_third_person_as_mentor():
    leaders = open_program(formats=("reciprocal",))
    ada, bea = enrolled(leaders, roles="both"), enrolled(leaders, roles="both")
    may_request(leaders, ada, co_mentee=bea, named_mentor=enrolled(leaders, roles="mentor"), format="reciprocal")


def test_naming_a_mentor_from_another_program_is_refused():
    leaders, other = open_program(), open_program()
    refused_request("not-enrolled", leaders, enrolled(leaders), named_mentor=enrolled(other, roles="mentor"))


@pytest.mark.parametrize("leave", ["pause", "withdraw", "erase"])
def test_naming_a_mentor_who_is_not_active_is_refused(leave):
    leaders = open_program()
    grace = enrolled(leaders, roles="mentor")
    getattr(grace, leave)()
    refused_request("participant-not-active", leaders, enrolled(leaders), named_mentor=grace)


def test_naming_someone_who_does_not_mentor_is_refused():
    leaders = open_program()
    refused_request("named-person-not-a-mentor", leaders, enrolled(leaders),
                    named_mentor=enrolled(leaders, roles="mentee"))


def test_naming_a_mentee_whose_offer_to_mentor_is_still_unconfirmed_is_refused():
    leaders = open_program()
    bea = enrolled(leaders, roles="mentee")
    bea.offer_to_mentor(an_id())
    refused_request("named-person-not-a-mentor", leaders, enrolled(leaders), named_mentor=bea)


# --- open-request cap ------------------------------------------------------------------------


@pytest.mark.parametrize("cap", [1, 2, 3])
def test_a_request_over_the_open_request_cap_is_refused(cap):
    leaders = open_program(cap=cap)
    ada = enrolled(leaders)
    for n in range(cap):
        ada.note_request_opened(an_id(), [f"topic-{n}"])
    refused_request("open-request-cap-reached", leaders, ada, wanted=goals("something-new"))


@pytest.mark.parametrize("cap", [1, 2, 3])
def test_a_request_just_under_the_open_request_cap_is_allowed(cap):
    leaders = open_program(cap=cap)
    ada = enrolled(leaders)
    for n in range(cap - 1):
        ada.note_request_opened(an_id(), [f"topic-{n}"])
    may_request(leaders, ada, wanted=goals("something-new"))


def test_settling_an_open_request_makes_room_under_the_cap():
    leaders = open_program(cap=1)
    ada = enrolled(leaders)
    first = an_id()
    ada.note_request_opened(first, ["a"])
    refused_request("open-request-cap-reached", leaders, ada, wanted=goals("b"))
    ada.note_request_settled(first)
    may_request(leaders, ada, wanted=goals("b"))


def test_the_cap_follows_the_program_settings_when_they_change():
    leaders = open_program(cap=1)
    ada = enrolled(leaders)
    ada.note_request_opened(an_id(), ["a"])
    refused_request("open-request-cap-reached", leaders, ada, wanted=goals("b"))
    leaders.change_settings(program_settings(cap=2))
    may_request(leaders, ada, wanted=goals("b"))


def test_the_mentee_whose_requests_count_is_the_mentee_not_the_co_mentee():
    leaders = open_program(formats=("reciprocal",), cap=1)
    ada, bea = enrolled(leaders, roles="both"), enrolled(leaders, roles="both")
    bea.note_request_opened(an_id(), ["a"])
    may_request(leaders, ada, co_mentee=bea, format="reciprocal", wanted=goals("b"))


# --- duplicates ------------------------------------------------------------------------------


def test_a_second_open_request_for_the_same_goal_topics_is_refused():
    leaders = open_program(cap=3)
    ada = enrolled(leaders)
    ada.note_request_opened(an_id(), sorted(goal_topics(goals("leadership", "sql"))))
    refused_request("duplicate-open-request", leaders, ada, wanted=goals("sql", "leadership"))


def test_a_duplicate_is_recognised_whatever_the_case_and_spacing_of_the_topics():
    leaders = open_program(cap=3)
    ada = enrolled(leaders)
    ada.note_request_opened(an_id(), sorted(goal_topics(goals("Leadership", "SQL"))))
    refused_request("duplicate-open-request", leaders, ada, wanted=goals("  sql", "LEADERSHIP "))


def test_a_request_for_different_goal_topics_is_allowed_beside_an_open_one():
    leaders = open_program(cap=3)
    ada = enrolled(leaders)
    ada.note_request_opened(an_id(), ["leadership", "sql"])
    may_request(leaders, ada, wanted=goals("negotiation"))


def test_a_request_for_a_subset_or_superset_of_open_topics_is_not_a_duplicate():
    leaders = open_program(cap=3)
    ada = enrolled(leaders)
    ada.note_request_opened(an_id(), ["leadership", "sql"])
    may_request(leaders, ada, wanted=goals("leadership"))
    may_request(leaders, ada, wanted=goals("leadership", "sql", "negotiation"))


def test_the_same_goal_topics_are_allowed_again_once_the_open_request_is_settled():
    leaders = open_program(cap=3)
    ada = enrolled(leaders)
    first = an_id()
    ada.note_request_opened(first, ["leadership"])
    ada.note_request_settled(first)
    may_request(leaders, ada, wanted=goals("Leadership"))


def test_another_mentee_may_ask_for_the_same_goal_topics():
    leaders = open_program()
    ada, bea = enrolled(leaders), enrolled(leaders)
    ada.note_request_opened(an_id(), ["leadership"])
    may_request(leaders, bea, wanted=goals("leadership"))
