"""A group request names its other mentees: 1 to 7, each once, each an active mentee of the
same program. The same rules serve the API (422 naming the field) and the domain (a refusal)."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from services.intake.domain.group_rules import (
    MAX_OTHER_MENTEES,
    group_member_problems,
    group_shape_problems,
)
from services.intake.domain.mentorship_request import MentorshipRequest
from services.intake.domain.request_rules import check_can_request
from tests.unit.intake.test_intake_kit import enrolled, goals, open_program, refused

GROUPS = ("one_to_one", "group")


def test_a_group_of_three_mentees_of_the_program_may_be_requested():
    program = open_program(formats=GROUPS)
    mentee, *others = (enrolled(program) for _ in range(3))
    check_can_request(program, mentee, None, None, "group", goals("leadership"), others)


@pytest.mark.parametrize("count", [0, MAX_OTHER_MENTEES + 1])
def test_a_group_names_one_to_seven_other_mentees(count):
    assert group_shape_problems("group", uuid4(), [uuid4() for _ in range(count)]) == [
        ("co_mentee_ids", "a group request names 1 to 7 other mentees")]


def test_seven_other_mentees_is_the_largest_group():
    assert group_shape_problems("group", uuid4(), [uuid4() for _ in range(MAX_OTHER_MENTEES)]) == []


def test_a_person_named_twice_or_the_requester_named_again_is_refused_by_position():
    mentee, other = uuid4(), uuid4()
    assert group_shape_problems("group", mentee, [other, mentee, other]) == [
        ("co_mentee_ids.1", "is the requesting mentee"), ("co_mentee_ids.2", "is named twice")]


def test_only_a_group_request_names_other_mentees():
    assert group_shape_problems("one_to_one", uuid4(), [uuid4()]) == [
        ("co_mentee_ids", "only a group request names other mentees")]
    assert group_shape_problems("one_to_one", uuid4(), []) == []


def test_members_of_another_program_mentors_only_and_people_who_left_are_named():
    program, elsewhere = open_program(formats=GROUPS), open_program(formats=GROUPS)
    gone = enrolled(program)
    gone.withdraw()
    members = [enrolled(program), enrolled(elsewhere), enrolled(program, roles="mentor"), gone]
    assert group_member_problems(program, members) == [
        ("co_mentee_ids.1", "is not enrolled in this program"),
        ("co_mentee_ids.2", "is enrolled as a mentor only"),
        ("co_mentee_ids.3", "is withdrawn")]


def test_the_domain_refuses_a_group_with_a_member_of_another_program():
    program, elsewhere = open_program(formats=GROUPS), open_program(formats=GROUPS)
    mentee, stranger = enrolled(program), enrolled(elsewhere)
    refusal = refused("group-member-not-allowed",
                      lambda: check_can_request(program, mentee, None, None, "group", goals("sql"), [stranger]),
                      program, mentee, stranger)
    assert "co_mentee_ids.0: is not enrolled in this program" in refusal.detail


def test_the_domain_refuses_a_group_request_that_names_nobody_else():
    program = open_program(formats=GROUPS)
    mentee = enrolled(program)
    refused("group-member-not-allowed",
            lambda: check_can_request(program, mentee, None, None, "group", goals("sql"), []), program, mentee)


def test_a_program_without_the_group_format_refuses_a_group():
    program = open_program(formats=("one_to_one",))
    mentee, other = enrolled(program), enrolled(program)
    refused("format-not-allowed",
            lambda: check_can_request(program, mentee, None, None, "group", goals("sql"), [other]), program, mentee)


def test_a_group_member_cannot_be_the_named_mentor():
    program = open_program(formats=GROUPS)
    mentee, both = enrolled(program), enrolled(program, roles="both")
    refused("named-mentor-is-mentee",
            lambda: check_can_request(program, mentee, None, both, "group", goals("sql"), [both]), program, mentee)


def a_group_request(program, mentee, members) -> MentorshipRequest:
    return MentorshipRequest(
        id=uuid4(), program_id=program.id, organization_id="acme", mentee_id=mentee.id, co_mentee_id=None,
        format="group", goals=goals("sql"), meeting_modes=["video"], preferences={"must_have": [], "avoid": []},
        named_mentor_id=None, message_ciphertext=None, requested_at=datetime(2030, 1, 1, tzinfo=UTC),
        co_mentee_ids=[member.id for member in members])


def test_a_group_request_lets_every_member_see_it():
    program = open_program(formats=GROUPS)
    mentee, *others = (enrolled(program) for _ in range(3))
    assert a_group_request(program, mentee, others).people == [mentee.id, *(m.id for m in others)]


def test_a_group_matched_again_after_no_fit_keeps_the_members_still_in_it_and_avoids_the_mentor():
    program = open_program(formats=GROUPS)
    mentee, stays, left = (enrolled(program) for _ in range(3))
    ended, mentor = a_group_request(program, mentee, [stays, left]), uuid4()
    again = MentorshipRequest.rematch_of(ended, uuid4(), mentor, ended.requested_at, [stays.id])
    assert (again.format, again.mentee_id, again.group_members) == ("group", mentee.id, [stays.id])
    assert f"participant:{mentor}" in again.preferences["avoid"]


def test_a_program_sets_how_large_its_groups_may_be():
    program = open_program(formats=GROUPS, max_group_size=3)
    mentee, *others = (enrolled(program) for _ in range(4))
    assert group_member_problems(program, others[:2]) == []
    assert group_member_problems(program, others) == [
        ("co_mentee_ids", "this program's groups have at most 3 mentees, the requester included")]
    refused("group-member-not-allowed",
            lambda: check_can_request(program, mentee, None, None, "group", goals("leadership"), others))
