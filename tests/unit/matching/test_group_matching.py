"""A group request: ONE mentor for the requester and the other mentees it names. The hard
rules hold between the mentor and every member, the score is the mean of the members' scores,
and nothing starts until the mentor and every mentee accepted; the group takes one seat of the
mentor's capacity and one of each mentee's."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from services.matching.domain.group import (
    check_group_pair,
    group_score,
    is_group,
    rank_for_group,
    why_no_mentor_fits_group,
)
from services.matching.domain.proposal import MatchProposal
from services.matching.domain.scoring import score
from services.matching.publishing import to_public
from shared.contracts import matching as contracts
from shared.errors import RuleViolated
from tests.unit.matching.people import WEIGHTS, candidate, mentee, open_request

PROGRAM = uuid4()
AT = datetime(2030, 1, 1, tzinfo=UTC)


def group_of(count: int = 3, **changes):
    members = [mentee(program_id=PROGRAM, **changes) for _ in range(count)]
    request = open_request(members[0], format="group",
                           co_mentee_ids=tuple(m.participant_id for m in members[1:]))
    return request, members


def a_mentor(**changes):
    return candidate(program_id=PROGRAM, **changes)


def test_a_group_request_naming_other_mentees_is_a_group():
    request, members = group_of()
    assert is_group(request)
    assert not is_group(open_request(members[0]))
    assert not is_group(open_request(members[0], format="group"))  # names nobody else


def test_the_groups_score_is_the_mean_of_each_members_score_and_the_explanation_says_so():
    request, members = group_of()
    members[2] = replace(members[2], languages=frozenset({"fr"}), offers={})
    mentor = a_mentor()
    each = [score(request, member, mentor, WEIGHTS).total for member in members]
    mean, scores = group_score(request, members, mentor, WEIGHTS)
    assert [s.total for s in scores] == each
    assert mean.total == pytest.approx(sum(each) / 3, abs=1e-3)
    assert each[2] < each[0]  # the member who shares no language pulls the group's score down
    chosen = check_group_pair(request, members, mentor, {}, WEIGHTS)
    assert not isinstance(chosen, str)
    assert chosen.explanation.startswith("group of 3 mentees with one mentor: the score is the mean of the "
                                         "members' scores (")


def test_a_mentor_in_any_members_reporting_line_is_refused_for_the_whole_group():
    request, members = group_of()
    boss = a_mentor()
    members[2] = replace(members[2], manager_id=boss.participant_id)
    assert check_group_pair(request, members, boss, {}, WEIGHTS) == (
        "group request: the two are in the same reporting line")
    assert rank_for_group(request, members, [boss], {}, WEIGHTS) == []


def test_a_member_is_never_proposed_as_the_groups_mentor():
    request, members = group_of(roles="both")
    ranked = rank_for_group(request, members, members, {}, WEIGHTS)
    assert ranked == []
    assert "a person cannot mentor themself" in why_no_mentor_fits_group(request, members, members, {}).reason


def test_the_mentor_best_for_the_group_wins_over_the_one_best_for_the_requester_alone():
    request, members = group_of()
    far = {"time_zone": "Asia/Tokyo", "availability": (), "languages": frozenset({"ja"})}
    members[1], members[2] = replace(members[1], **far), replace(members[2], **far)
    close_to_requester = a_mentor(offers={"public speaking": "expert"})
    close_to_the_others = a_mentor(offers={"public speaking": "expert"}, **far)
    alone = score(request, members[0], close_to_requester, WEIGHTS).total
    assert alone > score(request, members[0], close_to_the_others, WEIGHTS).total
    ranked = rank_for_group(request, members, [close_to_requester, close_to_the_others], {}, WEIGHTS)
    assert ranked[0].mentor == close_to_the_others


def test_a_full_mentor_makes_the_group_wait_and_says_why():
    request, members = group_of()
    full = a_mentor(capacity=1, load=1)
    no_fit = why_no_mentor_fits_group(request, members, [full], {})
    assert no_fit.can_wait and "the mentor has no capacity left (1 mentor)" in no_fit.reason
    assert no_fit.reason.startswith("group request: no mentor in the program meets the hard rules for every member")


def test_a_mentor_the_group_already_declined_is_not_proposed_again():
    request, members = group_of()
    mentor = a_mentor()
    request = replace(request, declined_mentor_ids=frozenset({mentor.participant_id}))
    no_fit = why_no_mentor_fits_group(request, members, [mentor], {})
    assert not no_fit.can_wait and "already declined" in no_fit.reason


# --- the proposal: everyone accepts; one seat of the mentor's, one of each mentee's -------------


def group_proposal(count: int = 3) -> MatchProposal:
    others = [uuid4() for _ in range(count - 1)]
    made = MatchProposal(
        id=uuid4(), request_id=uuid4(), program_id=PROGRAM, organization_id="acme", mentee_id=uuid4(),
        mentor_id=uuid4(), score=70.0, explanation="", provenance={}, proposed_at=AT,
        expires_at=AT + timedelta(hours=72), attempt=1, origin="on_demand",
        terms={"format": "group", "co_mentee_ids": [str(p) for p in others],
               "co_mentee_organizations": {str(p): "acme" for p in others}})
    made.collect_events()
    return made


def test_every_mentee_and_the_mentor_must_accept_before_the_group_is_confirmed():
    made = group_proposal()
    answers = made.answers_needed
    assert answers == ["mentee", "mentor", *(str(p) for p in made.co_mentee_ids)]
    for answer in answers[:-1]:
        made.accept(answer, AT)
        with pytest.raises(RuleViolated) as refusal:
            made.confirm()
        assert refusal.value.kind == "not-mutually-accepted"
    assert made.awaiting == [answers[-1]]
    made.accept(answers[-1], AT)
    made.confirm()
    assert made.status == "confirmed"


def test_a_group_member_answers_by_their_own_id_and_a_stranger_cannot_answer():
    made = group_proposal()
    member = made.co_mentee_ids[0]
    assert made.side_of(member) == str(member)
    assert made.side_and_person(str(member)) == ("mentee", member)
    assert made.side_of(uuid4()) is None
    with pytest.raises(RuleViolated) as refusal:
        made.accept(str(uuid4()), AT)
    assert refusal.value.kind == "not-in-the-proposal"
    assert made.collect_events() == []


def test_a_decline_by_any_member_ends_the_group_proposal():
    made = group_proposal()
    made.accept("mentee", AT)
    made.accept("mentor", AT)
    made.decline(str(made.co_mentee_ids[1]), "not now", AT)
    assert made.status == "declined" and not made.is_open


def test_the_group_takes_one_seat_of_the_mentors_capacity_and_one_of_each_mentees():
    made = group_proposal(4)
    assert made.seat_roles == [(made.mentor_id, "mentor"), (made.mentee_id, "mentee"),
                               *((person, "mentee") for person in made.co_mentee_ids)]
    assert [role for _, role in made.seat_roles].count("mentor") == 1


def test_a_one_to_one_proposal_still_needs_only_the_two_sides():
    made = group_proposal()
    made.terms = {"format": "one_to_one"}
    assert made.answers_needed == ["mentee", "mentor"] and made.co_mentee_ids == []


def test_a_members_acceptance_and_the_confirmation_are_published_with_every_member():
    made = group_proposal()
    member = made.co_mentee_ids[0]
    for answer in made.answers_needed:
        made.accept(answer, AT)
    made.confirm()
    made.terms = {**made.terms, "goals": [{"topic": "sql", "outcome": "queries"}], "cadence_days": 14,
                  "length_weeks": 12, "ground_rules": {}}
    published = [to_public(event, made) for event in made.collect_events()]
    accepted = [p.contract for p in published if isinstance(p.contract, contracts.MatchAccepted)]
    assert (accepted[2].by, accepted[2].participant_id) == ("mentee", member)
    (confirmed,) = [p.contract for p in published if isinstance(p.contract, contracts.MatchConfirmed)]
    assert [m.participant_id for m in confirmed.co_mentees] == made.co_mentee_ids
    assert confirmed.format == "group"
